import { describe, expect, it } from 'vitest';
import consume from '../../../../shared/nodes/kafka/consume.node';
import { outputSchemas } from '../../../../shared/node-kit/define';
import type { Message } from '../../../../shared/node-kit/message';
import type { Settlement, SourceRuntime } from '../../../../shared/node-kit/runtime';
import { runNode, testContext } from '../../../helpers/run-node';
import { fakeKafka, KAFKA_RESOURCE, text } from './fake-kafka';

const base = { connection: 'eu-kafka', topics: ['orders'], group: 'orders-to-dw' };

const PAYMENT_SCHEMA = {
  type: 'record',
  name: 'Payment',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
  ],
};

/** Runs the source against the fake with an output that keeps what it got and the settle functions. */
async function runSource(config: Record<string, unknown>, fake: ReturnType<typeof fakeKafka>) {
  const parsed = consume.config.parse(config);
  const { ctx, abort } = testContext(consume, { brokers: fake.services, resources: KAFKA_RESOURCE });
  const runtime = (await consume.create(parsed, ctx)) as SourceRuntime;
  const emitted: Array<{ msg: Message; settle?: Settlement }> = [];
  const dead: Array<{ msg: Message; error: Error; settle?: Settlement }> = [];
  await runtime.run({
    signal: abort.signal,
    emit: (msg, settle) => void emitted.push({ msg, settle }),
    deadLetter: (msg, error, settle) => void dead.push({ msg, error, settle }),
  });
  await runtime.close?.();
  return { emitted, dead };
}

