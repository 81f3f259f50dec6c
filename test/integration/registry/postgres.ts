import pg from 'pg';
import { testPostgresUrl } from '../env';

/**
 * A database of its own on the PostgreSQL test/env/up.sh started, so registry tests never see
 * each other's tables (or an earlier run's). `drop` removes it, closing leftover connections.
 */
export async function freshDatabase(prefix = 'sluice_registry'): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = testPostgresUrl();
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
