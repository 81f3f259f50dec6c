import type {
  AmqpConnection,
  AmqpReceiveOptions,
  AmqpSendOptions,
  BrokerProducer,
  BrokerServices,
  Delivery,
  OutboundMessage,
} from '../../../../shared/node-kit/brokers';
import type { MessageMeta } from '../../../../shared/node-kit/message';

/**
 * A fake of BrokerServices['amqp'] for unit tests of the MQ node types only (the connector
 * itself is tested against a real broker in test/integration/mq). It records how the node
 * called it, hands out scripted deliveries one at a time (waiting for the node's promise, like
 * the real receiver), and keeps what was sent per queue.
 */
export interface FakeDelivery {
  value: Uint8Array | string;
  key?: string | null;
  headers?: Record<string, string>;
  meta?: MessageMeta;
}

export interface FakeAmqp {
  services: BrokerServices;
  receivers: Array<{ connection: AmqpConnection; options: AmqpReceiveOptions; closed: boolean }>;
  senders: Array<{ connection: AmqpConnection; options: AmqpSendOptions; sent: OutboundMessage[]; flushed: number; closed: boolean }>;
  /** How each delivery was settled, by index. */
  settled: Array<'ack' | 'nack' | undefined>;
  sentTo(queue: string): OutboundMessage[];
}

const encoder = new TextEncoder();

export function fakeAmqp(deliveries: FakeDelivery[] = [], options: { failSend?: (m: OutboundMessage) => Error | undefined } = {}): FakeAmqp {
  const fake: FakeAmqp = {
    receivers: [],
    senders: [],
    settled: [],
    sentTo: (queue) => fake.senders.filter((s) => s.options.address === queue).flatMap((s) => s.sent),
    services: undefined as unknown as BrokerServices,
  };
  const refuse = (): never => {
    throw new Error('only AMQP in this fake');
  };
  fake.services = {
    kafka: { consumer: refuse, producer: refuse, table: refuse },
    nats: { consumer: refuse, publisher: refuse },
    amqp: {
      receiver(connection, receiveOptions) {
        const record = { connection, options: receiveOptions, closed: false };
        fake.receivers.push(record);
        return {
          async run(onDelivery, signal) {
            for (const [i, d] of deliveries.entries()) {
              if (signal.aborted) return;
              const delivery: Delivery = {
                key: d.key ?? null,
                value: typeof d.value === 'string' ? encoder.encode(d.value) : d.value,
                headers: d.headers ?? {},
                meta: { address: receiveOptions.address, deliveries: 1, ...d.meta },
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
      sender(connection, sendOptions) {
        const record = { connection, options: sendOptions, sent: [] as OutboundMessage[], flushed: 0, closed: false };
        fake.senders.push(record);
        const producer: BrokerProducer = {
          async send(m) {
            if (record.closed) throw new Error(`sender to ${sendOptions.address} is closed`);
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

export const CONNECTION = {
  'payments-mq': {
    type: 'mq.connection',
    config: { url: 'amqp://mq1.example.com:5672', username: 'app user', password: 'p@ss:word/1', tls: false, zone: 'eu' },
  },
};
