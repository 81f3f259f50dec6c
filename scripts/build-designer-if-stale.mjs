// Builds the designer app (vite build -> designer/dist) when it is missing or older than its
// sources, so `npm start` is quick after the first run and never serves a stale app.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const SOURCES = ['designer/src', 'designer/index.html', 'shared', 'vite.config.ts', 'package-lock.json'];

function newest(path) {
  const st = statSync(join(root, path), { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(join(root, path)).map((name) => newest(join(path, name))));
}

const built = statSync(join(root, 'designer/dist/index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (built > 0 && built >= Math.max(...SOURCES.map(newest))) process.exit(0);
console.error('sluice: building the designer app (designer/dist)…');
const r = spawnSync('npx', ['--no-install', 'vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
