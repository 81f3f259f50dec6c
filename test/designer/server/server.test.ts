import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesignerServer, type DesignerServer } from '../../../designer/server';
import { buildCatalog } from '../../../runtime/cli/catalog';
import { main } from '../../../runtime/cli';
import { parseFlowText, serializeFlow } from '../../../shared/flow';
import { registryDefaults } from '../../../shared/node-kit/registry';
import { registry } from '../../../shared/nodes/index';
import { etagOf } from '../../../designer/server/store';
import { isLoopbackHost, loadOrCreateToken } from '../../../designer/server/token';
import { raw, readEvents, tempFlows } from './helpers';

const ROOT = new URL('../../..', import.meta.url).pathname;

const canonical = (flow: unknown) => serializeFlow(parseFlowText(JSON.stringify(flow)), { defaults: registryDefaults(registry) });

let tmp: Awaited<ReturnType<typeof tempFlows>>;
let server: DesignerServer;
let base: string;

async function open(options: Partial<Parameters<typeof createDesignerServer>[0]> = {}) {
  server = await createDesignerServer({ flowsDir: tmp.flowsDir, registry, staticDir: join(tmp.root, 'no-dist'), ...options });
  base = server.url;
}

beforeEach(async () => {
  tmp = await tempFlows();
});
afterEach(async () => {
  await server?.close();
  await tmp.cleanup();
});

const newFlow = (id: string, extra: Record<string, unknown> = {}) => ({
  format: 1,
  id,
  name: 'A new flow',
  nodes: {
    gen: { type: 'core.generate', version: 1, config: { count: 3, template: { n: '{{seq}}' } } },
    out: { type: 'core.log', version: 1, config: {} },
  },
  edges: [{ from: 'gen:out', to: 'out:in' }],
  ...extra,
});

