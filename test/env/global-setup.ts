import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Vitest global setup of the integration project: brings the real brokers up (test/env/up.sh is
 * idempotent, so a developer who keeps them running pays nothing) and, at the end, stops them
 * again only if this run started them. SLUICE_KEEP_ENV=1 keeps them for the next run.
 */
const root = resolve(import.meta.dirname, '../..');
const envJson = resolve(root, '.cache/test-env/env.json');

export default function setup(): () => void {
  const startedHere = !existsSync(envJson);
  const up = spawnSync('bash', ['test/env/up.sh'], { cwd: root, stdio: 'inherit' });
  if (up.status !== 0) throw new Error('test/env/up.sh could not start the brokers (see its CANNOT START lines above)');
  return () => {
    if (startedHere && !process.env.SLUICE_KEEP_ENV) spawnSync('bash', ['test/env/down.sh'], { cwd: root, stdio: 'inherit' });
  };
}
