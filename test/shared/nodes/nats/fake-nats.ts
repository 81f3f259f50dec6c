import type {
  BrokerProducer,
  BrokerServices,
  Delivery,
  NatsConnection,
  NatsConsumeOptions,
  NatsPublishOptions,
  OutboundMessage,
} from '../../../../shared/node-kit/brokers';
import type { MessageMeta } from '../../../../shared/node-kit/message';

/**
 * A fake of BrokerServices['nats'] for unit tests of the NATS node types only (the connector
 * itself is tested against a real server in test/integration/nats). It records how the node
 * called it, hands out scripted deliveries, and keeps what was published per subject.
 */
export interface FakeDelivery {
  value: Uint8Array | string;
  headers?: Record<string, string>;
  meta?: MessageMeta;
}

export interface FakeNats {
  services: BrokerServices;
  consumers: Array<{ connection: NatsConnection; options: NatsConsumeOptions; closed: boolean }>;
  publishers: Array<{ connection: NatsConnection; options: NatsPublishOptions; sent: OutboundMessage[]; flushed: number; closed: boolean }>;
  /** What each delivery was settled with, by index. */
  settled: Array<'ack' | 'nack' | undefined>;
  sentTo(subject: string): OutboundMessage[];
}

export function fakeNats(deliveries: FakeDelivery[] = [], options: { failSend?: (m: OutboundMessage) => Error | undefined } = {}): FakeNats {
  const fake: FakeNats = {
    consumers: [],
    publishers: [],
    settled: [],
    sentTo: (subject) => fake.publishers.filter((p) => p.options.subject === subject).flatMap((p) => p.sent),
    services: undefined as unknown as BrokerServices,
  };
  const refuse = (): never => {
    throw new Error('only NATS in this fake');
  };
  fake.services = {
    kafka: { consumer: refuse, producer: refuse, table: refuse },
    amqp: { receiver: refuse, sender: refuse },
    nats: {
      consumer(connection, consumeOptions) {
        const record = { connection, options: consumeOptions, closed: false };
        fake.consumers.push(record);
        return {
          async run(onDelivery, signal) {
            for (const [i, d] of deliveries.entries()) {
              if (signal.aborted) return;
              const delivery: Delivery = {
                key: null,
                value: typeof d.value === 'string' ? new TextEncoder().encode(d.value) : d.value,
                headers: d.headers ?? {},
                meta: { subject: consumeOptions.subject, deliveries: 1, sequence: i + 1, ...d.meta },
                settle: {
                  ack: () => void (fake.settled[i] = 'ack'),
                  nack: () => void (fake.settled[i] = 'nack'),
                },
              };
              await onDelivery(delivery);
            }
          },
          async close() {
            record.closed = true;
          },
        };
      },
      publisher(connection, publishOptions) {
        const record = { connection, options: publishOptions, sent: [] as OutboundMessage[], flushed: 0, closed: false };
        fake.publishers.push(record);
        const producer: BrokerProducer = {
          async send(m) {
            if (record.closed) throw new Error(`publisher to ${publishOptions.subject} is closed`);
            const err = options.failSend?.(m);
            if (err) throw err;
            record.sent.push(m);
          },
          async flush() {
            record.flushed++;
          },
          async close() {
            record.closed = true;
          },
        };
        return producer;
      },
    },
  };
  return fake;
}

export const CONNECTION = { 'edge-nats': { type: 'nats.connection', config: { servers: 'nats://a:4222, nats://b:4222', user: 'u', password: 'p', zone: 'eu' } } };