describe('flows API', () => {
  beforeEach(() => open());

  it('lists the flows sorted by id with node and problem counts', async () => {
    const r = await raw(base, 'GET', '/api/flows');
    expect(r.status).toBe(200);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(r.headers['content-security-policy']).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const ids = readdirSync(tmp.flowsDir).filter((n) => n.endsWith('.flow.json')).map((n) => n.replace('.flow.json', '')).sort();
    expect(r.json.map((f: { id: string }) => f.id)).toEqual(ids);
    const orders = r.json.find((f: { id: string }) => f.id === 'orders-by-region');
    expect(orders).toMatchObject({ name: 'Large orders by region, personal data removed', nodes: 7, problems: { errors: 0, warnings: 0 } });
    expect(typeof orders.description).toBe('string');
  });

  it('reads a flow with its etag (sha256 of the file bytes) and diagnostics', async () => {
    const r = await raw(base, 'GET', '/api/flows/orders-by-region');
    const bytes = await readFile(join(tmp.flowsDir, 'orders-by-region.flow.json'));
    expect(r.status).toBe(200);
    expect(r.json.etag).toBe(etagOf(bytes));
    expect(r.headers.etag).toBe(`"${etagOf(bytes)}"`);
    expect(r.json.flow.id).toBe('orders-by-region');
    expect(r.json.diagnostics).toEqual([]);
    expect((await raw(base, 'GET', '/api/flows/nope')).status).toBe(404);
  });

  it('creates a flow in canonical form, and refuses to create it twice', async () => {
    // Keys out of order, a default value spelled out, edges unsorted: the file is canonical anyway.
    const flow = newFlow('fresh');
    const r = await raw(base, 'POST', '/api/flows', { body: { flow } });
    expect(r.status).toBe(201);
    const file = await readFile(join(tmp.flowsDir, 'fresh.flow.json'), 'utf8');
    expect(file).toBe(canonical(flow));
    expect(r.json.etag).toBe(etagOf(file));
    expect(r.json.diagnostics).toEqual([]);
    const again = await raw(base, 'POST', '/api/flows', { body: { flow } });
    expect(again.status).toBe(409);
    expect(await readFile(join(tmp.flowsDir, 'fresh.flow.json'), 'utf8')).toBe(file);
  });

  it('updates with If-Match: canonical bytes, new etag; 428 without, 412 on a stale etag', async () => {
    const loaded = await raw(base, 'GET', '/api/flows/orders-by-region');
    const flow = { ...loaded.json.flow, name: 'Renamed' };
    expect((await raw(base, 'PUT', '/api/flows/orders-by-region', { body: { flow } })).status).toBe(428);

    const ok = await raw(base, 'PUT', '/api/flows/orders-by-region', { body: { flow }, headers: { 'if-match': `"${loaded.json.etag}"` } });
    expect(ok.status).toBe(200);
    const file = await readFile(join(tmp.flowsDir, 'orders-by-region.flow.json'), 'utf8');
    expect(file).toBe(canonical(flow));
    expect(ok.json.etag).toBe(etagOf(file));
    expect(ok.json.etag).not.toBe(loaded.json.etag);

    // A second tab still holding the first etag.
    const stale = await raw(base, 'PUT', '/api/flows/orders-by-region', { body: { flow: { ...flow, name: 'Other tab' } }, headers: { 'if-match': loaded.json.etag } });
    expect(stale.status).toBe(412);
    expect(stale.json.error).toMatch(/concurrent edit/);
    expect(stale.json.etag).toBe(ok.json.etag);
    expect(await readFile(join(tmp.flowsDir, 'orders-by-region.flow.json'), 'utf8')).toBe(file);
  });

  it('saves a flow with errors and returns its diagnostics', async () => {
    const loaded = await raw(base, 'GET', '/api/flows/orders-by-region');
    const flow = structuredClone(loaded.json.flow);
    flow.nodes['big-orders'].config.when = 'total >';
    const r = await raw(base, 'PUT', '/api/flows/orders-by-region', { body: { flow }, headers: { 'if-match': loaded.json.etag } });
    expect(r.status).toBe(200);
    expect(r.json.diagnostics.some((d: { severity: string; nodeId?: string }) => d.severity === 'error' && d.nodeId === 'big-orders')).toBe(true);
    expect(await readFile(join(tmp.flowsDir, 'orders-by-region.flow.json'), 'utf8')).toContain('"when": "total >"');
    const list = await raw(base, 'GET', '/api/flows');
    expect(list.json.find((f: { id: string }) => f.id === 'orders-by-region').problems.errors).toBeGreaterThan(0);
  });

  it('refuses a body whose id differs from the URL, and a malformed document, writing nothing', async () => {
    const loaded = await raw(base, 'GET', '/api/flows/orders-by-region');
    const before = await readFile(join(tmp.flowsDir, 'orders-by-region.flow.json'), 'utf8');
    const other = await raw(base, 'PUT', '/api/flows/orders-by-region', { body: { flow: { ...loaded.json.flow, id: 'elsewhere' } }, headers: { 'if-match': loaded.json.etag } });
    expect(other.status).toBe(400);
    const malformed = await raw(base, 'PUT', '/api/flows/orders-by-region', { body: { flow: { format: 1, id: 'orders-by-region', nodes: 'x' } }, headers: { 'if-match': loaded.json.etag } });
    expect(malformed.status).toBe(422);
    expect(malformed.json.diagnostics.length).toBeGreaterThan(0);
    expect(await readFile(join(tmp.flowsDir, 'orders-by-region.flow.json'), 'utf8')).toBe(before);
    expect(existsSync(join(tmp.flowsDir, 'elsewhere.flow.json'))).toBe(false);
    expect((await raw(base, 'PUT', '/api/flows/orders-by-region', { body: '{"flow":', headers: { 'if-match': loaded.json.etag } })).status).toBe(400);
  });

  it('deletes with If-Match only', async () => {
    const loaded = await raw(base, 'GET', '/api/flows/orders-enriched');
    expect((await raw(base, 'DELETE', '/api/flows/orders-enriched')).status).toBe(428);
    expect((await raw(base, 'DELETE', '/api/flows/orders-enriched', { headers: { 'if-match': 'deadbeef' } })).status).toBe(412);
    expect(existsSync(join(tmp.flowsDir, 'orders-enriched.flow.json'))).toBe(true);
    const r = await raw(base, 'DELETE', '/api/flows/orders-enriched', { headers: { 'if-match': loaded.json.etag } });
    expect(r.status).toBe(200);
    expect(existsSync(join(tmp.flowsDir, 'orders-enriched.flow.json'))).toBe(false);
  });

  it('refuses ids that could escape the folder before touching the disk', async () => {
    const outside = join(tmp.root, 'evil.flow.json');
    const secret = join(tmp.root, 'secret.flow.json');
    await writeFile(secret, '{"format":1,"id":"secret","nodes":{}}');
    const etag = etagOf(await readFile(secret));
    const bad = ['..%2Fsecret', '%2e%2e%2Fsecret', '%2e%2e', '..', '%2Fetc%2Fpasswd', '%2F..%2Fsecret', 'Orders-By-Region', 'a'.repeat(64), '..%5Csecret', 'x%00y', '.hidden'];
    for (const id of bad) {
      for (const [method, path] of [
        ['GET', `/api/flows/${id}`],
        ['PUT', `/api/flows/${id}`],
        ['DELETE', `/api/flows/${id}`],
        ['POST', `/api/flows/${id}/run`],
      ] as const) {
        const r = await raw(base, method, path, { body: method === 'PUT' ? { flow: { format: 1, id, nodes: {} } } : undefined, headers: { 'if-match': etag } });
        // Every one is a single path segment that decodes to a non-slug: refused as a bad id.
        expect(r.status, `${method} ${path}`).toBe(400);
        expect(r.headers['content-type']).toMatch(/^application\/json/);
      }
    }
    for (const path of ['/api/flows/../secret', '/api/flows/..%2F..%2Fsecret/run', '/api/flows//etc/passwd']) {
      const r = await raw(base, 'PUT', path, { body: { flow: { format: 1, id: 'secret', nodes: {} } }, headers: { 'if-match': etag } });
      expect([400, 404], path).toContain(r.status);
    }
    for (const id of ['../evil', '/tmp/evil', 'EVIL', 'a'.repeat(64), 'evil/x']) {
      const r = await raw(base, 'POST', '/api/flows', { body: { flow: { format: 1, id, nodes: {} } } });
      expect(r.status, id).toBe(400);
    }
    expect(existsSync(outside)).toBe(false);
    expect(await readFile(secret, 'utf8')).toBe('{"format":1,"id":"secret","nodes":{}}');
    // .sluice holds the designer's own state (token, schema registry); nothing else may appear.
    expect(readdirSync(tmp.root).filter((n) => n !== '.sluice').sort()).toEqual(['flows', 'secret.flow.json']);
  });

  it('answers each single-segment traversal attempt with 400', async () => {
    for (const id of ['..%2Fsecret', '%2e%2e', '%2e%2e%2Fsecret', '%2Fetc%2Fpasswd', 'UPPER', 'a'.repeat(64)]) {
      expect((await raw(base, 'GET', `/api/flows/${id}`)).status, id).toBe(400);
    }
  });

  it('serves the catalog as `sluice catalog` prints it, with every node type', async () => {
    const r = await raw(base, 'GET', '/api/catalog');
    expect(r.status).toBe(200);
    expect(r.json).toEqual(buildCatalog(registry));
    expect(r.json.nodes.map((n: { type: string }) => n.type).sort()).toEqual([...registry.nodes()].map((d) => d.type).sort());
    let stdout = '';
    await main(['catalog'], { io: { stdout: (t) => void (stdout += t), stderr: () => undefined }, registry: async () => registry });
    expect(r.json).toEqual(JSON.parse(stdout));
  });

  it('validates a posted flow', async () => {
    const ok = await raw(base, 'POST', '/api/validate', { body: { flow: newFlow('v') } });
    expect(ok.status).toBe(200);
    expect(ok.json.diagnostics).toEqual([]);
    const bad = await raw(base, 'POST', '/api/validate', { body: { flow: newFlow('v', { edges: [{ from: 'gen:out', to: 'missing:in' }] }) } });
    expect(bad.json.diagnostics.some((d: { severity: string }) => d.severity === 'error')).toBe(true);
    expect((await raw(base, 'POST', '/api/validate', { body: { nope: 1 } })).status).toBe(400);
  });

  it('limits the body size and answers JSON for unknown API paths', async () => {
    const huge = await raw(base, 'POST', '/api/validate', { body: { flow: { format: 1, id: 'x', nodes: {}, description: 'x'.repeat(3_000_000) } } });
    expect(huge.status).toBe(413);
    const missing = await raw(base, 'GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'no such API endpoint' });
  });

  it('never reflects user text as HTML', async () => {
    const r = await raw(base, 'GET', '/api/flows/%3Cimg%20src=x%20onerror=alert(1)%3E');
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.text).not.toContain('<img');
    const root = await raw(base, 'GET', '/');
    expect(root.status).toBe(200);
    expect(root.headers['content-type']).toMatch(/^text\/plain/);
    expect(root.text).toMatch(/not built/);
  });

  it('refuses cross-origin requests and foreign Host names', async () => {
    expect((await raw(base, 'POST', '/api/flows/orders-by-region/run', { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await raw(base, 'GET', '/api/flows', { headers: { host: 'evil.example' } })).status).toBe(403);
    expect((await raw(base, 'GET', '/api/flows', { headers: { origin: base } })).status).toBe(200);
  });
});

describe('token mode', () => {
  it('requires the bearer token on every API call', async () => {
    await open({ token: 'x' });
    expect((await raw(base, 'GET', '/api/flows')).status).toBe(401);
    expect((await raw(base, 'GET', '/api/catalog', { headers: { authorization: 'Bearer y' } })).status).toBe(401);
    expect((await raw(base, 'POST', '/api/flows', { body: { flow: newFlow('t') } })).status).toBe(401);
    expect(existsSync(join(tmp.flowsDir, 't.flow.json'))).toBe(false);
    expect((await raw(base, 'GET', '/api/flows', { headers: { authorization: 'Bearer x' } })).status).toBe(200);
    expect(server.token).toBe('x');
  });

  it('generates a token once, stored with mode 0600 next to the flows folder', async () => {
    const file = join(tmp.root, '.sluice', 'designer-token');
    const first = await loadOrCreateToken(file);
    expect(first.created).toBe(true);
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateToken(file)).toEqual({ token: first.token, created: false });
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('192.168.1.10')).toBe(false);
  });
});

