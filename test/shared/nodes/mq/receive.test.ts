import { describe, expect, it } from 'vitest';
import receive from '../../../../shared/nodes/mq/receive.node';
import type { SourceRuntime } from '../../../../shared/node-kit/runtime';
import { runNode, testContext } from '../../../helpers/run-node';
import { CONNECTION, fakeAmqp } from './fake-amqp';
import { brokerSourceContract } from '../../../helpers/broker-source-contract';

const base = { connection: 'payments-mq', queue: 'PAYMENTS.IN' };
const PAYMENT_SCHEMA = {
  type: 'record',
  name: 'Payment',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
  ],
};

function lintOf(config: Record<string, unknown>) {
  return receive.lint!(receive.config.parse(config));
}

describe('mq.receive', () => {
  brokerSourceContract({
    def: receive,
    base,
    limitField: 'maxDeliveries',
    run: (deliveries, config) => runNode(receive, config, [], { brokers: fakeAmqp(deliveries).services, resources: CONNECTION }),
    async start(deliveries) {
      const amqp = fakeAmqp(deliveries);
      const { ctx, abort } = testContext(receive, { brokers: amqp.services, resources: CONNECTION });
      return { runtime: (await receive.create(receive.config.parse(base), ctx)) as SourceRuntime, signal: abort.signal, settled: amqp.settled };
    },
  });

  it('emits JSON payloads as records with the raw bytes, the key, the application properties and the delivery meta', async () => {
    const amqp = fakeAmqp([
      {
        value: '{"id":"p-1","amount":12.5}',
        key: 'corr-1',
        headers: { 'trace-id': 't-1' },
        meta: { address: 'PAYMENTS.IN', messageId: 'm-1', subject: 'pay', deliveries: 1, timestamp: 1700000000000 },
      },
      { value: '{"id":"p-2","amount":3}' },
    ]);
    const r = await runNode(receive, base, [], { brokers: amqp.services, resources: CONNECTION });
    expect(r.outputs.out).toEqual([{ id: 'p-1', amount: 12.5 }, { id: 'p-2', amount: 3 }]);
    const first = r.messages.out![0]!;
    expect(first.key).toBe('corr-1');
    expect(first.headers).toEqual({ 'trace-id': 't-1' });
    expect(first.meta).toEqual({ address: 'PAYMENTS.IN', messageId: 'm-1', subject: 'pay', deliveries: 1, timestamp: 1700000000000 });
    expect(new TextDecoder().decode(first.raw)).toBe('{"id":"p-1","amount":12.5}');
    expect(r.messages.out![1]!.key).toBeNull();
    expect(r.outputs['dead-letter']).toBeUndefined();
  });

  it('passes the connection (credentials URL-encoded into the URL) and the credit and max deliveries to the connector', async () => {
    const amqp = fakeAmqp();
    await runNode(receive, { ...base, maxInFlight: 20, maxDeliveries: 3 }, [], { brokers: amqp.services, resources: CONNECTION });
    expect(amqp.receivers).toHaveLength(1);
    expect(amqp.receivers[0]!.connection).toEqual({ url: 'amqp://app%20user:p%40ss%3Aword%2F1@mq1.example.com:5672' });
    expect(amqp.receivers[0]!.options).toEqual({ address: 'PAYMENTS.IN', credit: 20, maxDeliveries: 3 });
    expect(amqp.receivers[0]!.closed, 'close() closes the receiver').toBe(true);
  });

  it('uses amqps for TLS and passes a RabbitMQ virtual host', async () => {
    const amqp = fakeAmqp();
    const resources = { rabbit: { type: 'mq.connection', config: { url: 'amqp://rabbit:5671', vhost: 'payments', tls: true, zone: 'eu' } } };
    await runNode(receive, { connection: 'rabbit', queue: '/amq/queue/orders' }, [], { brokers: amqp.services, resources });
    expect(amqp.receivers[0]!.connection).toEqual({ url: 'amqps://rabbit:5671', vhost: 'payments' });
    expect(amqp.receivers[0]!.options).toEqual({ address: '/amq/queue/orders', credit: 100, maxDeliveries: 5 });
  });

  it('fails to start without its connection resource, or with credentials in the URL', async () => {
    await expect(runNode(receive, base, [], { brokers: fakeAmqp().services })).rejects.toThrow(/no mq.connection resource "payments-mq"/);
    const resources = { 'payments-mq': { type: 'mq.connection', config: { url: 'amqp://u:p@mq:5672', zone: 'eu' } } };
    await expect(runNode(receive, base, [], { brokers: fakeAmqp().services, resources })).rejects.toThrow(/carries a user or password/);
  });

  describe('lint', () => {
    it("accepts the examples' kind of config", () => {
      expect(lintOf(base)).toEqual([]);
      expect(lintOf({ connection: 'c', queue: '/amq/queue/orders', schema: PAYMENT_SCHEMA })).toEqual([]);
    });

    it('needs a queue address that names a queue', () => {
      expect(lintOf({ ...base, queue: ' PAYMENTS' })).toEqual([{ path: '/queue', message: expect.stringMatching(/spaces/) }]);
      expect(lintOf({ ...base, queue: '   ' })).toEqual([{ path: '/queue', message: expect.stringMatching(/give the queue address/) }]);
      expect(lintOf({ ...base, queue: '/amq/queue/' })).toEqual([{ path: '/queue', message: expect.stringMatching(/names no queue/) }]);
    });

    it('warns about RabbitMQ addresses that lose messages', () => {
      expect(lintOf({ ...base, queue: '/queue/orders' })).toEqual([{ path: '/queue', message: expect.stringMatching(/non-durable.*\/amq\/queue\/orders/), severity: 'warning' }]);
      expect(lintOf({ ...base, queue: '/exchange/orders' })).toEqual([{ path: '/queue', message: expect.stringMatching(/temporary queue/), severity: 'warning' }]);
    });

    it('rejects a schema with raw payloads, and a schema that is not a record', () => {
      expect(lintOf({ ...base, format: 'raw', schema: PAYMENT_SCHEMA })).toEqual([{ path: '/schema', message: expect.stringMatching(/set the format to json/) }]);
      expect(lintOf({ ...base, schema: { type: 'string' } })[0]).toMatchObject({ path: '/schema' });
    });

    it('bounds credit and max deliveries', () => {
      expect(() => receive.config.parse({ ...base, maxInFlight: 0 })).toThrow();
      expect(() => receive.config.parse({ ...base, maxDeliveries: 0 })).toThrow();
      expect(receive.config.parse(base)).toMatchObject({ maxInFlight: 100, maxDeliveries: 5, format: 'json' });
    });
  });
});
