import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Endpoints of the brokers test/env/up.sh started for this run. */
export interface TestEnv {
  dir: string;
  kafka: { brokers: string[]; port: number; pid: number; log: string };
  nats: { servers: string[]; port: number; pid: number; log: string };
  amqp: { url: string; port: number; node: string; log: string };
  /** up.sh's own PostgreSQL (trust auth, user postgres); `error` says why it could not start. */
  postgres?: { url: string; port: number; pid: number; dataDir: string; log: string } | { error: string };
}

export function testEnv(): TestEnv {
  const file = resolve(import.meta.dirname, '../../.cache/test-env/env.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TestEnv;
  } catch {
    throw new Error(`no test brokers: ${file} is missing. Run the integration tests through vitest (its global setup starts them) or bash test/env/up.sh`);
  }
}

/** A name no other test (or earlier run against the same brokers) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The connection URL of the PostgreSQL test/env/up.sh started (never the machine's own on 5432).
 * Throws naming the reason when up.sh could not start it, so only the tests that need it fail.
 */
export function testPostgresUrl(): string {
  const pg = testEnv().postgres;
  if (pg === undefined) throw new Error('no test PostgreSQL in .cache/test-env/env.json: run bash test/env/up.sh (an environment started before PostgreSQL was added gets it on the next run)');
  if ('error' in pg) throw new Error(`test/env/up.sh could not start PostgreSQL: ${pg.error}`);
  return pg.url;
}
