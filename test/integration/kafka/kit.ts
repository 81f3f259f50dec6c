import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import type { BrokerMessage, OutboundMessage } from '../../../shared/node-kit/brokers';
import type { Logger } from '../../../shared/node-kit/runtime';
import { createKafkaService, type KafkaService, type KafkaSettings } from '../../../runtime/connectors/kafka';
import { testEnv, uniqueName } from '../env';
import { memoryLogger, text } from '../kit';

/**
 * What the Kafka integration tests share: the test broker, topic creation, publishing and
 * reading back with plain kafkajs (independent of the connector under test). The logger,
 * `until` and payload helpers are in ../kit.ts.
 */

/** Connector settings that keep tests short: fast commits, fast pattern refresh, short drains. */
export const TEST_SETTINGS: Partial<KafkaSettings> = {
  commitIntervalMs: 200,
  patternRefreshMs: 500,
  maxWaitTimeMs: 200,
  stopDrainTimeoutMs: 2_000,
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 1_000,
};

export class KafkaKit {
  readonly brokers: string[];
  readonly kafka: Kafka;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private topics: string[] = [];

  constructor() {
    this.brokers = testEnv().kafka.brokers;
    this.kafka = new Kafka({ brokers: this.brokers, clientId: 'sluice-test-kit', logLevel: logLevel.NOTHING });
  }

  connection() {
    return { brokers: this.brokers, clientId: 'sluice-test' };
  }

  /** A connector service with test settings. */
  service(settings: Partial<KafkaSettings> = {}, log: Logger = memoryLogger()): KafkaService {
    return createKafkaService(log, { ...TEST_SETTINGS, ...settings });
  }

  async adminClient(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }

  async createTopic(prefix: string, partitions = 1, name = uniqueName(prefix), config: Array<{ name: string; value: string }> = []): Promise<string> {
    const admin = await this.adminClient();
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, configEntries: config }], waitForLeaders: true });
    this.topics.push(name);
    return name;
  }

  async publish(topic: string, messages: Array<OutboundMessage & { timestamp?: number; tombstone?: boolean }>): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    await this.producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({
        key: m.key ?? null,
        value: m.tombstone ? null : typeof m.value === 'string' ? m.value : Buffer.from(m.value),
        ...(m.headers ? { headers: m.headers } : {}),
        ...(m.partition !== undefined ? { partition: m.partition } : {}),
        ...(m.timestamp !== undefined ? { timestamp: String(m.timestamp) } : {}),
      })),
    });
  }

  /** Everything in `topic` up to its end offsets now, in offset order per partition. */
  async readToEnd(topic: string, timeoutMs = 30_000): Promise<BrokerMessage[]> {
    const admin = await this.adminClient();
    const ends = new Map((await admin.fetchTopicOffsets(topic)).filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]));
    return this.read(topic, (_got, pos) => [...ends].every(([p, high]) => (pos.get(p) ?? 0) >= high), `the end of ${topic}`, timeoutMs);
  }

  /** Reads `topic` from the beginning until `count` messages arrived (rejects with what it got after `timeoutMs`). */
  async readCount(topic: string, count: number, timeoutMs = 30_000): Promise<BrokerMessage[]> {
    return this.read(topic, (got) => got.length >= count, `${count} messages in ${topic}`, timeoutMs);
  }

  private async read(topic: string, done: (got: BrokerMessage[], positions: Map<number, number>) => boolean, what: string, timeoutMs: number): Promise<BrokerMessage[]> {
    const got: BrokerMessage[] = [];
    const positions = new Map<number, number>();
    if (done(got, positions)) return got;
    const consumer = this.kafka.consumer({ groupId: uniqueName('kit-reader'), maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let finish!: () => void;
      const finished = new Promise<void>((r) => (finish = r));
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[v.length - 1]) : v.toString();
          got.push({
            key: message.key?.toString() ?? null,
            value: message.value ? new Uint8Array(message.value) : new Uint8Array(0),
            headers,
            meta: { topic, partition, offset: message.offset, timestamp: Number(message.timestamp) },
          });
          positions.set(partition, Number(message.offset) + 1);
          if (done(got, positions)) finish();
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
      const r = await Promise.race([finished, timeout]);
      clearTimeout(timer);
      if (r === 'timeout') {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${got.length}: ${got.map((m) => `${m.meta.partition}@${m.meta.offset} ${text(m.value)}`).join(' | ')}`);
      }
      return got;
    } finally {
      await consumer.disconnect();
    }
  }

  /** The group's committed offset per partition (-1: none). */
  async committed(group: string, topic: string): Promise<Record<number, number>> {
    const admin = await this.adminClient();
    const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Object.fromEntries((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    if (this.admin && this.topics.length) await this.admin.deleteTopics({ topics: this.topics }).catch(() => undefined);
    await this.admin?.disconnect();
  }
}
