import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../env';

/**
 * The HTTP contract of a Confluent-compatible schema registry, driven only through
 * @kafkajs/confluent-schema-registry (what Kafka applications use) and plain fetch for the
 * endpoints that client lacks. It names every subject uniquely and restores any global config
 * it changes, so it can run against any registry given by URL, not only Sluice's.
 */
export interface RegistryUnderTest {
  /** The registry's base URL; read when the tests run, so a server started in beforeAll works. */
  url(): string;
  /**
   * Sluice's embedded registry: also checks its own message wording and its refusal of
   * schema types other than Avro (other registries word messages differently and accept
   * JSON Schema and Protobuf).
   */
  sluice?: boolean;
}

const V1 = 'application/vnd.schemaregistry.v1+json';

interface Reply {
  status: number;
  body: unknown;
}

/** A field list as an Avro record schema text, named after the test. */
function avro(name: string, fields: unknown[]): string {
  return JSON.stringify({ type: 'record', name, namespace: 'com.sluice.contract', fields: [{ name: 'id', type: 'string' }, ...fields] });
}

const channelOptional = { name: 'channel', type: 'string', default: 'web' };
const channelRequired = { name: 'channel', type: 'string' };

export function registryContract(name: string, target: RegistryUnderTest): void {
  const client = () => new SchemaRegistry({ host: target.url(), retry: { retries: 0 } });
  const http = async (method: string, path: string, body?: unknown): Promise<Reply> => {
    const res = await fetch(`${target.url()}${path}`, {
      method,
      headers: { 'content-type': V1, accept: V1 },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Kept as text: the raw schema endpoints answer JSON, anything else is a failure to show.
    }
    return { status: res.status, body: parsed };
  };
  const subjectPath = (subject: string) => `/subjects/${encodeURIComponent(subject)}`;
  const register = async (subject: string, schema: string) => http('POST', `${subjectPath(subject)}/versions`, { schema });
  const expectError = (reply: Reply, status: number, code: number) => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    expect(reply.body).toMatchObject({ error_code: code, message: expect.any(String) });
  };
  const subject = (what: string) => uniqueName(`contract-${what}`) + '-value';

  describe(`Confluent-compatible registry contract: ${name}`, () => {
    describe('through @kafkajs/confluent-schema-registry', () => {
      it('registers a schema and reads its id back by latest, by version and by schema', async () => {
        const s = subject('ids');
        const schema = avro('Ids', []);
        const { id } = await client().register({ type: SchemaType.AVRO, schema }, { subject: s });
        expect(Number.isInteger(id) && id > 0).toBe(true);
        const fresh = client();
        expect(await fresh.getLatestSchemaId(s)).toBe(id);
        expect(await fresh.getRegistryId(s, 1)).toBe(id);
        expect(await fresh.getRegistryIdBySchema(s, { type: SchemaType.AVRO, schema })).toBe(id);
      });

      it('returns the existing id for the same schema again, without a new version', async () => {
        const s = subject('same');
        const schema = avro('Same', []);
        const first = await client().register({ type: SchemaType.AVRO, schema }, { subject: s });
        // Same schema, spelled differently.
        const respelled = JSON.stringify(JSON.parse(schema), null, 2);
        const second = await client().register({ type: SchemaType.AVRO, schema: respelled }, { subject: s });
        expect(second.id).toBe(first.id);
        expect((await http('GET', `${subjectPath(s)}/versions`)).body).toEqual([1]);
      });

      it('reuses the global id for the same schema under another subject', async () => {
        const [a, b] = [subject('shared-a'), subject('shared-b')];
        const schema = avro('Shared', [{ name: 'n', type: 'long' }]);
        const { id } = await client().register({ type: SchemaType.AVRO, schema }, { subject: a });
        expect((await client().register({ type: SchemaType.AVRO, schema }, { subject: b })).id).toBe(id);
        expect(((await http('GET', `/schemas/ids/${id}/subjects`)).body as string[]).filter((x) => x === a || x === b).sort()).toEqual([a, b].sort());
        const versions = (await http('GET', `/schemas/ids/${id}/versions`)).body as Array<{ subject: string; version: number }>;
        expect(versions.filter((v) => v.subject === a || v.subject === b)).toEqual(
          expect.arrayContaining([
            { subject: a, version: 1 },
            { subject: b, version: 1 },
          ]),
        );
      });

      it('encodes and decodes the Confluent wire format: magic byte 0, 4-byte id, Avro payload', async () => {
        const s = subject('wire');
        const v1 = avro('Wire', [{ name: 'total', type: 'double' }]);
        const { id } = await client().register({ type: SchemaType.AVRO, schema: v1 }, { subject: s });
        const record = { id: 'o-1', total: 12.5 };
        const buffer = await client().encode(id, record);
        expect(buffer[0]).toBe(0);
        expect(buffer.readUInt32BE(1)).toBe(id);
        // The payload after the 5-byte header: string "o-1" (zigzag length 6, then bytes), double 12.5.
        expect(buffer.subarray(5, 9)).toEqual(Buffer.from([6, ...Buffer.from('o-1')]));
        expect(buffer.readDoubleLE(9)).toBe(12.5);
        // A client that has never seen the schema fetches it by id from the registry.
        expect({ ...(await client().decode(buffer)) }).toEqual(record);
        // An evolved reader schema reads the old record, filling the new field from its default.
        const v2 = avro('Wire', [{ name: 'total', type: 'double' }, channelOptional]);
        const decoded: unknown = await client().decode(buffer, { [SchemaType.AVRO]: { readerSchema: JSON.parse(v2) } });
        expect({ ...(decoded as object) }).toEqual({ ...record, channel: 'web' });
      });

      it('accepts a compatible evolution as version 2', async () => {
        const s = subject('evolve');
        const registry = client();
        const v1 = await registry.register({ type: SchemaType.AVRO, schema: avro('Evolve', []) }, { subject: s });
        const v2 = await registry.register({ type: SchemaType.AVRO, schema: avro('Evolve', [channelOptional]) }, { subject: s });
        expect(v2.id).not.toBe(v1.id);
        expect(await registry.getLatestSchemaId(s)).toBe(v2.id);
        expect(await registry.getRegistryId(s, 2)).toBe(v2.id);
        expect(await registry.getRegistryId(s, 'latest')).toBe(v2.id);
      });

      it('rejects an incompatible schema with an error (HTTP 409)', async () => {
        const s = subject('reject');
        const registry = client();
        await registry.register({ type: SchemaType.AVRO, schema: avro('Reject', []) }, { subject: s, compatibility: COMPATIBILITY.BACKWARD });
        const err = await registry
          .register({ type: SchemaType.AVRO, schema: avro('Reject', [channelRequired]) }, { subject: s, compatibility: COMPATIBILITY.BACKWARD })
          .then(
            () => undefined,
            (e: unknown) => e as Error & { status?: number },
          );
        expect(err, 'the incompatible schema was registered').toBeDefined();
        expect(err?.status).toBe(409);
        if (target.sluice) expect(err?.message).toContain(`${s} is BACKWARD: field channel was added without a default`);
        expect((await http('GET', `${subjectPath(s)}/versions`)).body).toEqual([1]);
      });
    });

    describe('subjects and versions', () => {
      it('lists subjects and versions, and serves a version, latest and the raw schema', async () => {
        const s = subject('read');
        const v1 = avro('Read', []);
        const v2 = avro('Read', [channelOptional]);
        const id1 = ((await register(s, v1)).body as { id: number }).id;
        const id2 = ((await register(s, v2)).body as { id: number }).id;
        expect((await http('GET', '/subjects')).body).toEqual(expect.arrayContaining([s]));
        expect((await http('GET', `${subjectPath(s)}/versions`)).body).toEqual([1, 2]);
        expect((await http('GET', `${subjectPath(s)}/versions/1`)).body).toMatchObject({ subject: s, version: 1, id: id1 });
        const latest = (await http('GET', `${subjectPath(s)}/versions/latest`)).body as { version: number; id: number; schema: string };
        expect(latest).toMatchObject({ subject: s, version: 2, id: id2 });
        expect(JSON.parse(latest.schema)).toEqual(JSON.parse(v2));
        expect((await http('GET', `${subjectPath(s)}/versions/2/schema`)).body).toEqual(JSON.parse(v2));
        expect(JSON.parse(((await http('GET', `/schemas/ids/${id1}`)).body as { schema: string }).schema)).toEqual(JSON.parse(v1));
      });

      it('looks a schema up under a subject (POST /subjects/{subject})', async () => {
        const s = subject('lookup');
        const schema = avro('Lookup', []);
        const { id } = (await register(s, schema)).body as { id: number };
        const found = await http('POST', subjectPath(s), { schema });
        expect(found.status).toBe(200);
        expect(found.body).toMatchObject({ subject: s, id, version: 1 });
        expectError(await http('POST', subjectPath(s), { schema: avro('Lookup', [channelOptional]) }), 404, 40403);
        expectError(await http('POST', subjectPath(subject('never')), { schema }), 404, 40401);
      });

      it("answers what is missing or malformed with Confluent's error codes", async () => {
        const s = subject('errors');
        await register(s, avro('Errors', []));
        expectError(await http('GET', `${subjectPath(subject('never'))}/versions`), 404, 40401);
        expectError(await http('GET', `${subjectPath(subject('never'))}/versions/1`), 404, 40401);
        expectError(await http('GET', `${subjectPath(s)}/versions/9`), 404, 40402);
        expectError(await http('GET', '/schemas/ids/2000000000'), 404, 40403);
        expectError(await http('GET', `${subjectPath(s)}/versions/first`), 422, 42202);
        expectError(await register(s, '{"type": "record", "name": "Broken", "fields": [{"name": "x", "type": "Nope"}]}'), 422, 42201);
        expectError(await register(s, '{"type": "record",'), 422, 42201);
        expectError(await http('PUT', `/config/${encodeURIComponent(s)}`, { compatibility: 'SOMETIMES' }), 422, 42203);
      });

      if (target.sluice) {
        it('refuses schema types other than Avro with 42201', async () => {
          const s = subject('types');
          expectError(await http('POST', `${subjectPath(s)}/versions`, { schemaType: 'JSON', schema: '{"type":"object"}' }), 422, 42201);
          expectError(await http('POST', `${subjectPath(s)}/versions`, { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";' }), 422, 42201);
        });
      }
    });

    describe('config and compatibility', () => {
      it('keeps a subject level, and falls back to the global one once it is deleted', async () => {
        const s = subject('config');
        const path = `/config/${encodeURIComponent(s)}`;
        await register(s, avro('Config', []));
        const global = ((await http('GET', '/config')).body as { compatibilityLevel: string }).compatibilityLevel;
        expect(await http('PUT', path, { compatibility: 'FULL' })).toEqual({ status: 200, body: { compatibility: 'FULL' } });
        expect((await http('GET', path)).body).toEqual({ compatibilityLevel: 'FULL' });
        expect((await http('DELETE', path)).status).toBe(200);
        expectError(await http('GET', path), 404, 40408);
        expect((await http('GET', `${path}?defaultToGlobal=true`)).body).toEqual({ compatibilityLevel: global });
      });

      it('reads and sets the global level', async () => {
        const before = ((await http('GET', '/config')).body as { compatibilityLevel: string }).compatibilityLevel;
        try {
          const other = before === 'FULL' ? 'BACKWARD' : 'FULL';
          expect(await http('PUT', '/config', { compatibility: other })).toEqual({ status: 200, body: { compatibility: other } });
          expect((await http('GET', '/config')).body).toEqual({ compatibilityLevel: other });
          expectError(await http('PUT', '/config', { compatibility: 'LOOSE' }), 422, 42203);
        } finally {
          await http('PUT', '/config', { compatibility: before });
        }
      });

      it('tests a schema against a version without registering it', async () => {
        const s = subject('test');
        await register(s, avro('Test', []));
        await http('PUT', `/config/${encodeURIComponent(s)}`, { compatibility: 'BACKWARD' });
        const path = `/compatibility/subjects/${encodeURIComponent(s)}/versions/latest`;
        expect((await http('POST', path, { schema: avro('Test', [channelOptional]) })).body).toMatchObject({ is_compatible: true });
        expect((await http('POST', path, { schema: avro('Test', [channelRequired]) })).body).toMatchObject({ is_compatible: false });
        const verbose = (await http('POST', `${path}?verbose=true`, { schema: avro('Test', [channelRequired]) })).body as { messages: string[] };
        expect(verbose.messages.length).toBeGreaterThan(0);
        if (target.sluice) expect(verbose.messages).toEqual([`${s} is BACKWARD: field channel was added without a default; the new schema cannot read records written with version 1`]);
        expect((await http('GET', `${subjectPath(s)}/versions`)).body).toEqual([1]);
      });

      it('checks _TRANSITIVE levels against every version, not only the latest', async () => {
        const s = subject('transitive');
        await http('PUT', `/config/${encodeURIComponent(s)}`, { compatibility: 'BACKWARD_TRANSITIVE' });
        await register(s, avro('Transitive', []));
        await register(s, avro('Transitive', [channelOptional]));
        // Reads version 2 (which has channel) but not version 1 (which has not, and no default).
        const v3 = avro('Transitive', [channelRequired]);
        const refused = await register(s, v3);
        expectError(refused, 409, (refused.body as { error_code: number }).error_code === 40901 ? 40901 : 409);
        if (target.sluice) expect((refused.body as { message: string }).message).toContain('records written with version 1');
        await http('PUT', `/config/${encodeURIComponent(s)}`, { compatibility: 'BACKWARD' });
        expect((await register(s, v3)).status).toBe(200);
        expect((await http('GET', `${subjectPath(s)}/versions`)).body).toEqual([1, 2, 3]);
      });
    });

    describe('deletes', () => {
      it('soft-deletes a version, then deletes it for good', async () => {
        const s = subject('del-version');
        await http('PUT', `/config/${encodeURIComponent(s)}`, { compatibility: 'NONE' });
        const { id } = (await register(s, avro('DelVersion', []))).body as { id: number };
        await register(s, avro('DelVersion', [channelOptional]));
        expectError(await http('DELETE', `${subjectPath(s)}/versions/1?permanent=true`), 404, 40407);
        expect(await http('DELETE', `${subjectPath(s)}/versions/1`)).toEqual({ status: 200, body: 1 });
        expectError(await http('DELETE', `${subjectPath(s)}/versions/1`), 404, 40406);
        expect((await http('GET', `${subjectPath(s)}/versions`)).body).toEqual([2]);
        expect((await http('GET', `${subjectPath(s)}/versions?deleted=true`)).body).toEqual([1, 2]);
        expect((await http('GET', `${subjectPath(s)}/versions/1?deleted=true`)).body).toMatchObject({ version: 1, id });
        // A soft-deleted version's id still resolves: consumers can still read old records.
        expect((await http('GET', `/schemas/ids/${id}`)).status).toBe(200);
        expect(await http('DELETE', `${subjectPath(s)}/versions/1?permanent=true`)).toEqual({ status: 200, body: 1 });
        expect((await http('GET', `${subjectPath(s)}/versions?deleted=true`)).body).toEqual([2]);
      });

      it('soft-deletes a subject, then deletes it for good', async () => {
        const s = subject('del-subject');
        const { id } = (await register(s, avro('DelSubject', [{ name: 'unique', type: 'string', default: s }]))).body as { id: number };
        expectError(await http('DELETE', `${subjectPath(s)}?permanent=true`), 404, 40405);
        expect(await http('DELETE', subjectPath(s))).toEqual({ status: 200, body: [1] });
        expectError(await http('DELETE', subjectPath(s)), 404, 40404);
        expect((await http('GET', '/subjects')).body).not.toContain(s);
        expect((await http('GET', '/subjects?deleted=true')).body).toContain(s);
        expectError(await http('GET', `${subjectPath(s)}/versions`), 404, 40401);
        expect((await http('GET', `/schemas/ids/${id}`)).status).toBe(200);
        expect(await http('DELETE', `${subjectPath(s)}?permanent=true`)).toEqual({ status: 200, body: [1] });
        expect((await http('GET', '/subjects?deleted=true')).body).not.toContain(s);
        expectError(await http('GET', `/schemas/ids/${id}`), 404, 40403);
        expectError(await http('DELETE', subjectPath(s)), 404, 40401);
      });

      it('registers again after a soft delete, as a new version', async () => {
        const s = subject('revive');
        const schema = avro('Revive', []);
        const { id } = (await register(s, schema)).body as { id: number };
        await http('DELETE', subjectPath(s));
        expect((await register(s, schema)).body).toEqual({ id });
        expect((await http('GET', `${subjectPath(s)}/versions`)).body).toEqual([2]);
      });
    });

    it('reports its mode', async () => {
      expect((await http('GET', '/mode')).body).toMatchObject({ mode: 'READWRITE' });
    });
  });
}
