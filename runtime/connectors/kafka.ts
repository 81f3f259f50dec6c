import type { BrokerServices } from '../../shared/node-kit/brokers';
import type { Logger } from '../../shared/node-kit/runtime';
import { DEFAULT_SETTINGS, type KafkaClientStats, type KafkaSettings } from './kafka/client';
import { KafkaGroupConsumer } from './kafka/consumer';
import { KafkaBatchProducer } from './kafka/producer';
import { KafkaTopicTable } from './kafka/table';

/**
 * The Kafka connector (kafkajs 2.2). This file and `./kafka/` are the only code that imports
 * kafkajs; everything else sees the `KafkaConnector` interface, so another client library can
 * be put behind it later.
 *
 * - `consumer`: consumer-group member; offsets committed only up to the last contiguous settled
 *   offset per partition; drain and commit before a rejoin it notices; nack rewinds the
 *   partition; start at earliest, latest or a timestamp; topic names or one `/pattern/`
 *   (re-checked every `patternRefreshMs`). See `KafkaGroupConsumer`.
 * - `producer`: idempotent producer (acks=all, one request in flight) batching concurrent sends;
 *   key-hash or round-robin partitioning; explicit partitions. See `KafkaBatchProducer`.
 * - `table`: a compacted topic as a local key → latest value map. See `KafkaTopicTable`.
 *
 * Every client reconnects with jittered exponential backoff and logs each connection state
 * change; `connections()` lists them with their reconnect counts for metrics.
 */
export type KafkaConnector = BrokerServices['kafka'];

export interface KafkaService extends KafkaConnector {
  /** The live clients (not yet closed) with their connection state and counters. */
  connections(): KafkaClientStats[];
}

export type { KafkaClientStats, KafkaSettings };
export { DEFAULT_SETTINGS as DEFAULT_KAFKA_SETTINGS };

export function createKafkaService(log: Logger, settings: Partial<KafkaSettings> = {}): KafkaService {
  const s: KafkaSettings = { ...DEFAULT_SETTINGS, ...settings };
  if (s.drainTimeoutMs >= s.rebalanceTimeoutMs) {
    throw new Error(`Kafka drainTimeoutMs (${s.drainTimeoutMs}) must be below rebalanceTimeoutMs (${s.rebalanceTimeoutMs}), or the group would rebalance without this member`);
  }
  const live = new Set<KafkaClientStats>();
  const track = <T extends { stats: KafkaClientStats }>(make: (unregister: () => void) => T): T => {
    let stats: KafkaClientStats | undefined;
    const client = make(() => stats && live.delete(stats));
    stats = client.stats;
    live.add(stats);
    return client;
  };
  return {
    consumer: (connection, options) => track((done) => new KafkaGroupConsumer(connection, options, s, log, done)),
    producer: (connection, options) => track((done) => new KafkaBatchProducer(connection, options, s, log, done)),
    table: (connection, options) => track((done) => new KafkaTopicTable(connection, options.topic, s, log, done)),
    connections: () => [...live].map((c) => ({ ...c })),
  };
}
