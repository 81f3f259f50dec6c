import { describe, expect, it } from 'vitest';
import table from '../../../../shared/nodes/enrich/table.node';
import { outputPorts, outputSchemas } from '../../../../shared/node-kit/define';
import type { Message } from '../../../../shared/node-kit/message';
import type { ProcessorRuntime } from '../../../../shared/node-kit/runtime';
import type { AvroRecord } from '../../../../shared/schema/record-schema';
import { testContext } from '../../../helpers/run-node';
import { fakeKafka, KAFKA_RESOURCE, type FakeTable } from '../kafka/fake-kafka';

const base = { connection: 'eu-kafka', topic: 'customers', key: 'customerId', into: 'customer' };

/** Creates the node against a fake table filled with `rows`, then lets the table catch up. */
async function start(config: Record<string, unknown> = {}, rows: Record<string, string> = {}) {
  const fake = fakeKafka();
  const { ctx, abort } = testContext(table, { brokers: fake.services, resources: KAFKA_RESOURCE });
  const creating = table.create(table.config.parse({ ...base, ...config }), ctx) as Promise<ProcessorRuntime>;
  const t = fake.tables[0] as FakeTable;
  for (const [k, v] of Object.entries(rows)) t.put(k, v);
  t.catchUp();
  const runtime = await creating;
  const run = (values: unknown[]) => {
    const out: Record<string, unknown[]> = {};
    const errors: Error[] = [];
    for (const value of values) {
      try {
        runtime.process({ value } as Message, (port, m) => void (out[port] ??= []).push(m.value));
      } catch (err) {
        errors.push(err as Error);
      }
    }
    return { out, errors };
  };
  return { fake, t, runtime, run, abort };
}

const ROWS = { 'c-1': '{"name":"Ada","tier":"gold"}', '42': '{"name":"Grace","tier":"silver"}', bad: '{"name": oops' };

describe('enrich.table', () => {
  it('does not start before the table has caught up with its topic', async () => {
    const fake = fakeKafka();
    const { ctx } = testContext(table, { brokers: fake.services, resources: KAFKA_RESOURCE });
    let created = false;
    const creating = (table.create(table.config.parse(base), ctx) as Promise<ProcessorRuntime>).then((r) => ((created = true), r));
    await new Promise((r) => setImmediate(r));
    expect(created).toBe(false);
    expect(fake.tables[0]?.options).toEqual({ topic: 'customers' });
    fake.tables[0]?.catchUp();
    await creating;
    expect(created).toBe(true);
  });

  it('adds the row for the key, comparing keys as text', async () => {
    const { run } = await start({}, ROWS);
    const r = run([{ customerId: 'c-1', total: 3 }, { customerId: 42 }]);
    expect(r.errors).toEqual([]);
    expect(r.out.out).toEqual([
      { customerId: 'c-1', total: 3, customer: { name: 'Ada', tier: 'gold' } },
      { customerId: 42, customer: { name: 'Grace', tier: 'silver' } },
    ]);
  });

  it('follows the topic: updated rows are used, deleted rows no longer match', async () => {
    const { run, t } = await start({}, ROWS);
    expect(run([{ customerId: 'c-1' }]).out.out).toEqual([{ customerId: 'c-1', customer: { name: 'Ada', tier: 'gold' } }]);
    t.put('c-1', '{"name":"Ada","tier":"platinum"}');
    t.put('42', undefined);
    expect(run([{ customerId: 'c-1' }, { customerId: 42 }]).out.out).toEqual([{ customerId: 'c-1', customer: { name: 'Ada', tier: 'platinum' } }, { customerId: 42 }]);
  });

  it('on a miss passes, drops or routes the record', async () => {
    const records = [{ customerId: 'nobody' }, { customerId: null }, { customerId: 'c-1' }];
    expect((await start({}, ROWS)).run(records).out).toEqual({ out: [records[0], records[1], { customerId: 'c-1', customer: { name: 'Ada', tier: 'gold' } }] });
    expect((await start({ onMiss: 'drop' }, ROWS)).run(records).out).toEqual({ out: [{ customerId: 'c-1', customer: { name: 'Ada', tier: 'gold' } }] });
    expect((await start({ onMiss: 'route' }, ROWS)).run(records).out).toEqual({
      miss: [records[0], records[1]],
      out: [{ customerId: 'c-1', customer: { name: 'Ada', tier: 'gold' } }],
    });
    expect(outputPorts(table, table.config.parse({ ...base, onMiss: 'route' })).map((p) => p.name)).toEqual(['out', 'miss']);
  });

  it('fails the record (naming the key) when its row is not JSON, or the key expression fails', async () => {
    const { run } = await start({}, ROWS);
    const r = run([{ customerId: 'bad' }, { other: 1 }]);
    expect(r.errors[0]?.message).toMatch(/row for key "bad" in topic "customers" cannot be used: the payload is not valid JSON/);
    expect(r.errors[1]?.message).toMatch(/^key customerId: /);
  });

  it('raw rows are added as text', async () => {
    const { run } = await start({ format: 'raw' }, { 'c-1': 'Ada Lovelace' });
    expect(run([{ customerId: 'c-1' }]).out.out).toEqual([{ customerId: 'c-1', customer: 'Ada Lovelace' }]);
  });

  it('refuses to start when the table cannot be read, closing it', async () => {
    const fake = fakeKafka();
    const { ctx } = testContext(table, { brokers: fake.services, resources: KAFKA_RESOURCE });
    const creating = table.create(table.config.parse(base), ctx) as Promise<ProcessorRuntime>;
    fake.tables[0]?.fail(new Error('topic "customers" does not exist'));
    await expect(creating).rejects.toThrow(/does not exist/);
    expect(fake.tables[0]?.closed).toBe(1);
  });

  it('gives up after the start-up wait, saying how far it got', async () => {
    const fake = fakeKafka();
    const { ctx } = testContext(table, { brokers: fake.services, resources: KAFKA_RESOURCE });
    const creating = table.create(table.config.parse({ ...base, readyTimeout: '1s' }), ctx) as Promise<ProcessorRuntime>;
    fake.tables[0]?.put('k', '{}');
    await expect(creating).rejects.toThrow(/not read to its end within 1s \(1 keys so far\)/);
    expect(fake.tables[0]?.closed).toBe(1);
  });

  it('closes the table with the node', async () => {
    const { runtime, t } = await start();
    await runtime.close?.();
    expect(t.closed).toBe(1);
  });

  it('adds the row schema to the output schema when known', () => {
    const input: AvroRecord = { type: 'record', name: 'Order', fields: [{ name: 'customerId', type: 'string' }] };
    const row = { type: 'record', name: 'Customer', fields: [{ name: 'name', type: 'string' }] };
    const out = outputSchemas(table, { in: input }, table.config.parse({ ...base, schema: row })).out;
    expect(out?.fields).toEqual([{ name: 'customerId', type: 'string' }, { name: 'customer', type: ['null', row], default: null }]);
    const strict = outputSchemas(table, { in: input }, table.config.parse({ ...base, schema: row, onMiss: 'drop' })).out;
    expect(strict?.fields[1]).toEqual({ name: 'customer', type: row });
    expect(outputSchemas(table, { in: input }, table.config.parse(base)).out).toBeUndefined();
  });

  it('lint: checks the topic, the field and the schema', () => {
    const issues = table.lint?.(table.config.parse({ ...base, topic: 'a b', into: 'items[*].x', format: 'raw', schema: { type: 'record', name: 'R', fields: [] } })) ?? [];
    expect(issues.map((i) => i.path).sort()).toEqual(['/into', '/schema', '/topic']);
  });
});
