import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedRegistry, parseVersion } from '../../../runtime/registry/registry';
import { FolderStore } from '../../../runtime/registry/folder-store';
import { RegistryError } from '../../../runtime/registry/errors';
import type { RegistryStore } from '../../../runtime/registry/store';

// The registry's semantics without HTTP, over the folder store: ids, versions, deletes, config
// and compatibility, with Confluent's error codes.

const order = (extra: unknown[] = []) =>
  JSON.stringify({ type: 'record', name: 'Order', namespace: 'com.acme', fields: [{ name: 'id', type: 'string' }, ...extra] });
const optional = { name: 'channel', type: 'string', default: 'web' };
const required = { name: 'channel', type: 'string' };

/** The error code a promise rejects with. */
async function codeOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RegistryError) return err.errorCode;
    throw err;
  }
  throw new Error('expected a RegistryError, but it resolved');
}

let dir: string;
let registry: EmbeddedRegistry;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-registry-'));
  registry = new EmbeddedRegistry(await FolderStore.open(dir));
});
afterEach(async () => {
  await registry.close();
  await rm(dir, { recursive: true, force: true });
});

describe('registering', () => {
  it('gives a new schema a global id and version 1, and the same schema again the same id', async () => {
    const { id } = await registry.register('orders-value', { schema: order() });
    expect(id).toBe(1);
    // Same schema, other spelling: no new version.
    expect(await registry.register('orders-value', { schema: JSON.stringify(JSON.parse(order()), null, 2) })).toEqual({ id });
    expect(await registry.versions('orders-value')).toEqual([1]);
  });

  it('reuses the global id for the same schema under another subject', async () => {
    const { id } = await registry.register('orders-value', { schema: order() });
    expect(await registry.register('orders-copy-value', { schema: order() })).toEqual({ id });
    expect(await registry.subjectsOfSchema(id)).toEqual(['orders-copy-value', 'orders-value']);
    expect(await registry.versionsOfSchema(id)).toEqual([
      { subject: 'orders-copy-value', version: 1 },
      { subject: 'orders-value', version: 1 },
    ]);
  });

  it('keeps the text as registered for GET, and compares canonically', async () => {
    const text = `{ "type": "record", "name": "Order", "namespace": "com.acme",\n  "fields": [{"name": "id", "type": {"type": "string"}}] }`;
    const { id } = await registry.register('orders-value', { schema: text });
    expect(await registry.schemaById(id)).toEqual({ schema: text });
    expect((await registry.lookup('orders-value', { schema: order() })).id).toBe(id);
  });

  it('refuses an incompatible schema with 409 naming the subject, level, field and version', async () => {
    await registry.register('orders-value', { schema: order() });
    const err = await registry.register('orders-value', { schema: order([required]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).errorCode).toBe(409);
    expect((err as RegistryError).httpStatus).toBe(409);
    expect((err as RegistryError).message).toBe(
      'Schema being registered is incompatible with an earlier schema for subject "orders-value", details: orders-value is BACKWARD: field channel was added without a default; the new schema cannot read records written with version 1',
    );
  });

  it('applies the subject level over the global one', async () => {
    await registry.register('orders-value', { schema: order() });
    await registry.setSubjectCompatibility('orders-value', 'forward');
    // Adding a required field is FORWARD compatible: old readers ignore it.
    expect(await registry.register('orders-value', { schema: order([required]) })).toEqual({ id: 2 });
    await registry.setGlobalCompatibility('NONE');
    await registry.deleteSubjectCompatibility('orders-value');
    expect(await registry.effectiveLevel('orders-value')).toBe('NONE');
  });

  it('refuses invalid schemas and other schema types with 42201', async () => {
    expect(await codeOf(registry.register('s', { schema: '{"type":"record","name":"A","fields":[{"name":"x","type":"nope"}]}' }))).toBe(42201);
    expect(await codeOf(registry.register('s', { schema: 'not json' }))).toBe(42201);
    expect(await codeOf(registry.register('s', {}))).toBe(42201);
    expect(await codeOf(registry.register('s', { schema: '{"type":"object"}', schemaType: 'JSON' }))).toBe(42201);
    expect(await codeOf(registry.register('s', { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' }))).toBe(42201);
    expect(await codeOf(registry.register('s', { schema: order(), references: [{ name: 'x', subject: 'y', version: 1 }] }))).toBe(42201);
    expect(await registry.register('s', { schema: order(), schemaType: 'AVRO', references: [] })).toEqual({ id: 1 });
  });

  it('refuses a given id: that needs IMPORT mode', async () => {
    expect(await codeOf(registry.register('s', { schema: order(), id: 7 }))).toBe(42205);
  });

  it('numbers a version registered after deletes past every version kept', async () => {
    await registry.setGlobalCompatibility('NONE');
    await registry.register('s', { schema: order() });
    await registry.register('s', { schema: order([optional]) });
    await registry.deleteVersion('s', 2);
    // The schema of a soft-deleted version is a new version again, under its old id.
    expect(await registry.register('s', { schema: order([optional]) })).toEqual({ id: 2 });
    expect(await registry.versions('s', { deleted: true })).toEqual([1, 2, 3]);
    expect((await registry.version('s', 'latest')).version).toBe(3);
  });

  it('checks only non-deleted versions', async () => {
    await registry.register('s', { schema: order([required]) });
    await registry.setSubjectCompatibility('s', 'NONE');
    await registry.register('s', { schema: order() });
    await registry.setSubjectCompatibility('s', 'FORWARD_TRANSITIVE');
    // Version 1 needs channel (no default): removing it is refused while version 1 counts...
    const next = order([{ name: 'other', type: 'int', default: 0 }]);
    expect(await codeOf(registry.register('s', { schema: next }))).toBe(409);
    // ...and accepted once version 1 is soft-deleted.
    await registry.deleteVersion('s', 1);
    expect((await registry.register('s', { schema: next })).id).toBe(3);
  });
});

describe('reading', () => {
  it('answers versions, latest and lookups, and 40401/40402/40403 for what is missing', async () => {
    const { id } = await registry.register('orders-value', { schema: order() });
    expect(await registry.version('orders-value', 1)).toEqual({ subject: 'orders-value', version: 1, id, schema: order() });
    expect(await registry.version('orders-value', 'latest')).toEqual({ subject: 'orders-value', version: 1, id, schema: order() });
    expect(await registry.lookup('orders-value', { schema: order() })).toEqual({ subject: 'orders-value', version: 1, id, schema: order() });
    expect(await codeOf(registry.version('nope', 1))).toBe(40401);
    expect(await codeOf(registry.versions('nope'))).toBe(40401);
    expect(await codeOf(registry.version('orders-value', 2))).toBe(40402);
    expect(await codeOf(registry.lookup('orders-value', { schema: order([optional]) }))).toBe(40403);
    expect(await codeOf(registry.lookup('nope', { schema: order() }))).toBe(40401);
    expect(await codeOf(registry.schemaById(99))).toBe(40403);
    expect(await codeOf(registry.versionsOfSchema(99))).toBe(40403);
  });

  it('parses versions as Confluent does', () => {
    expect(parseVersion('latest')).toBe('latest');
    expect(parseVersion('-1')).toBe('latest');
    expect(parseVersion('7')).toBe(7);
    for (const bad of ['0', 'abc', '1.5', '-2', String(2 ** 31)]) {
      expect(() => parseVersion(bad), bad).toThrow(expect.objectContaining({ errorCode: 42202 }));
    }
  });
});

describe('deleting', () => {
  beforeEach(async () => {
    await registry.setGlobalCompatibility('NONE');
    await registry.register('s', { schema: order() });
    await registry.register('s', { schema: order([optional]) });
  });

  it('soft-deletes a subject: gone from lists, still readable by id and with deleted=true', async () => {
    expect(await registry.deleteSubject('s')).toEqual([1, 2]);
    expect(await registry.subjects()).toEqual([]);
    expect(await registry.subjects({ deleted: true })).toEqual(['s']);
    expect(await codeOf(registry.versions('s'))).toBe(40401);
    expect(await registry.versions('s', { deleted: true })).toEqual([1, 2]);
    expect((await registry.version('s', 1, { deleted: true })).id).toBe(1);
    expect((await registry.schemaById(1)).schema).toBe(order());
    expect(await registry.versionsOfSchema(1)).toEqual([]);
    expect(await registry.versionsOfSchema(1, { deleted: true })).toEqual([{ subject: 's', version: 1 }]);
    expect(await codeOf(registry.deleteSubject('s'))).toBe(40404);
  });

  it('deletes a subject for good only after a soft delete (40405), and the ids go with it', async () => {
    expect(await codeOf(registry.deleteSubject('s', { permanent: true }))).toBe(40405);
    await registry.deleteSubject('s');
    expect(await registry.deleteSubject('s', { permanent: true })).toEqual([1, 2]);
    expect(await registry.subjects({ deleted: true })).toEqual([]);
    expect(await codeOf(registry.schemaById(1))).toBe(40403);
    expect(await codeOf(registry.deleteSubject('s'))).toBe(40401);
    // Ids are never handed out twice.
    expect(await registry.register('s', { schema: order() })).toEqual({ id: 3 });
  });

  it('keeps a schema another subject still uses when one subject is deleted for good', async () => {
    await registry.register('t', { schema: order() });
    await registry.deleteSubject('s');
    await registry.deleteSubject('s', { permanent: true });
    expect((await registry.schemaById(1)).schema).toBe(order());
    expect(await registry.subjectsOfSchema(1)).toEqual(['t']);
  });

  it('soft-deletes a version (40406 twice), and deletes it for good only after (40407)', async () => {
    expect(await codeOf(registry.deleteVersion('s', 1, { permanent: true }))).toBe(40407);
    expect(await registry.deleteVersion('s', 1)).toBe(1);
    expect(await codeOf(registry.deleteVersion('s', 1))).toBe(40406);
    expect(await registry.versions('s')).toEqual([2]);
    expect(await registry.deleteVersion('s', 1, { permanent: true })).toBe(1);
    expect(await registry.versions('s', { deleted: true })).toEqual([2]);
    expect(await codeOf(registry.deleteVersion('s', 1))).toBe(40402);
    expect(await codeOf(registry.deleteVersion('nope', 1))).toBe(40401);
  });

  it('takes latest as the newest live version, or with permanent the newest version', async () => {
    expect(await registry.deleteVersion('s', 'latest')).toBe(2);
    expect(await registry.deleteVersion('s', 'latest')).toBe(1);
    expect(await codeOf(registry.deleteVersion('s', 'latest'))).toBe(40401);
    expect(await registry.deleteVersion('s', 'latest', { permanent: true })).toBe(2);
  });
});

describe('config', () => {
  it('defaults to BACKWARD globally and has no subject level until one is set (40408)', async () => {
    expect(await registry.globalCompatibility()).toBe('BACKWARD');
    expect(await codeOf(registry.subjectCompatibility('s'))).toBe(40408);
    expect(await registry.subjectCompatibility('s', { defaultToGlobal: true })).toBe('BACKWARD');
    expect(await registry.setSubjectCompatibility('s', 'full')).toBe('FULL');
    expect(await registry.subjectCompatibility('s')).toBe('FULL');
    expect(await registry.deleteSubjectCompatibility('s')).toBe('FULL');
    expect(await codeOf(registry.subjectCompatibility('s'))).toBe(40408);
  });

  it('refuses unknown levels with 42203', async () => {
    expect(await codeOf(registry.setGlobalCompatibility('SOMETIMES'))).toBe(42203);
    expect(await codeOf(registry.setSubjectCompatibility('s', undefined))).toBe(42203);
  });

  it('resets the global level', async () => {
    await registry.setGlobalCompatibility('FULL_TRANSITIVE');
    expect(await registry.resetGlobalCompatibility()).toBe('FULL_TRANSITIVE');
    expect(await registry.globalCompatibility()).toBe('BACKWARD');
  });
});

describe('testing compatibility', () => {
  it('checks against one version, or without one against what the level names', async () => {
    await registry.register('s', { schema: order() });
    expect(await registry.testCompatibility('s', 'latest', { schema: order([optional]) })).toEqual({ is_compatible: true, messages: [] });
    const refused = await registry.testCompatibility('s', 1, { schema: order([required]) });
    expect(refused.is_compatible).toBe(false);
    expect(refused.messages).toEqual(['s is BACKWARD: field channel was added without a default; the new schema cannot read records written with version 1']);
    expect(await registry.testCompatibility('new-subject', undefined, { schema: order([required]) })).toEqual({ is_compatible: true, messages: [] });
    expect(await codeOf(registry.testCompatibility('nope', 'latest', { schema: order() }))).toBe(40401);
    expect(await codeOf(registry.testCompatibility('s', 5, { schema: order() }))).toBe(40402);
    expect(await codeOf(registry.testCompatibility('s', 'latest', { schema: '{' }))).toBe(42201);
  });
});

describe('a failing store', () => {
  it('surfaces as 50001 with the cause', async () => {
    const broken = new Proxy({} as RegistryStore, {
      get: (_t, prop) => (prop === 'close' ? async () => undefined : async () => Promise.reject(new Error('disk on fire'))),
    });
    const failing = new EmbeddedRegistry(broken);
    const err = await failing.subjects().catch((e: unknown) => e);
    expect(err).toMatchObject({ errorCode: 50001, message: 'Error in the backend data store: disk on fire' });
    expect(await codeOf(failing.register('s', { schema: order() }))).toBe(50001);
  });
});
