import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileFlow } from '../../../runtime/compiler';
import { defaultSecretResolver, SecretSet, secretEnvName, startFlow } from '../../../runtime/engine';
import { defineNode, defineResource, hint } from '../../../shared/node-kit';
import { createRegistry } from '../../../shared/node-kit/registry';
import { flow, memoryLogger } from './fixtures';

function connectorType(seen: Array<Record<string, unknown>>) {
  return defineNode({
    type: 'test.connector',
    version: 1,
    category: 'sink',
    title: 'connector',
    summary: 'logs its config',
    docs: '',
    icon: 'x',
    ports: { inputs: [{ name: 'in' }], outputs: [] },
    config: z.strictObject({
      url: z.string(),
      user: z.string().default('guest'),
      password: hint.secretRef(z.string()),
      table: z.string().optional(),
      tags: z.array(z.string()).default([]),
    }),
    create(config, ctx) {
      const conn = config.table ? ctx.resources.get<{ dsn: string }>(config.table, 'test.table') : undefined;
      seen.push({ ...config, dsn: conn?.dsn });
      ctx.log.info(`connecting to ${config.url} as ${config.user} with ${config.password}`, { password: config.password, nested: [{ dsn: conn?.dsn }] });
      return { role: 'sink', write: () => undefined };
    },
    examples: [],
  });
}

const table = defineResource({
  type: 'test.table',
  version: 1,
  title: 'table',
  summary: 'a resource',
  docs: '',
  config: z.strictObject({ dsn: z.string() }),
  examples: [],
});