describe('embedded runtime', () => {
  it('runs orders-by-region, streams rising counters, and stops it', async () => {
    await open({ env: { SLUICE_SECRET_PII_HASH_KEY: 'test-key' }, countersIntervalMs: 100 });
    const idle = await raw(base, 'GET', '/api/flows/orders-by-region/run');
    expect(idle.json.state).toBe('idle');
    const started = await raw(base, 'POST', '/api/flows/orders-by-region/run');
    expect(started.status, started.text).toBe(202);
    expect(started.json.state).toBe('running');
    expect((await raw(base, 'POST', '/api/flows/orders-by-region/run')).status).toBe(409);

    const seen: number[] = [];
    let stopped: Promise<any> | undefined;
    const events = await readEvents(base, '/api/flows/orders-by-region/counters/stream', (name, data) => {
      if (name !== 'counters') return;
      seen.push(data.counters.nodes['orders'].out);
      if (seen.filter((n) => n > 0).length >= 3 && !stopped) stopped = raw(base, 'POST', '/api/flows/orders-by-region/stop');
    });
    const stop = await stopped;
    expect(stop.status).toBe(200);
    expect(stop.json.summary.outcome).toBe('stopped');
    const positive = seen.filter((n) => n > 0);
    expect(positive.length).toBeGreaterThanOrEqual(3);
    expect(positive.at(-1)).toBeGreaterThan(positive[0] as number);
    expect(events.at(-1)?.name).toBe('end');
    expect(events.at(-1)?.data.state).toBe('stopped');
    expect(stop.json.summary.counters.nodes['orders'].out).toBeLessThan(200);

    const status = await raw(base, 'GET', '/api/flows/orders-by-region/run');
    expect(status.json.state).toBe('stopped');
    expect(status.json.counters.nodes['big-orders'].in).toBe(status.json.counters.nodes['orders'].out);
    expect((await raw(base, 'POST', '/api/flows/orders-by-region/stop')).status).toBe(409);
    // Relative paths resolved against the flows folder: ../out is next to it.
    expect(existsSync(join(tmp.root, 'out'))).toBe(true);
  });

  it('refuses to run a flow with errors, with the diagnostics', async () => {
    await open({ env: {} });
    const loaded = await raw(base, 'GET', '/api/flows/orders-by-region');
    const flow = structuredClone(loaded.json.flow);
    flow.nodes['big-orders'].config.when = 'nope >';
    await raw(base, 'PUT', '/api/flows/orders-by-region', { body: { flow }, headers: { 'if-match': loaded.json.etag } });
    const r = await raw(base, 'POST', '/api/flows/orders-by-region/run');
    expect(r.status).toBe(422);
    expect(r.json.diagnostics.some((d: { severity: string }) => d.severity === 'error')).toBe(true);
    expect((await raw(base, 'GET', '/api/flows/orders-by-region/run')).json.state).toBe('idle');
  });

  it('reports a flow that cannot start (missing secret) without leaving it running', async () => {
    await open({ env: {} });
    const r = await raw(base, 'POST', '/api/flows/orders-by-region/run');
    expect(r.status).toBe(422);
    expect(r.json.error).toMatch(/could not start/);
    expect((await raw(base, 'GET', '/api/flows/orders-by-region/run')).json.state).toBe('failed');
  });

  it('stops running flows on close()', async () => {
    await open({ env: { SLUICE_SECRET_PII_HASH_KEY: 'k' } });
    expect((await raw(base, 'POST', '/api/flows/orders-by-region/run')).status).toBe(202);
    const t = Date.now();
    await server.close();
    expect(Date.now() - t).toBeLessThan(5000);
  });

  it('ends the stream at once for a flow that is not running', async () => {
    await open();
    const events = await readEvents(base, '/api/flows/orders-by-region/counters/stream', () => undefined);
    expect(events.map((e) => e.name)).toEqual(['end']);
  });
});

