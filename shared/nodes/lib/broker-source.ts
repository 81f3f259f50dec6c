import type { BrokerConsumer, Delivery, SourceOutput, SourceRuntime } from '../../node-kit';
import { handOver, toMessage, utf8Text, type PayloadFormat } from './broker-payload';

/**
 * What every broker source node type (kafka.consume, nats.consume, mq.receive) does per
 * delivery: max-deliveries dead-lettering, decoding (broker-payload.ts) and settle wiring. Each
 * node keeps its own config, docs and broker options, and hands its consumer to `brokerSource`.
 * Their inline record-schema option is in record-schema.ts.
 */

/** The dead-letter reason for a message delivered more often than the node's max deliveries. */
export class MaxDeliveriesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MaxDeliveriesError';
  }
}

export interface BrokerSourceOptions {
  format: PayloadFormat;
  /** Record-schema check; a returned reason dead-letters the record. */
  check?: ((value: unknown) => string | undefined) | undefined;
  /**
   * Dead-letter a delivery whose `meta.deliveries` exceeds this (a poison message that keeps
   * coming back), instead of decoding it. Undefined: no limit here.
   */
  maxDeliveries?: number | undefined;
}

/**
 * One delivery into the flow: a delivery past `maxDeliveries` goes to the dead-letter node
 * (MaxDeliveriesError; value: the payload's text, or its bytes), anything else is decoded and
 * handed over (see `handOver`). The delivery's settle functions are passed on either way, so
 * the engine acks or nacks the broker message. Returns what emit/deadLetter returned: await it.
 */
export function handOverDelivery(out: SourceOutput, d: Delivery, options: BrokerSourceOptions): void | Promise<void> {
  const max = options.maxDeliveries;
  if (max !== undefined) {
    const deliveries = d.meta.deliveries ?? 1;
    if (deliveries > max) {
      const reason = new MaxDeliveriesError(`delivered ${deliveries - 1} times without being processed (max deliveries ${max})`);
      return out.deadLetter(toMessage(d, utf8Text(d.value) ?? d.value), reason, d.settle);
    }
  }
  return handOver(out, d, { format: options.format, ...(options.check ? { check: options.check } : {}) });
}

/** The source runtime of a broker source node: runs the consumer, handing over each delivery. */
export function brokerSource(consumer: BrokerConsumer, options: BrokerSourceOptions): SourceRuntime {
  return {
    role: 'source',
    run: (out) => consumer.run((d) => handOverDelivery(out, d, options), out.signal),
    close: () => consumer.close(),
  };
}
