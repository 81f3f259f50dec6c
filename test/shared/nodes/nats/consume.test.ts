import { describe, expect, it } from 'vitest';
import consume from '../../../../shared/nodes/nats/consume.node';
import { outputSchemas } from '../../../../shared/node-kit/define';
import type { Message } from '../../../../shared/node-kit/message';
import type { Settlement, SourceRuntime } from '../../../../shared/node-kit/runtime';
import { runNode, testContext } from '../../../helpers/run-node';
import { CONNECTION, fakeNats } from './fake-nats';

const base = { connection: 'edge-nats', subject: 'orders.>', stream: 'ORDERS', durable: 'orders-to-kafka' };
const ORDER_SCHEMA = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total', type: 'double' },
  ],
};

function lintOf(config: Record<string, unknown>) {
  return consume.lint!(consume.config.parse(config));
}

describe('nats.consume', () => {
  it('emits JSON payloads as records with the raw bytes, NATS headers and the delivery meta', async () => {
    const nats = fakeNats([
      { value: '{"id":"o-1","total":12.5}', headers: { 'trace-id': 't-1' }, meta: { subject: 'orders.eu', stream: 'ORDERS', sequence: 7, deliveries: 1, timestamp: 1700000000000 } },
      { value: '{"id":"o-2","total":3}' },
    ]);
    const r = await runNode(consume, base, [], { brokers: nats.services, resources: CONNECTION });
    expect(r.outputs.out).toEqual([{ id: 'o-1', total: 12.5 }, { id: 'o-2', total: 3 }]);
    const first = r.messages.out![0]!;
    expect(first.headers).toEqual({ 'trace-id': 't-1' });
    expect(first.key).toBeNull();
    expect(first.meta).toEqual({ subject: 'orders.eu', stream: 'ORDERS', sequence: 7, deliveries: 1, timestamp: 1700000000000 });
    expect(new TextDecoder().decode(first.raw)).toBe('{"id":"o-1","total":12.5}');
    expect(r.outputs['dead-letter']).toBeUndefined();
  });

  it('passes the connection and the JetStream settings to the connector', async () => {
    const nats = fakeNats();
    await runNode(consume, { ...base, nakDelay: '5s', ackWait: '2m', maxDeliver: 3 }, [], { brokers: nats.services, resources: CONNECTION });
    expect(nats.consumers).toHaveLength(1);
    expect(nats.consumers[0]!.connection).toEqual({ servers: ['nats://a:4222', 'nats://b:4222'], user: 'u', pass: 'p' });
    expect(nats.consumers[0]!.options).toEqual({
      mode: 'jetstream',
      subject: 'orders.>',
      stream: 'ORDERS',
      durable: 'orders-to-kafka',
      maxDeliver: 3,
      nakDelayMs: 5000,
      ackWaitMs: 120_000,
    });
    expect(nats.consumers[0]!.closed, 'close() closes the consumer').toBe(true);
  });

  it('passes only subject and queue group in core mode', async () => {
    const nats = fakeNats();
    await runNode(consume, { connection: 'edge-nats', mode: 'core', subject: 'sensors.*', durable: 'readers' }, [], { brokers: nats.services, resources: CONNECTION });
    expect(nats.consumers[0]!.options).toEqual({ mode: 'core', subject: 'sensors.*', durable: 'readers' });
  });

  it('dead-letters payloads that are not JSON records, with the text and the reason, and reads on', async () => {
    const nats = fakeNats([{ value: '{"id":' }, { value: '[1,2]' }, { value: new Uint8Array([0xff, 0xfe]) }, { value: '{"id":"ok","total":1}' }]);
    const r = await runNode(consume, base, [], { brokers: nats.services, resources: CONNECTION });
    expect(r.outputs.out).toEqual([{ id: 'ok', total: 1 }]);
    const dead = r.messages['dead-letter']!;
    expect(dead.map((m) => m.value)).toEqual(['{"id":', '[1,2]', new Uint8Array([0xff, 0xfe])]);
    expect(dead[0]!.meta?.error).toMatch(/not valid JSON/);
    expect(dead[1]!.meta?.error).toMatch(/not a record/);
    expect(dead[2]!.meta?.error).toMatch(/not UTF-8/);
    expect(dead.every((m) => m.raw instanceof Uint8Array)).toBe(true);
  });

  it('checks payloads against the record schema and declares it as the output schema', async () => {
    const nats = fakeNats([{ value: '{"id":"o-1","total":1.5}' }, { value: '{"id":"o-2","total":"lots"}' }]);
    const config = { ...base, schema: ORDER_SCHEMA };
    const r = await runNode(consume, config, [], { brokers: nats.services, resources: CONNECTION });
    expect(r.outputs.out).toEqual([{ id: 'o-1', total: 1.5 }]);
    expect(r.messages['dead-letter']![0]!.meta?.error).toMatch(/does not fit the schema/);
    expect(outputSchemas(consume, {}, consume.config.parse(config)).out).toEqual(ORDER_SCHEMA);
    expect(outputSchemas(consume, {}, consume.config.parse(base)).out).toBeUndefined();
  });

  it('passes raw payloads on as text, or as bytes when they are not UTF-8', async () => {
    const nats = fakeNats([{ value: 'plain text' }, { value: new Uint8Array([0xc3, 0x28]) }]);
    const r = await runNode(consume, { ...base, format: 'raw' }, [], { brokers: nats.services, resources: CONNECTION });
    expect(r.outputs.out).toEqual(['plain text', new Uint8Array([0xc3, 0x28])]);
  });

  it('dead-letters a message delivered more than maxDeliver times without decoding it, and processes it up to then', async () => {
    const nats = fakeNats([
      { value: '{"id":"a","total":1}', meta: { deliveries: 3 } },
      { value: '{"id":"b","total":2}', meta: { deliveries: 4 } },
      { value: 'not even json', meta: { deliveries: 9 } },
    ]);
    const r = await runNode(consume, { ...base, maxDeliver: 3 }, [], { brokers: nats.services, resources: CONNECTION });
    expect(r.outputs.out).toEqual([{ id: 'a', total: 1 }]);
    const dead = r.messages['dead-letter']!;
    expect(dead.map((m) => [m.value, m.meta?.deliveries, m.meta?.error])).toEqual([
      ['{"id":"b","total":2}', 4, 'delivered 3 times without being processed (max deliveries 3)'],
      ['not even json', 9, 'delivered 8 times without being processed (max deliveries 3)'],
    ]);
  });

  it('does not count deliveries in core mode', async () => {
    const nats = fakeNats([{ value: '{"id":"a"}', meta: { deliveries: 50 } }]);
    const r = await runNode(consume, { connection: 'edge-nats', mode: 'core', subject: 's' }, [], { brokers: nats.services, resources: CONNECTION });
    expect(r.outputs.out).toEqual([{ id: 'a' }]);
  });

  it('hands the delivery\'s settlement to the flow with each record and dead letter, and waits for emit', async () => {
    const nats = fakeNats([{ value: '{"id":"a"}' }, { value: 'bad' }, { value: '{"id":"c"}', meta: { deliveries: 6 } }]);
    const { ctx, abort } = testContext(consume, { brokers: nats.services, resources: CONNECTION });
    const runtime = (await consume.create(consume.config.parse(base), ctx)) as SourceRuntime;
    const order: string[] = [];
    const settle = (s: Settlement | undefined, how: 'ack' | 'nack') => (how === 'ack' ? s?.ack() : s?.nack?.(new Error('x')));
    await runtime.run({
      signal: abort.signal,
      emit(msg: Message, s) {
        order.push(`emit ${JSON.stringify(msg.value)}`);
        settle(s, 'ack');
        return new Promise<void>((room) =>
          setTimeout(() => {
            order.push('room');
            room();
          }, 10),
        );
      },
      deadLetter(msg, error, s) {
        order.push(`dead ${String(msg.value)}: ${error.name}`);
        settle(s, 'nack');
      },
    });
    expect(order).toEqual(['emit {"id":"a"}', 'room', 'dead bad: PayloadError', 'dead {"id":"c"}: MaxDeliveriesError']);
    expect(nats.settled).toEqual(['ack', 'nack', 'nack']);
  });

  it('fails to start without its connection resource', async () => {
    await expect(runNode(consume, base, [], { brokers: fakeNats().services })).rejects.toThrow(/no nats.connection resource "edge-nats"/);
  });

  describe('lint', () => {
    it('accepts the examples\' kind of config', () => {
      expect(lintOf(base)).toEqual([]);
      expect(lintOf({ connection: 'c', mode: 'core', subject: 'a.*.b' })).toEqual([]);
    });

    it('needs a durable name in JetStream mode, made of safe characters', () => {
      expect(lintOf({ connection: 'c', subject: 'a' })).toEqual([{ path: '/durable', message: expect.stringMatching(/needs a durable name/) }]);
      expect(lintOf({ ...base, durable: 'my.durable' })).toEqual([{ path: '/durable', message: expect.stringMatching(/not a valid durable consumer name/) }]);
      expect(lintOf({ ...base, stream: 'ORDERS *' })).toEqual([{ path: '/stream', message: expect.stringMatching(/not a valid stream name/) }]);
    });

    it('checks the subject', () => {
      expect(lintOf({ ...base, subject: 'orders..eu' })[0]).toMatchObject({ path: '/subject', message: expect.stringMatching(/empty token/) });
      expect(lintOf({ ...base, subject: 'orders.>.eu' })[0]).toMatchObject({ path: '/subject', message: expect.stringMatching(/last token/) });
      expect(lintOf({ ...base, subject: 'orders eu' })[0]).toMatchObject({ path: '/subject', message: expect.stringMatching(/spaces/) });
      expect(lintOf({ ...base, subject: 'orders.eu*' })[0]).toMatchObject({ path: '/subject', message: expect.stringMatching(/whole tokens/) });
    });

    it('warns that core mode does not use a stream, and rejects a schema with raw payloads', () => {
      expect(lintOf({ connection: 'c', mode: 'core', subject: 'a', stream: 'S' })).toEqual([{ path: '/stream', message: expect.any(String), severity: 'warning' }]);
      expect(lintOf({ ...base, format: 'raw', schema: ORDER_SCHEMA })).toEqual([{ path: '/schema', message: expect.stringMatching(/set the format to json/) }]);
      expect(lintOf({ ...base, schema: { type: 'string' } })[0]).toMatchObject({ path: '/schema' });
      expect(lintOf({ ...base, ackWait: '500ms' })).toEqual([{ path: '/ackWait', message: 'the ack wait must be at least 1s' }]);
    });
  });
});
