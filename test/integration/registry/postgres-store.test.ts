import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../runtime/registry/postgres-store';
import { EmbeddedRegistry } from '../../../runtime/registry/registry';
import { freshDatabase } from './postgres';

// Two registries on one database (two processes in production; two pools here) registering at
// the same time: each registration is one transaction under a per-subject lock, so versions
// never collide and equal schemas share one id.

const schema = (name: string, field = 'id') => JSON.stringify({ type: 'record', name, fields: [{ name: field, type: 'string' }] });

let db: Awaited<ReturnType<typeof freshDatabase>>;
let a: EmbeddedRegistry;
let b: EmbeddedRegistry;

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  // Opening both at once also exercises the guarded CREATE TABLE.
  const [sa, sb] = await Promise.all([
    PostgresStore.open({ connectionString: db.url, tablePrefix: 'concurrent' }),
    PostgresStore.open({ connectionString: db.url, tablePrefix: 'concurrent' }),
  ]);
  a = new EmbeddedRegistry(sa);
  b = new EmbeddedRegistry(sb);
});
afterEach(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe('PostgresStore', () => {
  it('gives concurrent registrations of one subject from two registries distinct, gapless versions', async () => {
    await a.setSubjectCompatibility('busy', 'NONE');
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).register('busy', { schema: schema(`R${i}`) })));
    expect(new Set(results.map((r) => r.id)).size).toBe(24);
    expect(await a.versions('busy')).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    // Every schema landed under exactly one version.
    const ids = await Promise.all((await b.versions('busy')).map(async (v) => (await b.version('busy', v)).id));
    expect(new Set(ids).size).toBe(24);
  });

  it('gives the same schema registered concurrently under many subjects one id', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).register(`same-${i}`, { schema: schema('Same') })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await a.subjectsOfSchema(results[0]?.id as number)).toHaveLength(12);
  });

  it('registers the same schema under one subject concurrently as one version', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).register('once', { schema: schema('Once') })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await b.versions('once')).toEqual([1]);
  });

  it('keeps its tables under the prefix, with a primary key on subject and version', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'concurrent%' ORDER BY table_name",
      );
      expect(rows.map((r) => r.table_name)).toEqual(['concurrent_config', 'concurrent_schemas', 'concurrent_versions']);
      const duplicate = await client
        .query("INSERT INTO concurrent_versions (subject, version, schema_id) SELECT subject, version, schema_id FROM concurrent_versions LIMIT 1")
        .then(
          () => undefined,
          (err: Error & { code?: string }) => err.code,
        );
      expect(duplicate).toBe('23505');
    } finally {
      await client.end();
    }
  });

  it('reports an unreachable database when opened', async () => {
    await expect(PostgresStore.open({ connectionString: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('never shows the password in its description', async () => {
    const url = new URL(db.url);
    url.password = 'hunter2';
    url.username = 'postgres';
    // Trust authentication ignores the password, so the store opens.
    const store = await PostgresStore.open({ connectionString: url.toString(), tablePrefix: 'concurrent' });
    try {
      expect(store.description).toBe(`PostgreSQL 127.0.0.1:${url.port}${url.pathname}`);
      expect(store.description).not.toContain('hunter2');
    } finally {
      await store.close();
    }
  });
});
