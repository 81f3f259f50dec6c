import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStore } from '../../../runtime/registry/folder-store';
import { PostgresStore } from '../../../runtime/registry/postgres-store';
import { createRegistryServer } from '../../../runtime/registry/server';
import type { RegistryStore } from '../../../runtime/registry/store';
import { freshDatabase } from './postgres';

// A registry restarted on the same store answers as before: records encoded before the restart
// decode after it, versions, deletes and config are kept, and ids are never handed out twice.

const V1 = 'application/vnd.schemaregistry.v1+json';
const order = (fields: unknown[] = []) =>
  JSON.stringify({ type: 'record', name: 'Order', namespace: 'com.acme', fields: [{ name: 'id', type: 'string' }, ...fields] });

async function get(url: string): Promise<unknown> {
  return (await fetch(url, { headers: { accept: V1 } })).json();
}

function restartSuite(name: string, open: () => Promise<RegistryStore>) {
  describe(`restart with the ${name}`, () => {
    it('keeps subjects, versions, ids, deletes and config, and continues the ids', async () => {
      const first = await createRegistryServer({ store: await open() });
      let encoded: Buffer;
      let ids: number[];
      try {
        const client = new SchemaRegistry({ host: first.url });
        const a1 = await client.register({ type: SchemaType.AVRO, schema: order() }, { subject: 'orders-value' });
        const a2 = await client.register({ type: SchemaType.AVRO, schema: order([{ name: 'channel', type: 'string', default: 'web' }]) }, { subject: 'orders-value' });
        const b1 = await client.register({ type: SchemaType.AVRO, schema: order([{ name: 'gone', type: 'int', default: 0 }]) }, { subject: 'gone-value' });
        ids = [a1.id, a2.id, b1.id];
        encoded = await client.encode(a2.id, { id: 'o-1', channel: 'shop' });
        await fetch(`${first.url}/config/orders-value`, { method: 'PUT', headers: { 'content-type': V1 }, body: JSON.stringify({ compatibility: 'FULL' }) });
        await fetch(`${first.url}/subjects/gone-value`, { method: 'DELETE' });
      } finally {
        await first.close();
      }

      const second = await createRegistryServer({ store: await open() });
      try {
        const client = new SchemaRegistry({ host: second.url });
        expect({ ...(await client.decode(encoded)) }).toEqual({ id: 'o-1', channel: 'shop' });
        expect(await client.getLatestSchemaId('orders-value')).toBe(ids[1]);
        expect(await get(`${second.url}/subjects`)).toEqual(['orders-value']);
        expect(await get(`${second.url}/subjects?deleted=true`)).toEqual(['gone-value', 'orders-value']);
        expect(await get(`${second.url}/subjects/orders-value/versions`)).toEqual([1, 2]);
        expect(await get(`${second.url}/config/orders-value`)).toEqual({ compatibilityLevel: 'FULL' });
        expect(await get(`${second.url}/schemas/ids/${ids[2]}`)).toEqual({ schema: order([{ name: 'gone', type: 'int', default: 0 }]) });
        const next = await client.register({ type: SchemaType.AVRO, schema: order([{ name: 'fresh', type: 'long', default: 0 }]) }, { subject: 'other-value' });
        expect(next.id).toBeGreaterThan(Math.max(...ids));
      } finally {
        await second.close();
      }
    });
  });
}

let dir: string;
let db: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-registry-restart-'));
  db = await freshDatabase();
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  await db?.drop();
});

restartSuite('folder store', () => FolderStore.open(dir));
restartSuite('PostgreSQL store', () => PostgresStore.open({ connectionString: db.url }));
