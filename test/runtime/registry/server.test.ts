import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderStore } from '../../../runtime/registry/folder-store';
import { createRegistryServer, type RegistryServer } from '../../../runtime/registry/server';

// What the HTTP layer adds over the registry: media types, JSON bodies, routes, raw schema
// endpoints, and refusing requests from other web origins. The Confluent semantics are covered
// by registry.test.ts and, through a real client, by test/integration/registry.

const V1 = 'application/vnd.schemaregistry.v1+json';
const schema = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] });

let dir: string;
let server: RegistryServer;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-registry-http-'));
  server = await createRegistryServer({ store: await FolderStore.open(dir) });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = { 'content-type': V1 }) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

/** A request exactly as given: fetch cannot set Host, and always types a string body. */
function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  const url = new URL(`${server.url}${path}`);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const withHost = (host: string) => raw('/subjects', { headers: { host } });

describe('registry HTTP API', () => {
  it('listens on loopback and answers with the registry media type, no charset', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await call('GET', '/subjects');
    expect(r).toMatchObject({ status: 200, type: V1, json: [] });
  });

  it('accepts bodies as the registry media type, application/json, or without a type', async () => {
    expect((await call('POST', '/subjects/a/versions', { schema })).json).toEqual({ id: 1 });
    expect((await call('POST', '/subjects/b/versions', { schema }, { 'content-type': 'application/json' })).json).toEqual({ id: 1 });
    const untyped = await raw('/subjects/c/versions', { method: 'POST', body: JSON.stringify({ schema }) });
    expect(JSON.parse(untyped.body)).toEqual({ id: 1 });
  });

  it('refuses other media types with 415 and malformed JSON with 400', async () => {
    const plain = await call('POST', '/subjects/a/versions', { schema }, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.json).toMatchObject({ error_code: 415 });
    const broken = await call('POST', '/subjects/a/versions', '{"schema": ');
    expect(broken.status).toBe(400);
    expect(broken.json).toMatchObject({ error_code: 400, message: expect.stringContaining('not valid JSON') });
  });

  it('answers registry errors with their HTTP status and {error_code, message}', async () => {
    const r = await call('GET', '/subjects/nope/versions');
    expect(r).toMatchObject({ status: 404, type: V1, json: { error_code: 40401, message: "Subject 'nope' not found." } });
    expect((await call('POST', '/subjects/a/versions', { schema: '{' })).status).toBe(422);
    expect((await call('GET', '/subjects/a/versions/zero')).json).toMatchObject({ error_code: 42202 });
    expect((await call('GET', '/schemas/ids/abc')).json).toMatchObject({ error_code: 40403 });
  });

  it('answers unknown routes with 404 in the registry error shape', async () => {
    expect(await call('GET', '/no/such/route')).toMatchObject({ status: 404, json: { error_code: 404, message: 'HTTP 404 Not Found' } });
  });

  it('serves a schema unwrapped at /versions/{v}/schema and /schemas/ids/{id}/schema', async () => {
    await call('POST', '/subjects/a/versions', { schema });
    expect((await call('GET', '/subjects/a/versions/latest/schema')).text).toBe(schema);
    expect((await call('GET', '/schemas/ids/1/schema')).text).toBe(schema);
    expect((await call('GET', '/schemas/ids/1')).json).toEqual({ schema });
  });

  it('takes subject names with slashes, spaces and dots when URL-encoded', async () => {
    const subject = 'team a/orders.v1-value';
    await call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema });
    expect((await call('GET', '/subjects')).json).toEqual([subject]);
    expect((await call('GET', `/subjects/${encodeURIComponent(subject)}/versions/1`)).json).toMatchObject({ subject, version: 1 });
  });

  it('gives messages only with verbose=true', async () => {
    await call('POST', '/subjects/a/versions', { schema });
    const next = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }, { name: 'qty', type: 'int' }] });
    expect((await call('POST', '/compatibility/subjects/a/versions/latest', { schema: next })).json).toEqual({ is_compatible: false });
    expect((await call('POST', '/compatibility/subjects/a/versions/latest?verbose=true', { schema: next })).json).toEqual({
      is_compatible: false,
      messages: ['a is BACKWARD: field qty was added without a default; the new schema cannot read records written with version 1'],
    });
  });

  it('reports READWRITE mode and refuses mode changes with 42204', async () => {
    expect((await call('GET', '/mode')).json).toEqual({ mode: 'READWRITE' });
    expect(await call('PUT', '/mode', { mode: 'IMPORT' })).toMatchObject({ status: 422, json: { error_code: 42204 } });
  });

  it('refuses requests a page of another origin sends', async () => {
    const r = await call('POST', '/subjects/a/versions', { schema }, { 'content-type': V1, origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect((await call('GET', '/subjects')).json).toEqual([]);
    const sameOrigin = await call('GET', '/subjects', undefined, { origin: server.url });
    expect(sameOrigin.status).toBe(200);
  });

  it('refuses a Host that is not a loopback name while bound to loopback (DNS rebinding)', async () => {
    expect((await withHost('evil.example:80')).status).toBe(403);
    const port = new URL(server.url).port;
    expect((await withHost(`localhost:${port}`)).status).toBe(200);
  });

  it('stops listening on close, and close is idempotent', async () => {
    await Promise.all([server.close(), server.close()]);
    await expect(fetch(`${server.url}/subjects`)).rejects.toThrow();
  });
});
