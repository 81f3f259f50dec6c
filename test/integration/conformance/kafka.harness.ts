import type { BrokerServices } from '../../../shared/node-kit/brokers';
import { KafkaKit } from '../kafka/kit';
import { memoryLogger } from '../kit';
import type { ConformanceHarness, NodeSpec } from './harness';

/**
 * Kafka for the conformance suite: a channel is a fresh topic (with the partitions asked for);
 * the source is `kafka.consume` with the suite's group, the sink `kafka.produce`. Test messages
 * go in and come out through plain kafkajs (KafkaKit), not through the connector under test.
 * Ordering holds per key (per partition).
 */
export async function kafkaHarness(): Promise<ConformanceHarness> {
  const kit = new KafkaKit();
  const log = memoryLogger();
  const kafka = kit.service({}, log);
  const refuse = (): never => {
    throw new Error('the Kafka conformance harness only has Kafka services');
  };
  const services: BrokerServices = {
    kafka,
    nats: { consumer: refuse, publisher: refuse },
    amqp: { receiver: refuse, sender: refuse },
  };
  const connection = 'kafka-test';
  return {
    name: 'kafka',
    ordering: 'per-key',
    services,
    resources: (): Record<string, NodeSpec> => ({
      [connection]: { type: 'kafka.connection', version: 1, config: { brokers: kit.brokers.join(','), zone: 'test' } },
    }),
    createChannel: (options) => kit.createTopic('conf', options?.partitions ?? 1),
    sourceNode: (channel, group) => ({ type: 'kafka.consume', version: 1, config: { connection, topics: [channel], group, start: 'earliest' } }),
    sinkNode: (channel) => ({ type: 'kafka.produce', version: 1, config: { connection, topic: channel } }),
    publish: (channel, messages) => kit.publish(channel, messages),
    readAll: (channel, count, timeoutMs) => kit.readCount(channel, count, timeoutMs),
    consume: (channel, group) => kafka.consumer(kit.connection(), { topics: [channel], group, start: 'earliest' }),
    close: () => kit.close(),
  };
}
