import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import http from '../../../../shared/nodes/enrich/http.node';
import { hostAllowed, normalizeHostPattern } from '../../../../shared/nodes/enrich/lib/url';
import type { HttpClient, ProcessorRuntime } from '../../../../shared/node-kit/runtime';
import type { Message } from '../../../../shared/node-kit/message';
import { globalHttp } from '../../../../runtime/engine/context';
import { runNode, testContext } from '../../../helpers/run-node';

interface TestServer {
  port: number;
  base: string;
  hits: number;
  connections: number;
  active: number;
  maxActive: number;
  paths: string[];
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A CRM stand-in: /customers/:id answers JSON after `delay` ms; other paths exercise failure modes. */
async function startServer(delay = 0): Promise<TestServer> {
  const state = { hits: 0, connections: 0, active: 0, maxActive: 0, paths: [] as string[], headers: [] as IncomingHttpHeaders[] };
  const server = createServer(async (req, res: ServerResponse) => {
    state.hits++;
    state.active++;
    state.maxActive = Math.max(state.maxActive, state.active);
    state.paths.push(req.url ?? '');
    state.headers.push(req.headers);
    const url = req.url ?? '';
    const done = (status: number, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
      state.active--;
      res.writeHead(status, headers).end(body);
    };
    if (url.startsWith('/slow/')) await sleep(1000);
    else if (delay) await sleep(delay);
    if (url.startsWith('/customers/') || url.startsWith('/slow/')) {
      const id = decodeURIComponent(url.split('/')[2] ?? '');
      done(200, JSON.stringify({ id, tier: id === '1' ? 'gold' : 'silver' }));
    } else if (url.startsWith('/missing/')) done(404, '{"error":"not found"}');
    else if (url.startsWith('/broken/')) done(500, 'boom');
    else if (url.startsWith('/not-json/')) done(200, '<html>hello</html>', { 'content-type': 'text/html' });
    else if (url.startsWith('/empty/')) done(204, '', {});
    else if (url.startsWith('/redirect/')) done(302, '', { location: `http://localhost:${(server.address() as AddressInfo).port}/customers/1` });
    else done(200, JSON.stringify({ path: url }));
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    port,
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** Delegates to the real client and counts calls. */
function countingHttp(): HttpClient & { calls: number } {
  const client = {
    calls: 0,
    fetch: ((url, init) => {
      client.calls++;
      return globalHttp.fetch(url, init);
    }) as HttpClient['fetch'],
  };
  return client;
}

const base = { allowHosts: ['127.0.0.1'], into: 'crm' };

async function build(config: Record<string, unknown>, httpClient: HttpClient = globalHttp) {
  const { ctx } = testContext(http, { http: httpClient });
  return (await http.create(http.config.parse(config), ctx)) as ProcessorRuntime;
}

async function processAll(runtime: ProcessorRuntime, values: unknown[]) {
  const out: Record<string, unknown[]> = {};
  const results = await Promise.allSettled(
    values.map((value) => runtime.process({ value }, (port: string, m: Message) => void (out[port] ??= []).push(m.value))),
  );
  return { out, errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : [])) };
}

describe('enrich.http', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('places the JSON answer under the into field, sending the configured headers', async () => {
    const input = Object.freeze({ id: 'o-1', customer: Object.freeze({ id: 1 }) });
    const r = await runNode(
      http,
      { ...base, url: `${server.base}/customers/{customer.id}`, into: 'customer.crm', headers: { Authorization: 'Bearer t0k' } },
      [input],
      { http: globalHttp },
    );
    expect(r.errors).toEqual([]);
    expect(r.outputs.out).toEqual([{ id: 'o-1', customer: { id: 1, crm: { id: '1', tier: 'gold' } } }]);
    expect(input).toEqual({ id: 'o-1', customer: { id: 1 } });
    expect(server.paths).toEqual(['/customers/1']);
    expect(server.headers[0]).toMatchObject({ authorization: 'Bearer t0k', accept: 'application/json' });
  });

  it('encodes placeholder values so they stay inside the path', async () => {
    const r = await runNode(http, { ...base, url: `${server.base}/echo/{id}?q={q}` }, [{ id: 'a/b?c#d@evil.com', q: 'x&y=1' }], { http: globalHttp });
    expect(r.errors).toEqual([]);
    expect(server.paths).toEqual(['/echo/a%2Fb%3Fc%23d%40evil.com?q=x%26y%3D1']);
  });

  it('answers repeated URLs from the cache instead of asking again', async () => {
    const config = { ...base, url: `${server.base}/customers/{id}` };
    const r = await runNode(http, config, [{ id: 1 }, { id: 2 }, { id: 1 }, { id: 1 }], { http: globalHttp });
    expect(r.outputs.out).toHaveLength(4);
    expect((r.outputs.out?.[3] as { crm: unknown }).crm).toEqual({ id: '1', tier: 'gold' });
    expect(server.hits).toBe(2);

    await runNode(http, { ...config, cache: { maxEntries: 0, ttl: '60s' } }, [{ id: 1 }, { id: 1 }], { http: globalHttp });
    expect(server.hits).toBe(4);
  });

  it('asks again once an answer is older than the ttl', async () => {
    const runtime = await build({ ...base, url: `${server.base}/customers/{id}`, cache: { maxEntries: 10, ttl: '100ms' } });
    await processAll(runtime, [{ id: 1 }]);
    await processAll(runtime, [{ id: 1 }]);
    expect(server.hits).toBe(1);
    await sleep(200);
    await processAll(runtime, [{ id: 1 }]);
    expect(server.hits).toBe(2);
    await runtime.close?.();
  });

  it('shares one request between records that arrive together for the same URL', async () => {
    await server.close();
    server = await startServer(50);
    const runtime = await build({ ...base, url: `${server.base}/customers/{id}` });
    const { out, errors } = await processAll(runtime, Array.from({ length: 5 }, () => ({ id: 9 })));
    expect(errors).toEqual([]);
    expect(out.out).toHaveLength(5);
    expect(server.hits).toBe(1);
    await runtime.close?.();
  });

  it('keeps at most `concurrency` requests open at once', async () => {
    await server.close();
    server = await startServer(50);
    const runtime = await build({ ...base, url: `${server.base}/customers/{id}`, concurrency: 3 });
    const { out, errors } = await processAll(runtime, Array.from({ length: 20 }, (_, i) => ({ id: i })));
    expect(errors).toEqual([]);
    expect(out.out).toHaveLength(20);
    expect(server.hits).toBe(20);
    expect(server.maxActive).toBe(3);
    await runtime.close?.();
  });

  it('fails a record whose answer does not arrive within the timeout', async () => {
    const started = Date.now();
    const r = await runNode(http, { ...base, url: `${server.base}/slow/{id}`, timeout: '100ms' }, [{ id: 1 }], { http: globalHttp });
    expect(r.errors.map((e) => e.error.message)).toEqual([expect.stringMatching(/no complete answer within 100ms/)]);
    expect(Date.now() - started).toBeLessThan(900);
    expect(r.outputs.out).toBeUndefined();
  });

  it('handles 404 as configured: pass, drop or error', async () => {
    const url = `${server.base}/missing/{id}`;
    const pass = await runNode(http, { ...base, url }, [{ id: 1 }], { http: globalHttp });
    expect(pass.outputs).toEqual({ out: [{ id: 1 }] });
    expect(pass.errors).toEqual([]);
    const drop = await runNode(http, { ...base, url, onNotFound: 'drop' }, [{ id: 1 }], { http: globalHttp });
    expect(drop.outputs).toEqual({});
    expect(drop.errors).toEqual([]);
    const error = await runNode(http, { ...base, url, onNotFound: 'error' }, [{ id: 1 }], { http: globalHttp });
    expect(error.outputs).toEqual({});
    expect(error.errors.map((e) => e.error.message)).toEqual([expect.stringMatching(/not found \(404\)/)]);
  });

  it('fails records on server errors, answers that are not JSON and redirects (which it does not follow)', async () => {
    const run = (path: string) => runNode(http, { ...base, url: `${server.base}/${path}/{id}` }, [{ id: 1 }], { http: globalHttp });
    expect((await run('broken')).errors[0]?.error.message).toMatch(/answered 500/);
    expect((await run('not-json')).errors[0]?.error.message).toMatch(/not valid JSON/);
    const before = server.hits;
    expect((await run('redirect')).errors[0]?.error.message).toMatch(/redirect \(302\).*not followed/);
    // Only the redirecting request reached the server; its target was never fetched.
    expect(server.hits).toBe(before + 1);
    const empty = await run('empty');
    expect(empty.outputs.out).toEqual([{ id: 1, crm: null }]);
  });

  it('on close, aborts requests in flight and fails records still waiting for a slot', async () => {
    const runtime = await build({ ...base, url: `${server.base}/slow/{id}`, concurrency: 2, timeout: '5s' });
    const started = Date.now();
    const pending = processAll(runtime, Array.from({ length: 30 }, (_, i) => ({ id: i })));
    await sleep(100);
    await runtime.close?.();
    const { out, errors } = await pending;
    expect(out).toEqual({});
    expect(errors).toHaveLength(30);
    for (const e of errors) expect(e.message).toMatch(/flow is stopping/);
    expect(server.hits).toBe(2);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('fails a record that lacks a placeholder value without connecting', async () => {
    const r = await runNode(http, { ...base, url: `${server.base}/customers/{customer.id}` }, [{ customer: {} }, { customer: { id: null } }, { customer: { id: [1] } }], {
      http: globalHttp,
    });
    expect(r.errors.map((e) => e.error.message)).toEqual([
      expect.stringMatching(/\{customer\.id\} has no value/),
      expect.stringMatching(/\{customer\.id\} has no value/),
      expect.stringMatching(/\{customer\.id\} must be text/),
    ]);
    expect(server.connections).toBe(0);
  });

  it('refuses a non-allow-listed host before connecting', async () => {
    const client = countingHttp();
    const cases: Array<{ url: string; value: Record<string, unknown>; reason: RegExp }> = [
      // localhost resolves to the test server, so a request that slipped through would be counted.
      { url: `http://localhost:${server.port}/customers/{id}`, value: { id: 1 }, reason: /host localhost is not in allowHosts/ },
      { url: `ftp://127.0.0.1:${server.port}/customers/{id}`, value: { id: 1 }, reason: /only http and https/ },
      { url: `http://user:pw@127.0.0.1:${server.port}/customers/{id}`, value: { id: 1 }, reason: /user name or password/ },
      { url: `http://{host}:${server.port}/customers/1`, value: { host: 'localhost' }, reason: /host localhost is not in allowHosts/ },
      { url: `http://{host}:${server.port}/customers/1`, value: { host: 'evil.com/x' }, reason: /not a valid URL|not in allowHosts/ },
      { url: `http://{host}:${server.port}/customers/1`, value: { host: '@evil.com' }, reason: /not a valid URL|not in allowHosts/ },
      { url: `http://{host}:${server.port}/customers/1`, value: { host: '127.0.0.1@localhost' }, reason: /not a valid URL|not in allowHosts/ },
      { url: `http://127.0.0.1{rest}`, value: { rest: `@localhost:${server.port}/customers/1` }, reason: /not a valid URL|not in allowHosts/ },
      { url: `http://{sub}.127.0.0.1:${server.port}/customers/1`, value: { sub: 'x' }, reason: /not a valid URL|not in allowHosts/ },
    ];
    for (const c of cases) {
      const runtime = await build({ ...base, url: c.url }, client);
      const { out, errors } = await processAll(runtime, [c.value]);
      expect(out, c.url).toEqual({});
      expect(errors.map((e) => e.message), c.url).toEqual([expect.stringMatching(/refused/)]);
      expect(errors[0]?.message, c.url).toMatch(c.reason);
      await runtime.close?.();
    }
    expect(client.calls).toBe(0);
    expect(server.connections).toBe(0);
    expect(server.hits).toBe(0);

    // The same client does connect when the host is allowed, so the zero above means something.
    const allowed = await build({ ...base, url: `http://{host}:${server.port}/customers/1` }, client);
    const ok = await processAll(allowed, [{ host: '127.0.0.1' }]);
    expect(ok.errors).toEqual([]);
    expect(client.calls).toBe(1);
    expect(server.connections).toBe(1);
  });

  it('lints templates whose fixed host or scheme is not allowed, bad hosts and literal credentials', () => {
    const lint = (c: Record<string, unknown>) => (http.lint?.(http.config.parse({ into: 'x', ...c })) ?? []).map((i) => `${i.severity ?? 'error'} ${i.path}`);
    expect(lint({ url: 'https://crm.example.com/c/{id}', allowHosts: ['crm.example.com'] })).toEqual([]);
    expect(lint({ url: 'https://eu.crm.example.com/c/{id}', allowHosts: ['*.example.com'] })).toEqual([]);
    expect(lint({ url: 'https://{region}.example.com/c/{id}', allowHosts: ['*.example.com'] })).toEqual([]);
    expect(lint({ url: 'https://evil.com/c/{id}', allowHosts: ['crm.example.com'] })).toEqual(['error /url']);
    expect(lint({ url: 'ftp://crm.example.com/{id}', allowHosts: ['crm.example.com'] })).toEqual(['error /url']);
    expect(lint({ url: 'crm.example.com/{id}', allowHosts: ['crm.example.com'] })).toEqual(['error /url']);
    expect(lint({ url: 'https://crm.example.com/{id', allowHosts: ['crm.example.com'] })).toEqual(['error /url']);
    expect(lint({ url: 'https://crm.example.com/{items[*].id}', allowHosts: ['crm.example.com'] })).toEqual(['error /url']);
    expect(lint({ url: 'https://a.example.com/', allowHosts: ['https://a.example.com', 'a.example.com:443', '*', '*.com', 'a.example.com'] })).toEqual([
      'error /allowHosts/0',
      'error /allowHosts/1',
      'error /allowHosts/2',
      'warning /allowHosts/3',
    ]);
    expect(lint({ url: 'https://a.example.com/', allowHosts: ['a.example.com'], headers: { Authorization: 'Bearer abc', 'X-Api-Key': '${secret:K}', Accept: 'application/json' } })).toEqual([
      'warning /headers/Authorization',
    ]);
    expect(lint({ url: 'https://a.example.com/', allowHosts: ['a.example.com'], timeout: '0s' })).toEqual(['error /timeout']);
    expect(http.config.safeParse({ url: 'https://a.example.com/', allowHosts: [], into: 'x' }).success).toBe(false);
    for (const ex of http.examples) {
      expect(http.lint?.(http.config.parse(ex.config)).filter((i) => i.severity !== 'warning'), ex.title).toEqual([]);
    }
  });

  it('matches wildcards below a domain only, in the form the URL parser writes hosts', () => {
    const allow = ['*.example.com', 'crm.example.org', '127.0.0.1', 'BÜCHER.de'].map(normalizeHostPattern);
    expect(allow).toEqual(['*.example.com', 'crm.example.org', '127.0.0.1', 'xn--bcher-kva.de']);
    const host = (u: string) => new URL(u).hostname;
    expect(hostAllowed(host('https://a.example.com/'), allow)).toBe(true);
    expect(hostAllowed(host('https://a.b.example.com./'), allow)).toBe(true);
    expect(hostAllowed(host('https://example.com/'), allow)).toBe(false);
    expect(hostAllowed(host('https://evilexample.com/'), allow)).toBe(false);
    expect(hostAllowed(host('https://example.com.evil.io/'), allow)).toBe(false);
    expect(hostAllowed(host('https://CRM.Example.ORG/'), allow)).toBe(true);
    expect(hostAllowed(host('http://2130706433/'), allow)).toBe(true);
    expect(hostAllowed(host('https://bücher.de/'), allow)).toBe(true);
    expect(() => normalizeHostPattern('*.127.0.0.1')).toThrow(/IP address/);
  });

  it('declares an unknown output schema, since the answer’s shape is not known in advance', () => {
    const input = { type: 'record' as const, name: 'R', fields: [{ name: 'id', type: 'string' as const }] };
    expect(http.schema?.({ in: input }, http.config.parse({ ...base, url: 'http://127.0.0.1/{id}' }), { resource: () => undefined })).toEqual({ out: undefined });
  });
});