describe('kafka.consume', () => {
  it('emits decoded records with key, headers, meta and the raw bytes', async () => {
    const fake = fakeKafka([{ key: 'o-1', value: '{"id":"o-1","total":12.5}', headers: { trace: 't-1' } }]);
    const r = await runNode(consume, base, [], { brokers: fake.services, resources: KAFKA_RESOURCE });
    expect(r.outputs.out).toEqual([{ id: 'o-1', total: 12.5 }]);
    const [msg] = r.messages.out as [Message];
    expect(msg.key).toBe('o-1');
    expect(msg.headers).toEqual({ trace: 't-1' });
    expect(msg.meta).toMatchObject({ topic: 'orders', partition: 0, offset: '0' });
    expect(text(msg.raw as Uint8Array)).toBe('{"id":"o-1","total":12.5}');
    expect(fake.consumers[0]?.closed).toBe(1);
  });

  it('sends undecodable payloads to the dead-letter path with their bytes and the reason', async () => {
    const fake = fakeKafka([
      { key: 'a', value: '{"id":"a"}' },
      { key: 'b', value: '{"id": b}' },
      { key: 'c', value: '[1,2]' },
      { key: 'd', value: '{"id":"d"}' },
    ]);
    const r = await runNode(consume, base, [], { brokers: fake.services, resources: KAFKA_RESOURCE });
    expect(r.outputs.out).toEqual([{ id: 'a' }, { id: 'd' }]);
    const dead = r.messages['dead-letter'] as Message[];
    expect(dead.map((m) => m.key)).toEqual(['b', 'c']);
    expect(dead[0]?.value).toBe('{"id": b}');
    expect(text(dead[0]?.raw as Uint8Array)).toBe('{"id": b}');
    expect(dead[0]?.meta?.error).toMatch(/not valid JSON/);
    expect(dead[1]?.meta?.error).toMatch(/expected a JSON object/);
  });

  it('dead-letters JSON records that do not fit the schema', async () => {
    const fake = fakeKafka([{ value: '{"id":"p-1","amount":10.5}' }, { value: '{"id":"p-2","amount":"ten"}' }]);
    const r = await runNode(consume, { ...base, schema: PAYMENT_SCHEMA }, [], { brokers: fake.services, resources: KAFKA_RESOURCE });
    expect(r.outputs.out).toEqual([{ id: 'p-1', amount: 10.5 }]);
    expect(r.messages['dead-letter']?.[0]?.meta?.error).toMatch(/does not fit the schema/);
  });

  it('passes raw payloads on as text (or bytes) unchanged', async () => {
    const fake = fakeKafka([{ value: '<payment id="1"/>' }, { value: new Uint8Array([0xff, 0x00]) }]);
    const r = await runNode(consume, { ...base, format: 'raw' }, [], { brokers: fake.services, resources: KAFKA_RESOURCE });
    expect(r.outputs.out?.[0]).toBe('<payment id="1"/>');
    expect([...(r.outputs.out?.[1] as Uint8Array)]).toEqual([0xff, 0x00]);
    expect(r.messages['dead-letter']).toBeUndefined();
  });

  it('wires each delivery’s settle to the engine, for records and dead letters alike', async () => {
    const fake = fakeKafka([{ value: '{"n":0}' }, { value: 'oops' }, { value: '{"n":2}' }]);
    const { emitted, dead } = await runSource(base, fake);
    expect(fake.settled).toEqual([]);
    emitted[1]?.settle?.ack();
    dead[0]?.settle?.nack?.(new Error('dead-letter topic down'));
    emitted[0]?.settle?.ack();
    expect(fake.settled).toEqual([
      { offset: '2', outcome: 'ack' },
      { offset: '1', outcome: 'nack', error: 'dead-letter topic down' },
      { offset: '0', outcome: 'ack' },
    ]);
  });

  it('waits for the flow’s backpressure before taking the next delivery', async () => {
    const fake = fakeKafka([{ value: '{"n":0}' }, { value: '{"n":1}' }]);
    const parsed = consume.config.parse(base);
    const { ctx, abort } = testContext(consume, { brokers: fake.services, resources: KAFKA_RESOURCE });
    const runtime = (await consume.create(parsed, ctx)) as SourceRuntime;
    const seen: unknown[] = [];
    let release!: () => void;
    const room = new Promise<void>((resolve) => (release = resolve));
    const running = runtime.run({ signal: abort.signal, emit: (m) => (seen.push(m.value), room), deadLetter: () => undefined });
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([{ n: 0 }]);
    release();
    await running;
    expect(seen).toEqual([{ n: 0 }, { n: 1 }]);
  });

  it('asks the connector for the group, topics or pattern, start and connection', async () => {
    const fake = fakeKafka();
    await runNode(consume, { ...base, maxInFlight: 50 }, [], { brokers: fake.services, resources: KAFKA_RESOURCE });
    await runNode(consume, { ...base, topics: [], pattern: 'orders\\..*', start: 'latest' }, [], { brokers: fake.services, resources: KAFKA_RESOURCE });
    await runNode(consume, { ...base, start: 'timestamp', startTime: '2024-05-01T02:00:00+02:00' }, [], { brokers: fake.services, resources: KAFKA_RESOURCE });
    expect(fake.consumers.map((c) => c.options)).toEqual([
      { topics: ['orders'], group: 'orders-to-dw', start: 'earliest', maxInFlight: 50 },
      { topics: ['/orders\\..*/'], group: 'orders-to-dw', start: 'latest' },
      { topics: ['orders'], group: 'orders-to-dw', start: { timestamp: Date.parse('2024-05-01T00:00:00Z') } },
    ]);
    expect(fake.consumers[0]?.connection).toEqual({ brokers: ['k1:9092', 'k2:9092'], clientId: 'sluice-test' });
  });

  it.each([
    [{ ...base, topics: [] }, '/topics', /at least one topic/],
    [{ ...base, pattern: 'orders.*' }, '/pattern', /not both/],
    [{ ...base, topics: [], pattern: '(' }, '/pattern', /not a valid regular expression/],
    [{ ...base, topics: ['orders', 'bad topic'] }, '/topics/1', /not a topic name/],
    [{ ...base, start: 'timestamp' }, '/startTime', /give the time/],
    [{ ...base, start: 'timestamp', startTime: '2024-05-01 00:00' }, '/startTime', /ISO time with a zone/],
    [{ ...base, group: 'my group' }, '/group', /letters, digits/],
    [{ ...base, format: 'raw', schema: PAYMENT_SCHEMA }, '/schema', /set the format to json/],
    [{ ...base, schema: { type: 'record' } }, '/schema', /./],
  ])('lint: %j is refused at %s', (config, path, message) => {
    const issues = consume.lint?.(consume.config.parse(config)) ?? [];
    const issue = issues.find((i) => i.path === path && i.severity !== 'warning');
    expect(issue?.message, JSON.stringify(issues)).toMatch(message);
  });

  it('warns about a start time that is not used, and refuses to start with lint errors', async () => {
    const issues = consume.lint?.(consume.config.parse({ ...base, startTime: '2024-05-01T00:00:00Z' })) ?? [];
    expect(issues).toEqual([{ path: '/startTime', message: expect.stringMatching(/only used/), severity: 'warning' }]);
    const { ctx } = testContext(consume, { brokers: fakeKafka().services, resources: KAFKA_RESOURCE });
    expect(() => consume.create(consume.config.parse({ ...base, topics: [] }), ctx)).toThrow(/kafka.consume: \/topics/);
  });

  it('names a missing connection resource', async () => {
    await expect(runNode(consume, { ...base, connection: 'us-kafka' }, [], { brokers: fakeKafka().services, resources: KAFKA_RESOURCE })).rejects.toThrow(
      /kafka.connection resource "us-kafka"/,
    );
  });

  it('gives later nodes the record schema (json only)', () => {
    expect(outputSchemas(consume, {}, consume.config.parse({ ...base, schema: PAYMENT_SCHEMA })).out).toEqual(PAYMENT_SCHEMA);
    expect(outputSchemas(consume, {}, consume.config.parse(base)).out).toBeUndefined();
  });
});
