import type { Kafka, Message as KafkaMessage, PartitionerArgs, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { BrokerProducer, KafkaConnection, KafkaProduceOptions, OutboundMessage } from '../../../shared/node-kit/brokers';
import type { Logger } from '../../../shared/node-kit/runtime';
import { backoffDelay, sleep } from '../backoff';
import { describeError, isFatal, isRetriable, kafkaClient, setState, type KafkaClientStats, type KafkaSettings } from './client';

interface Pending {
  message: KafkaMessage;
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * An idempotent kafkajs producer (acks from all in-sync replicas, one request in flight, so the
 * broker de-duplicates kafkajs' own retries and keeps order per partition).
 *
 * Batching: every `send` made while the previous request is on its way (or in the same tick) is
 * collected and sent as one request of up to `batchSize` messages; each `send` resolves when
 * the broker confirmed its request.
 *
 * Failures: connection trouble and leader changes are retried by this class without end, with
 * jittered exponential backoff, logging the state and counting reconnects (the records simply
 * stay unconfirmed, so the source upstream pauses once its in-flight window is full: nothing is
 * dropped). A batch sent again after a lost connection may be written twice (a new request is not
 * de-duplicated against the lost one): at least once. Errors retrying cannot fix (unknown topic,
 * refused authorization, a message too large) reject the sends concerned; a batch failing that
 * way is split into single messages so one bad message cannot fail its neighbours.
 */
export class KafkaBatchProducer implements BrokerProducer {
  readonly stats: KafkaClientStats;
  private readonly kafka: Kafka;
  private readonly batchSize: number;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private queue: Pending[] = [];
  private pumping: Promise<void> | undefined;
  private scheduled = false;
  private unconfirmed = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly closeAbort = new AbortController();
  private closing: Promise<void> | undefined;
  private topicChecked = false;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: KafkaProduceOptions,
    private readonly settings: KafkaSettings,
    private readonly log: Logger,
    private readonly unregister: () => void = () => undefined,
  ) {
    if (!options.topic) throw new Error('a Kafka producer needs a topic');
    this.stats = { kind: 'producer', name: options.topic, brokers: connection.brokers, state: 'idle', reconnects: 0, sent: 0, requests: 0 };
    this.kafka = kafkaClient(connection, settings, log, `producer ${options.topic}`);
    this.batchSize = Math.max(1, options.batchSize ?? 500);
  }

  send(message: OutboundMessage): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`Kafka producer for topic "${this.options.topic}" is closed`));
    const m: KafkaMessage = { value: typeof message.value === 'string' ? message.value : Buffer.from(message.value.buffer, message.value.byteOffset, message.value.byteLength) };
    if (message.key !== undefined) m.key = message.key;
    if (message.headers) m.headers = { ...message.headers };
    if (message.partition !== undefined) m.partition = message.partition;
    this.unconfirmed++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ message: m, resolve, reject });
      if (this.queue.length >= this.batchSize) void this.pump();
      else this.schedule();
    });
  }

  /** Settles the sends of a batch (each exactly once) and wakes `flush` when none is left. */
  private settle(batch: Pending[], error?: Error): void {
    for (const p of batch) {
      if (error) p.reject(error);
      else p.resolve();
    }
    this.unconfirmed -= batch.length;
    if (this.unconfirmed === 0 && this.idleWaiters.length) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  /**
   * Resolves when every send so far is settled (confirmed, or rejected to its caller). Rejects
   * when sends are still unconfirmed after `flushTimeoutMs` (the broker stays unreachable).
   */
  async flush(): Promise<void> {
    if (this.unconfirmed === 0) return;
    void this.pump();
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.settings.flushTimeoutMs)));
    const r = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    if (r === 'timeout') {
      throw new Error(
        `Kafka producer for topic "${this.options.topic}": ${this.unconfirmed} message(s) still not confirmed after ${this.settings.flushTimeoutMs} ms (state ${this.stats.state}: ${this.stats.lastError ?? 'no error yet'})`,
      );
    }
  }

  /**
   * Waits for outstanding sends (unless the broker is unreachable right now), then releases the
   * connection; sends still unconfirmed are rejected. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // While the broker is unreachable, waiting for confirmations would only delay the stop.
      if (this.stats.state !== 'reconnecting') {
        try {
          await this.flush();
        } catch (err) {
          this.log.warn('kafka producer closing with unconfirmed messages', { topic: this.options.topic, error: describeError(err) });
        }
      }
      this.closeAbort.abort();
      await this.pumping?.catch(() => undefined);
      const left = this.queue.splice(0);
      this.settle(left, new Error(`Kafka producer for topic "${this.options.topic}" closed before the broker confirmed the message`));
      await this.disconnect();
      setState(this.stats, 'closed', this.log, { topic: this.options.topic });
      this.unregister();
    })();
    return this.closing;
  }

  private schedule(): void {
    if (this.scheduled || this.pumping) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private pump(): Promise<void> {
    this.pumping ??= this.drainQueue().finally(() => {
      this.pumping = undefined;
      if (this.queue.length && !this.closeAbort.signal.aborted) this.schedule();
    });
    return this.pumping;
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length && !this.closeAbort.signal.aborted) {
      const batch = this.queue.splice(0, this.batchSize);
      await this.sendBatch(batch);
    }
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.closeAbort.signal.aborted) {
        this.settle(batch, new Error(`Kafka producer for topic "${this.options.topic}" closed before the broker confirmed the message`));
        return;
      }
      try {
        const producer = await this.connect();
        this.stats.requests = (this.stats.requests ?? 0) + 1;
        await producer.send({ topic: this.options.topic, acks: -1, messages: batch.map((p) => p.message) });
        this.stats.sent = (this.stats.sent ?? 0) + batch.length;
        if (attempt > 0) this.log.info('kafka producer delivered after retrying', { topic: this.options.topic, attempts: attempt + 1 });
        this.settle(batch);
        return;
      } catch (err) {
        if (!isRetriable(err)) {
          if (batch.length > 1 && !isFatal(err)) {
            this.log.warn('kafka produce request refused; sending its messages one by one to find the bad one', { topic: this.options.topic, messages: batch.length, error: describeError(err) });
            for (const p of batch) await this.sendBatch([p]);
            return;
          }
          const error = new Error(`Kafka refused the message for topic "${this.options.topic}" on ${this.connection.brokers.join(',')}: ${describeError(err)}`, { cause: err });
          this.stats.lastError = describeError(err);
          this.settle(batch, error);
          return;
        }
        this.stats.reconnects++;
        this.stats.lastError = describeError(err);
        const delayMs = backoffDelay(attempt + 1, { initialMs: this.settings.backoffInitialMs, maxMs: this.settings.backoffMaxMs });
        setState(this.stats, 'reconnecting', this.log, { topic: this.options.topic });
        this.log.warn('kafka produce failed; reconnecting and sending again', {
          topic: this.options.topic,
          brokers: this.connection.brokers.join(','),
          state: 'reconnecting',
          attempt: attempt + 1,
          reconnects: this.stats.reconnects,
          waiting: batch.length + this.queue.length,
          delayMs,
          error: this.stats.lastError,
        });
        await this.disconnect();
        await sleep(delayMs, this.closeAbort.signal);
      }
    }
  }

  private connect(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<Producer> {
    setState(this.stats, this.stats.reconnects ? 'reconnecting' : 'connecting', this.log, { topic: this.options.topic });
    if (!this.topicChecked) await this.checkTopic();
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: this.options.partitioner === 'round-robin' ? roundRobin : Partitioners.DefaultPartitioner,
    });
    try {
      await producer.connect();
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
    this.producer = producer;
    setState(this.stats, 'connected', this.log, { topic: this.options.topic });
    return producer;
  }

  /** The topic must exist, or is created when the options ask for it (tests and demos). */
  private async checkTopic(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      if (!topics.includes(this.options.topic)) {
        const create = this.options.createTopic;
        if (!create) {
          throw Object.assign(new Error(`topic "${this.options.topic}" does not exist (create it first, or turn on topic creation for demos)`), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
        }
        await admin.createTopics({ topics: [{ topic: this.options.topic, numPartitions: create.partitions }], waitForLeaders: true });
        this.log.info('kafka topic created', { topic: this.options.topic, partitions: create.partitions });
      }
      this.topicChecked = true;
    } finally {
      await admin.disconnect().catch((err: unknown) => this.log.debug('kafka admin disconnect failed', { error: describeError(err) }));
    }
  }

  private async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (!producer) return;
    try {
      await producer.disconnect();
    } catch (err) {
      this.log.warn('kafka producer disconnect failed', { topic: this.options.topic, error: describeError(err) });
    }
  }
}

/** Spreads records without an explicit partition evenly, whatever their key. */
const roundRobin = () => {
  let counter = Math.floor(Math.random() * 1024);
  return ({ partitionMetadata, message }: PartitionerArgs): number => {
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    const pool = available.length ? available : partitionMetadata;
    return (pool[counter++ % pool.length] as { partitionId: number }).partitionId;
  };
};