describe('sluice designer', () => {
  it('serves the flows folder until told to stop', async () => {
    let stderr = '';
    let release!: () => void;
    const until = new Promise<void>((r) => (release = r));
    let url = '';
    const { designerCommand } = await import('../../../runtime/cli/designer');
    const done = designerCommand(
      { port: 0, host: '127.0.0.1', flows: tmp.flowsDir, until },
      registry,
      {
        stdout: () => undefined,
        stderr: (t) => {
          stderr += t;
          url ||= /at (http:\S+)/.exec(t)?.[1] ?? '';
        },
      },
      () => import('../../../designer/server'),
    );
    for (let i = 0; i < 100 && !url; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await raw(url, 'GET', '/api/flows')).status).toBe(200);
    release();
    expect(await done).toBe(0);
    expect(stderr).toMatch(/stopping/);
  });

  it('is started by bin/sluice.js, which hands the designer server to the CLI, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/sluice.js', 'designer', '--port', '0', '--flows', tmp.flowsDir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    for (let i = 0; i < 300 && !/at http:/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /at (http:\S+)/.exec(stderr)?.[1];
    expect(url, stderr).toBeDefined();
    expect((await raw(url as string, 'GET', '/api/flows')).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/stopping/);
  });

  it('has help and refuses a bad port', async () => {
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t) };
    expect(await main(['designer', '--help'], { io })).toBe(0);
    expect(out).toMatch(/Usage: sluice designer/);
    expect(await main(['designer', '--port', 'abc'], { io, registry: async () => registry })).toBe(2);
  });
});

