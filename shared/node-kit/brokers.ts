import type { MessageMeta } from './message';
import type { Settlement } from './runtime';

/**
 * What broker node types (kafka.*, nats.*, mq.*) see of the brokers. Node modules stay pure and
 * testable; the runtime injects implementations from `runtime/connectors/` (the only files that
 * import broker client libraries) through `RuntimeContext.brokers`.
 *
 * Lifecycle contract shared by every connector:
 * - connecting happens inside `run` / the first `send`, with jittered exponential backoff on
 *   failure (never a tight loop); every state change is logged and counted (`connection state`);
 * - `run` resolves only after `signal` aborted and in-flight deliveries were settled or handed
 *   back; it rejects only for configuration errors that retrying cannot fix (unknown topic with
 *   auto-create off, authentication refused), naming the broker and the reason;
 * - `close` is idempotent and releases every socket.
 */

/** A message as it crossed the wire: raw bytes plus what the broker carried with them. */
export interface BrokerMessage {
  key: string | null;
  value: Uint8Array;
  headers: Record<string, string>;
  meta: MessageMeta;
}

/** What a consumer hands the node for each delivery; settle exactly once. */
export interface Delivery extends BrokerMessage {
  /**
   * `ack`: processed (Kafka: offset may be committed once every earlier offset of the partition
   * is done; JetStream: ack; AMQP: accepted). `nack`: not processed, deliver again later
   * (Kafka: the partition is rewound to the first unsettled offset; JetStream: nak with delay;
   * AMQP: released, or modified with delivery-failed so the broker counts the attempt).
   */
  settle: Required<Settlement>;
}

export interface BrokerConsumer {
  /**
   * Receives until `signal` aborts. `onDelivery` may return a promise: the consumer waits for it
   * before handing over more (this is where the engine's in-flight window pushes back, and
   * where a connector stops asking the broker for more: Kafka pause, AMQP credit, pull batch).
   */
  run(onDelivery: (d: Delivery) => void | Promise<void>, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface OutboundMessage {
  key?: string | null;
  value: Uint8Array | string;
  headers?: Record<string, string>;
  /** Kafka: explicit partition; ignored by other brokers. */
  partition?: number;
  /** JetStream de-duplication id (`Nats-Msg-Id`); AMQP message-id. */
  id?: string;
}

export interface BrokerProducer {
  /**
   * Resolves when the broker confirmed the message (Kafka acks=all with the idempotent
   * producer, JetStream PubAck, AMQP settlement as accepted). Concurrent sends are batched by
   * the connector; callers may have many in flight.
   */
  send(message: OutboundMessage): Promise<void>;
  /** Resolves when every send so far was confirmed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaConnection {
  brokers: string[];
  clientId?: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

export interface KafkaConsumeOptions {
  /** Topics by name, or one JavaScript-free pattern given as `/regex/` text. */
  topics: string[];
  group: string;
  /** Where a group with no committed offset starts. */
  start: 'earliest' | 'latest' | { timestamp: number };
  /** Upper bound of deliveries handed over but not yet settled, across partitions. */
  maxInFlight?: number;
}

export interface KafkaProduceOptions {
  topic: string;
  /** How records without an explicit partition are spread: by key hash (default) or round robin. */
  partitioner?: 'key-hash' | 'round-robin';
  /** Messages per produce request; the connector batches concurrent sends up to this. */
  batchSize?: number;
  /** Create the topic if missing (tests and demos); off in production. */
  createTopic?: { partitions: number } | false;
}

/** A compacted topic materialised as a local table: latest value per key, kept current. */
export interface KafkaTable {
  /** Resolves once the table has caught up with the topic's end offsets at open time. */
  ready(): Promise<void>;
  get(key: string): Uint8Array | undefined;
  size(): number;
  close(): Promise<void>;
}

export interface NatsConnection {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
}

export interface NatsConsumeOptions {
  /** JetStream: stream and durable consumer (created if missing, filtered by subject); core: subject. */
  mode: 'jetstream' | 'core';
  subject: string;
  stream?: string;
  durable?: string;
  /** JetStream: deliveries before the runtime dead-letters the message (it acks it after). */
  maxDeliver?: number;
  /** JetStream: delay of a nak before redelivery, ms. */
  nakDelayMs?: number;
  ackWaitMs?: number;
  maxInFlight?: number;
}

export interface NatsPublishOptions {
  mode: 'jetstream' | 'core';
  subject: string;
  /** JetStream: create a stream for the subject if none exists (tests and demos). */
  createStream?: string | false;
}

export interface AmqpConnection {
  /** amqp://user:pass@host:port or amqps://… */
  url: string;
  /** SASL mechanism; ANONYMOUS when no user is given. */
  vhost?: string;
}

export interface AmqpReceiveOptions {
  /** Address of the queue, e.g. `/amq/queue/payments` (RabbitMQ), `payments` (IBM MQ, Artemis). */
  address: string;
  /** Link credit: messages the broker may push before we grant more. */
  credit?: number;
  /** Deliveries (from the delivery-count header) after which the runtime dead-letters. */
  maxDeliveries?: number;
}

export interface AmqpSendOptions {
  address: string;
}

export interface BrokerServices {
  kafka: {
    consumer(connection: KafkaConnection, options: KafkaConsumeOptions): BrokerConsumer;
    producer(connection: KafkaConnection, options: KafkaProduceOptions): BrokerProducer;
    table(connection: KafkaConnection, options: { topic: string }): KafkaTable;
  };
  nats: {
    consumer(connection: NatsConnection, options: NatsConsumeOptions): BrokerConsumer;
    publisher(connection: NatsConnection, options: NatsPublishOptions): BrokerProducer;
  };
  amqp: {
    receiver(connection: AmqpConnection, options: AmqpReceiveOptions): BrokerConsumer;
    sender(connection: AmqpConnection, options: AmqpSendOptions): BrokerProducer;
  };
}

/** Header names Sluice writes on dead letters sent to a broker. */
export const DEAD_LETTER_HEADERS = {
  error: 'sluice-error',
  node: 'sluice-node',
  flow: 'sluice-flow',
  attempts: 'sluice-attempts',
  failedAt: 'sluice-failed-at',
} as const;
