import { describe, expect, it } from 'vitest';
import consume from '../../../../shared/nodes/nats/consume.node';
import type { SourceRuntime } from '../../../../shared/node-kit/runtime';
import { runNode, testContext } from '../../../helpers/run-node';
import { CONNECTION, fakeNats } from './fake-nats';
import { brokerSourceContract } from '../../../helpers/broker-source-contract';

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
  brokerSourceContract({
    def: consume,
    base,
    limitField: 'maxDeliver',
    run: (deliveries, config) => runNode(consume, config, [], { brokers: fakeNats(deliveries).services, resources: CONNECTION }),
    async start(deliveries) {
      const nats = fakeNats(deliveries);
      const { ctx, abort } = testContext(consume, { brokers: nats.services, resources: CONNECTION });
      return { runtime: (await consume.create(consume.config.parse(base), ctx)) as SourceRuntime, signal: abort.signal, settled: nats.settled };
    },
  });

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

  it('does not count deliveries in core mode', async () => {
    const nats = fakeNats([{ value: '{"id":"a"}', meta: { deliveries: 50 } }]);
    const r = await runNode(consume, { connection: 'edge-nats', mode: 'core', subject: 's' }, [], { brokers: nats.services, resources: CONNECTION });
    expect(r.outputs.out).toEqual([{ id: 'a' }]);
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
