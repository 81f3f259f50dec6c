import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { KafkaConnection, KafkaTable } from '../../../shared/node-kit/brokers';
import type { Logger } from '../../../shared/node-kit/runtime';
import { backoffDelay, sleep } from '../backoff';
import { aborted, describeError, isFatal, kafkaClient, setState, type KafkaClientStats, type KafkaSettings } from './client';

/**
 * A (compacted) topic materialised in memory: latest value per key, a record without value
 * (tombstone) deletes its key, records without key are skipped (and counted in a warning).
 *
 * Reading: every partition from the beginning, through a consumer group of its own with a
 * unique id that never commits (so it owns every partition and leaves nothing behind but an
 * empty group the broker expires). `ready()` resolves once every partition reached the end
 * offset it had when the table opened; reading then goes on, so the table follows updates.
 *
 * Reconnect: a crashed reader is started again after a jittered exponential backoff (logged,
 * counted) and continues from the offsets it had reached, so nothing is read twice or missed.
 * A topic that does not exist, or refused credentials, rejects `ready()` instead.
 */
export class KafkaTopicTable implements KafkaTable {
  readonly stats: KafkaClientStats;
  private readonly kafka: Kafka;
  private readonly rows = new Map<string, Uint8Array>();
  /** Next offset to read, per partition. */
  private readonly positions = new Map<number, number>();
  private targets: Map<number, number> | undefined;
  private readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (e: Error) => void;
  private isReady = false;
  private readonly abort = new AbortController();
  private readonly running: Promise<void>;
  private closing: Promise<void> | undefined;
  private keyless = 0;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly topic: string,
    private readonly settings: KafkaSettings,
    private readonly log: Logger,
    private readonly unregister: () => void = () => undefined,
  ) {
    if (!topic) throw new Error('a Kafka table needs a topic');
    this.stats = { kind: 'table', name: topic, brokers: connection.brokers, state: 'idle', reconnects: 0 };
    this.kafka = kafkaClient(connection, settings, log, `table ${topic}`);
    this.readyPromise = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.readyPromise.catch(() => undefined);
    this.running = this.loop().catch((err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      this.log.error('kafka table stopped', { topic, error: error.message });
      this.rejectReady(error);
    });
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  get(key: string): Uint8Array | undefined {
    return this.rows.get(key);
  }

  size(): number {
    return this.rows.size;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort();
      await this.running;
      if (!this.isReady) this.rejectReady(new Error(`Kafka table of topic "${this.topic}" was closed before it caught up`));
      setState(this.stats, 'closed', this.log, { topic: this.topic });
      this.unregister();
    })();
    return this.closing;
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      setState(this.stats, failures ? 'reconnecting' : 'connecting', this.log, { topic: this.topic });
      let outcome: { error?: unknown; progressed: boolean };
      try {
        if (!this.targets) this.targets = await this.endOffsets();
        this.checkReady();
        outcome = await this.session(signal);
      } catch (err) {
        outcome = { error: err, progressed: false };
      }
      if (outcome.error === undefined) return;
      if (isFatal(outcome.error)) throw new Error(`Kafka table of topic "${this.topic}" on ${this.connection.brokers.join(',')}: ${describeError(outcome.error)}`);
      failures = outcome.progressed ? 1 : failures + 1;
      this.stats.reconnects++;
      this.stats.lastError = describeError(outcome.error);
      const delayMs = backoffDelay(failures, { initialMs: this.settings.backoffInitialMs, maxMs: this.settings.backoffMaxMs });
      setState(this.stats, 'reconnecting', this.log, { topic: this.topic });
      this.log.warn('kafka table reader lost its connection; reconnecting', {
        topic: this.topic,
        brokers: this.connection.brokers.join(','),
        state: 'reconnecting',
        attempt: failures,
        reconnects: this.stats.reconnects,
        delayMs,
        error: this.stats.lastError,
      });
      await sleep(delayMs, signal);
    }
  }

  /** End offsets of every partition now: the table is ready once it read up to them. */
  private async endOffsets(): Promise<Map<number, number>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      if (!topics.includes(this.topic)) {
        throw Object.assign(new Error(`topic "${this.topic}" does not exist (create it first)`), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
      }
      const offsets = await admin.fetchTopicOffsets(this.topic);
      const targets = new Map<number, number>();
      for (const o of offsets) {
        const high = Number(o.high);
        if (high > Number(o.low)) targets.set(o.partition, high);
      }
      this.log.info('kafka table opening', { topic: this.topic, partitions: offsets.length, toRead: Object.fromEntries(targets) });
      return targets;
    } finally {
      await admin.disconnect().catch((err: unknown) => this.log.debug('kafka admin disconnect failed', { error: describeError(err) }));
    }
  }

  private checkReady(): void {
    if (this.isReady || !this.targets) return;
    for (const [partition, high] of this.targets) if ((this.positions.get(partition) ?? 0) < high) return;
    this.isReady = true;
    this.log.info('kafka table caught up', { topic: this.topic, keys: this.rows.size });
    this.resolveReady();
  }

  private async session(signal: AbortSignal): Promise<{ error?: unknown; progressed: boolean }> {
    const consumer: Consumer = this.kafka.consumer({
      groupId: `sluice-table-${this.topic}-${randomUUID()}`,
      sessionTimeout: this.settings.sessionTimeoutMs,
      heartbeatInterval: this.settings.heartbeatIntervalMs,
      rebalanceTimeout: this.settings.rebalanceTimeoutMs,
      maxWaitTimeInMs: this.settings.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      retry: { restartOnFailure: async () => false },
    });
    let progressed = false;
    let crash!: (e: unknown) => void;
    const crashed = new Promise<unknown>((resolve) => (crash = resolve));
    const off = [
      consumer.on(consumer.events.CRASH, (e) => crash(e.payload.error)),
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        setState(this.stats, 'connected', this.log, { topic: this.topic });
        for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) {
          for (const partition of partitions) {
            const at = this.positions.get(partition);
            if (at !== undefined) consumer.seek({ topic, partition, offset: String(at) });
          }
        }
      }),
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        const next = Number(e.payload.lastOffset) + 1;
        if (next > (this.positions.get(e.payload.partition) ?? 0)) this.positions.set(e.payload.partition, next);
        progressed = true;
        this.checkReady();
      }),
    ];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: async (p) => this.apply(p) });
      const error = await Promise.race([crashed, aborted(signal).then(() => undefined)]);
      if (signal.aborted) return { progressed };
      return { error: error ?? new Error('the table reader stopped'), progressed };
    } catch (err) {
      return { error: err, progressed };
    } finally {
      for (const o of off) o();
      await consumer.disconnect().catch((err: unknown) => this.log.debug('kafka table disconnect failed', { error: describeError(err) }));
    }
  }

  private async apply(p: EachBatchPayload): Promise<void> {
    for (const m of p.batch.messages) {
      if (m.key == null) {
        if (this.keyless++ % 1000 === 0) this.log.warn('kafka table skips records without a key', { topic: this.topic, skipped: this.keyless });
        continue;
      }
      const key = m.key.toString('utf8');
      if (m.value == null) this.rows.delete(key);
      // A copy: the record's bytes are a view into the whole fetch response, which must not stay alive.
      else this.rows.set(key, new Uint8Array(m.value));
    }
  }
}