describe('config references', () => {
  it('resolves env and secret references in strings, nested fields and resources before create', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-secrets-'));
    writeFileSync(join(dir, 'db.password'), 'file-secret-42\n');
    const seen: Array<Record<string, unknown>> = [];
    const registry = createRegistry([connectorType(seen)], [table]);
    const doc = flow(
      {
        a: ['test.connector', { url: 'https://${env:API_HOST}:8443/v1', password: '${secret:api-token}', tags: ['${env:ZONE}', 'fixed'] }],
        b: ['test.connector', { url: 'db', user: '${env:DB_USER}', password: '${secret:db.password}', table: 'orders' }],
      },
      [],
    );
    doc.resources = { orders: { type: 'test.table', version: 1, config: { dsn: 'pg://${env:DB_USER}:${secret:db.password}@db' } } };
    const log = memoryLogger();
    const env = { API_HOST: 'api.example', ZONE: 'eu', DB_USER: 'ops', [secretEnvName('api-token')]: 'tok-ABCDEF', SLUICE_SECRETS_DIR: dir };
    const running = await startFlow(compileFlow(doc, registry), { env, logger: log.logger });
    await running.stop();

    expect(seen).toContainEqual({ url: 'https://api.example:8443/v1', user: 'guest', password: 'tok-ABCDEF', tags: ['eu', 'fixed'], dsn: undefined });
    expect(seen).toContainEqual({ url: 'db', user: 'ops', password: 'file-secret-42', table: 'orders', tags: [], dsn: 'pg://ops:file-secret-42@db' });
    const text = log.text();
    expect(text).not.toContain('tok-ABCDEF');
    expect(text).not.toContain('file-secret-42');
    expect(text).toContain('connecting to https://api.example:8443/v1 as guest with ***');
    expect(text).toContain('pg://ops:***@db');
    expect(log.lines.find((l) => l.msg.startsWith('connecting to db'))?.fields).toMatchObject({ node: 'b', flow: 'test-flow', password: '***' });
  });

  it('scrubs an env value used in a secret field, but not env values in ordinary fields', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const registry = createRegistry([connectorType(seen)]);
    const doc = flow({ a: ['test.connector', { url: '${env:HOST}', password: '${env:PASSWORD}' }] }, []);
    const log = memoryLogger();
    const running = await startFlow(compileFlow(doc, registry), { env: { HOST: 'broker-1', PASSWORD: 'hunter2' }, logger: log.logger });
    await running.stop();
    expect(seen[0]).toMatchObject({ password: 'hunter2' });
    expect(log.text()).not.toContain('hunter2');
    expect(log.text()).toContain('connecting to broker-1 as guest with ***');
  });

  it('scrubs an env value used in a secret field of a resource (as connection passwords are)', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const login = defineResource({
      type: 'test.login',
      version: 1,
      title: 'login',
      summary: 'a resource with a secret field',
      docs: '',
      config: z.strictObject({ user: z.string(), password: hint.secretRef(z.string()) }),
      examples: [],
    });
    const reader = defineNode({
      type: 'test.reader',
      version: 1,
      category: 'sink',
      title: 'reader',
      summary: 'logs its resource',
      docs: '',
      icon: 'x',
      ports: { inputs: [{ name: 'in' }], outputs: [] },
      config: z.strictObject({ login: hint.resourceRef(z.string(), 'test.login') }),
      create(config, ctx) {
        const l = ctx.resources.get<{ user: string; password: string }>(config.login, 'test.login');
        seen.push(l);
        ctx.log.warn(`login refused for ${l.user} with ${l.password}`);
        return { role: 'sink', write: () => undefined };
      },
      examples: [],
    });
    const doc = flow({ r: ['test.reader', { login: 'mq' }] }, []);
    doc.resources = { mq: { type: 'test.login', version: 1, config: { user: '${env:MQ_USER}', password: '${env:MQ_PASSWORD}' } } };
    const log = memoryLogger();
    const running = await startFlow(compileFlow(doc, createRegistry([reader], [login])), { env: { MQ_USER: 'app', MQ_PASSWORD: 's3cr3t-pw' }, logger: log.logger });
    await running.stop();
    expect(seen[0]).toEqual({ user: 'app', password: 's3cr3t-pw' });
    expect(log.text()).not.toContain('s3cr3t-pw');
    expect(log.text()).toContain('login refused for app with ***');
  });

  it('refuses to start with every missing reference named by node and field', async () => {
    const registry = createRegistry([connectorType([])]);
    const doc = flow({ a: ['test.connector', { url: '${env:NOPE}', password: '${secret:missing-one}' }] }, []);
    const start = startFlow(compileFlow(doc, registry), { env: {}, logger: memoryLogger().logger });
    await expect(start).rejects.toThrow('node "a" field /url: ${env:NOPE} is not set (environment variable NOPE)');
    await expect(start).rejects.toThrow(
      'node "a" field /password: ${secret:missing-one} is not set (set SLUICE_SECRET_MISSING_ONE, or SLUICE_SECRETS_DIR to a folder holding a file named missing-one)',
    );
  });

  it('leaves the plan free of resolved values', async () => {
    const registry = createRegistry([connectorType([])]);
    const plan = compileFlow(flow({ a: ['test.connector', { url: 'x', password: '${secret:k}' }] }, []), registry);
    const running = await startFlow(plan, { env: { SLUICE_SECRET_K: 'value-k' }, logger: memoryLogger().logger });
    await running.stop();
    expect(plan.nodes.a!.config).toMatchObject({ password: '${secret:k}' });
  });
});

describe('secret store and scrubbing', () => {
  it('reads SLUICE_SECRET_<NAME> first, then SLUICE_SECRETS_DIR/<NAME>, else undefined', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-secrets-'));
    writeFileSync(join(dir, 'both'), 'from-file');
    writeFileSync(join(dir, 'only-file'), 'line\r\n');
    const r = defaultSecretResolver({ SLUICE_SECRET_BOTH: 'from-env', SLUICE_SECRETS_DIR: dir });
    expect(await r.resolve('both')).toBe('from-env');
    expect(await r.resolve('only-file')).toBe('line');
    expect(await r.resolve('absent')).toBeUndefined();
    expect(await defaultSecretResolver({}).resolve('both')).toBeUndefined();
  });

  it('scrubs raw and JSON-escaped values, longest first', () => {
    const set = new SecretSet();
    set.add('ab"c');
    set.add('ab"cdef');
    expect(set.scrub('x ab"cdef y ab"c')).toBe('x *** y ***');
    expect(set.scrub(JSON.stringify({ p: 'ab"c' }))).toBe('{"p":"***"}');
    expect(set.scrubValue({ a: ['ab"c'], e: new Error('leak ab"c') })).toEqual({ a: ['***'], e: { name: 'Error', message: 'leak ***' } });
  });
});