describe('embedded schema registry', () => {
  const schema = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] });

  it('serves the Confluent API under /registry, stored beside the flows folder, surviving a restart', async () => {
    await open();
    expect(server.schemaRegistryUrl).toBe(`${base}/registry`);
    const reg = await raw(base, 'POST', '/registry/subjects/orders-value/versions', { body: { schema } });
    expect(reg.status).toBe(200);
    expect(reg.json).toEqual({ id: 1 });
    expect(existsSync(join(tmp.root, '.sluice', 'registry'))).toBe(true);
    await server.close();
    await open();
    const latest = await raw(base, 'GET', '/registry/subjects/orders-value/versions/latest');
    expect(latest.json).toMatchObject({ subject: 'orders-value', version: 1, id: 1 });
    expect((await raw(base, 'GET', '/registry/subjects/nope/versions/latest')).json).toMatchObject({ error_code: 40401 });
  });

  it('is guarded like the API: token, Host and Origin', async () => {
    await open({ token: 'x' });
    expect((await raw(base, 'GET', '/registry/subjects')).status).toBe(401);
    expect((await raw(base, 'GET', '/registry/subjects', { headers: { authorization: 'Bearer x' } })).status).toBe(200);
    expect((await raw(base, 'POST', '/registry/subjects/s/versions', { body: { schema }, headers: { authorization: 'Bearer x', origin: 'http://evil.example' } })).status).toBe(403);
  });

  it('can be turned off', async () => {
    await open({ schemaRegistry: false });
    expect(server.schemaRegistryUrl).toBeUndefined();
    expect((await raw(base, 'GET', '/registry/subjects')).status).toBe(404);
  });
});

