import type { BrokerConsumer, BrokerProducer, Delivery, OutboundMessage } from '../../shared/node-kit/brokers';
import type { MessageMeta } from '../../shared/node-kit/message';

/**
 * The pieces the NATS and AMQP connector fakes (test/shared/nodes/{nats,mq}) share, for unit
 * tests of broker node types: a consumer that hands out scripted deliveries one at a time
 * (waiting for the node's promise, like the real connectors) and records how each was settled,
 * and a producer that records what was sent. (The Kafka fake records differently: counters,
 * settlements by offset with their errors, and a table.)
 */
export interface FakeDelivery {
  value: Uint8Array | string;
  key?: string | null;
  headers?: Record<string, string>;
  meta?: MessageMeta;
}

export type Settlement = 'ack' | 'nack' | undefined;

export interface ConsumerRecord<C, O> {
  connection: C;
  options: O;
  closed: boolean;
}

export interface ProducerRecord<C, O> {
  connection: C;
  options: O;
  sent: OutboundMessage[];
  flushed: number;
  closed: boolean;
}

export interface FakeSendOptions {
  failSend?: (m: OutboundMessage) => Error | undefined;
}

const encoder = new TextEncoder();

/**
 * A consumer over `deliveries`: each gets `meta(i)` under its own meta (the delivery's meta wins)
 * and its settlement lands in `settled[i]`; `record.closed` turns true on close.
 */
export function scriptedConsumer<C, O>(record: ConsumerRecord<C, O>, deliveries: FakeDelivery[], settled: Settlement[], meta: (i: number) => MessageMeta): BrokerConsumer {
  return {
    async run(onDelivery, signal) {
      for (const [i, d] of deliveries.entries()) {
        if (signal.aborted) return;
        const delivery: Delivery = {
          key: d.key ?? null,
          value: typeof d.value === 'string' ? encoder.encode(d.value) : d.value,
          headers: d.headers ?? {},
          meta: { ...meta(i), ...d.meta },
          settle: {
            ack: () => void (settled[i] = 'ack'),
            nack: () => void (settled[i] = 'nack'),
          },
        };
        await onDelivery(delivery);
      }
    },
    async close() {
      record.closed = true;
    },
  };
}

/** A producer keeping what it sent in `record`; refuses sends once closed (`<label> is closed`) or when `failSend` says so. */
export function recordingProducer<C, O>(record: ProducerRecord<C, O>, label: string, options: FakeSendOptions = {}): BrokerProducer {
  return {
    async send(m) {
      if (record.closed) throw new Error(`${label} is closed`);
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
}