describe('embedded schema registry, folder in use', () => {
  it('starts the designer without a registry and says why', async () => {
    const first = await createDesignerServer({ flowsDir: tmp.flowsDir, registry, staticDir: join(tmp.root, 'no-dist') });
    try {
      await open();
      expect(server.schemaRegistryUrl).toBeUndefined();
      expect(server.schemaRegistryError).toMatch(/in use by process/);
      expect((await raw(base, 'GET', '/api/flows')).status).toBe(200);
    } finally {
      await first.close();
    }
  });
});

describe('governance policy of the flows folder', () => {
  const leaky = {
    format: 1,
    id: 'leaky',
    resources: {
      eu: { type: 'kafka.connection', version: 1, config: { brokers: '127.0.0.1:1', zone: 'eu' } },
      us: { type: 'kafka.connection', version: 1, config: { brokers: '127.0.0.1:1', zone: 'us' } },
    },
    nodes: {
      gen: {
        type: 'core.generate',
        version: 1,
        config: { count: 1, avroSchema: { type: 'record', name: 'P', fields: [{ name: 'email', type: 'string', 'confluent:tags': ['PII'] }] } },
        zone: 'eu',
      },
      mask: { type: 'redact.fields', version: 1, config: { rules: [{ path: 'email', action: 'mask' }] } },
      out: { type: 'kafka.produce', version: 1, config: { connection: 'us', topic: 't' } },
    },
    edges: [
      { from: 'gen:out', to: 'mask:in' },
      { from: 'mask:out', to: 'out:in' },
    ],
  };

  it('serves the policy and validates saved flows with it', async () => {
    await rm(join(tmp.flowsDir, 'governance.policy.json'), { force: true });
    await open();
    const before = await raw(base, 'GET', '/api/policy');
    expect(before.json).toMatchObject({ policy: null, problems: [] });
    expect((await raw(base, 'POST', '/api/validate', { body: { flow: leaky } })).json.diagnostics).toEqual([]);
    // A policy that accepts only hashing for PII makes the masked field a leak.
    await writeFile(join(tmp.flowsDir, 'governance.policy.json'), JSON.stringify({ format: 1, tags: { PII: { redactions: ['hash'] } } }));
    const after = await raw(base, 'GET', '/api/policy');
    expect(after.json.file).toMatch(/governance\.policy\.json$/);
    const diags = (await raw(base, 'POST', '/api/validate', { body: { flow: leaky } })).json.diagnostics;
    expect(diags.map((d: { nodeId: string; message: string }) => `${d.nodeId}: ${d.message}`)).toEqual([
      expect.stringMatching(/^out: PII field email flows from zone eu to zone us .*via gen → mask → out/),
    ]);
  });
});
