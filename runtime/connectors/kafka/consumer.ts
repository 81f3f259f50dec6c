import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { BrokerConsumer, Delivery, KafkaConnection, KafkaConsumeOptions } from '../../../shared/node-kit/brokers';
import type { Logger } from '../../../shared/node-kit/runtime';
import { backoffDelay, sleep } from '../backoff';
import {
  aborted,
  describeError,
  headerText,
  isFatal,
  isRebalancing,
  kafkaClient,
  setState,
  type KafkaClientStats,
  type KafkaSettings,
} from './client';
import { PartitionTracker } from './offsets';

/**
 * A Kafka consumer-group member on kafkajs, handing records over one by one in offset order per
 * partition and committing only what the flow has settled.
 *
 * Commit rule: per partition, the committed offset is one past the last CONTIGUOUS acknowledged
 * offset (see PartitionTracker). Commits happen every `commitIntervalMs`, before a rejoin that
 * this consumer noticed, and on stop. kafkajs' own auto-commit and auto-resolve are off;
 * `resolveOffset` is only used to move the fetch position.
 *
 * Backpressure: `onDelivery`'s promise is awaited before the next record is handed over, and at
 * most `maxInFlight` deliveries may be unsettled; while waiting the consumer heartbeats itself
 * and fetches nothing more (kafkajs fetches again only when the batch handler returns). The same
 * number bounds the records handed over whose commit the broker has not confirmed (what a crash
 * delivers again): at that bound a partition pauses until a commit (made at once) catches up,
 * and commits are made whenever half of it is reached, besides every `commitIntervalMs`.
 *
 * Nack: the record is marked for redelivery and its partition is rewound (seek) to the first
 * nacked offset. Records after it that are acknowledged or still in the flow are not handed over
 * a second time; only nacked ones are.
 *
 * Rebalances (kafkajs has no revoke callback, and its group protocol is eager: every partition
 * is given up on each rebalance):
 * - noticed by our own heartbeat inside the batch handler (the usual case under load): stop
 *   handing over, wait up to `drainTimeoutMs` for unsettled deliveries, commit, then let kafkajs
 *   rejoin (the coordinator accepts commits of the old generation while it prepares the
 *   rebalance);
 * - noticed by kafkajs between batches (idle consumer): it rejoins at once; nothing was in the
 *   handler, but deliveries still in the flow are not drained first.
 * - after the rejoin (GROUP_JOIN), partitions this member keeps (same member id, so nobody else
 *   owned them meanwhile) keep their bookkeeping and resume where they were; partitions it lost
 *   are forgotten: their late settlements are ignored and the new owner reads from the last
 *   committed offset, so unsettled records are delivered again there (at least once).
 *
 * Reconnect: kafkajs' own restart is turned off; on a consumer crash this class logs the
 * error with the connection state, counts a reconnect, waits a jittered exponential backoff
 * (capped by `backoffMaxMs`) and starts a new group member. Bookkeeping of the crashed member is
 * dropped (its unsettled records are delivered again). Refused credentials or authorization,
 * unknown topics and invalid patterns reject `run` instead.
 */
export class KafkaGroupConsumer implements BrokerConsumer {
  readonly stats: KafkaClientStats;
  private readonly kafka: Kafka;
  private readonly maxInFlight: number;
  private readonly pattern: RegExp | undefined;
  private readonly names: string[];
  private readonly trackers = new Map<string, PartitionTracker>();
  private inFlight = 0;
  /** Records handed over whose commit is not confirmed, over all partitions (a crash delivers them again). */
  private uncommitted = 0;
  private readonly maxUncommitted: number;
  private readonly commitAt: number;
  private queuedCommit: Promise<void> | undefined;
  private readonly limitPaused = new Map<string, { topic: string; partition: number }>();
  /** Counts seeks made, so the batch handler knows when to ask kafkajs whether its batch is stale. */
  private seeks = 0;
  private waiters: Array<() => void> = [];
  private batches = 0;
  private batchWaiters: Array<() => void> = [];
  private consumer: Consumer | undefined;
  private subscribed: string[] = [];
  private admin: Admin | undefined;
  private stopping = false;
  private draining = false;
  private stopAbort = new AbortController();
  private stopped: Promise<void> = aborted(this.stopAbort.signal);
  private memberId: string | undefined;
  private commitChain: Promise<void> = Promise.resolve();
  private running: Promise<void> | undefined;
  private readonly closeAbort = new AbortController();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: KafkaConsumeOptions,
    private readonly settings: KafkaSettings,
    private readonly log: Logger,
    private readonly unregister: () => void = () => undefined,
  ) {
    this.stats = { kind: 'consumer', name: options.group, brokers: connection.brokers, state: 'idle', reconnects: 0, commits: 0, rebalances: 0, nacks: 0 };
    this.kafka = kafkaClient(connection, settings, log, `consumer ${options.group}`);
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1000);
    this.maxUncommitted = this.maxInFlight;
    this.commitAt = Math.max(1, Math.floor(this.maxUncommitted / 2));
    const parsed = parseTopics(options.topics);
    this.pattern = parsed.pattern;
    this.names = parsed.names;
    if (!options.group) throw new Error('a Kafka consumer needs a consumer group');
  }

  /** Deliveries handed over and not yet settled. */
  get unsettled(): number {
    return this.inFlight;
  }

  run(onDelivery: (d: Delivery) => void | Promise<void>, signal: AbortSignal): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`Kafka consumer of group "${this.options.group}" is closed`));
    if (this.running) return Promise.reject(new Error(`Kafka consumer of group "${this.options.group}" is already running`));
    this.running = this.loop(onDelivery, AbortSignal.any([signal, this.closeAbort.signal])).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closeAbort.abort();
      await this.running?.catch(() => undefined);
      await this.dropAdmin();
      setState(this.stats, 'closed', this.log);
      this.unregister();
    })();
    return this.closing;
  }

  private async loop(onDelivery: (d: Delivery) => void | Promise<void>, signal: AbortSignal): Promise<void> {
    let failures = 0;
    const fields = { group: this.options.group, brokers: this.connection.brokers.join(',') };
    try {
      while (!signal.aborted) {
        setState(this.stats, failures ? 'reconnecting' : 'connecting', this.log, fields);
        let topics: string[] | undefined;
        try {
          topics = await this.resolveTopics(signal);
        } catch (err) {
          if (err instanceof KafkaConfigError || isFatal(err)) throw configError(err, this.connection, this.options.group);
          await this.dropAdmin();
          await this.backoff(++failures, err, signal);
          continue;
        }
        if (!topics) break;
        const outcome = await this.session(topics, onDelivery, signal);
        if (outcome.kind === 'stopped') break;
        if (outcome.kind === 'resubscribe') {
          this.log.info('kafka pattern subscription changed; rejoining the group with the new topics', { ...fields, topics: outcome.topics });
          failures = 0;
          continue;
        }
        if (isFatal(outcome.error)) throw configError(outcome.error, this.connection, this.options.group);
        if (outcome.kind === 'restart' || outcome.joined) failures = 0;
        await this.backoff(++failures, outcome.error, signal);
      }
    } finally {
      this.revokeAll('the consumer stopped');
      await this.dropAdmin();
      setState(this.stats, 'idle', this.log, fields);
    }
  }

  private async backoff(failures: number, err: unknown, signal: AbortSignal): Promise<void> {
    this.stats.reconnects++;
    this.stats.lastError = describeError(err);
    const delayMs = backoffDelay(failures, { initialMs: this.settings.backoffInitialMs, maxMs: this.settings.backoffMaxMs });
    setState(this.stats, 'reconnecting', this.log, { group: this.options.group });
    this.log.warn('kafka consumer lost its connection; reconnecting', {
      group: this.options.group,
      brokers: this.connection.brokers.join(','),
      state: 'reconnecting',
      attempt: failures,
      reconnects: this.stats.reconnects,
      delayMs,
      error: this.stats.lastError,
    });
    await sleep(delayMs, signal);
  }

  /** The topics to subscribe: the names (all must exist), or those matching the pattern now. */
  private async resolveTopics(signal: AbortSignal): Promise<string[] | undefined> {
    const admin = await this.getAdmin();
    let all = await admin.listTopics();
    if (!this.pattern) {
      const missing = this.names.filter((t) => !all.includes(t));
      if (missing.length) {
        throw new KafkaConfigError(
          `topic${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist (create ${missing.length > 1 ? 'them' : 'it'} first; consumers never create topics)`,
        );
      }
      return [...this.names];
    }
    for (;;) {
      const matching = this.matching(all);
      if (matching.length) return matching;
      this.log.info('no Kafka topic matches the pattern yet; looking again later', { group: this.options.group, pattern: this.pattern.source, everyMs: this.settings.patternRefreshMs });
      await sleep(this.settings.patternRefreshMs, signal);
      if (signal.aborted) return undefined;
      all = await admin.listTopics();
    }
  }

  private matching(all: string[]): string[] {
    const re = this.pattern as RegExp;
    return all.filter((t) => !t.startsWith('__') && re.test(t)).sort();
  }

  private async getAdmin(): Promise<Admin> {
    if (this.admin) return this.admin;
    const admin = this.kafka.admin();
    await admin.connect();
    this.admin = admin;
    return admin;
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch((err: unknown) => this.log.debug('kafka admin disconnect failed', { error: describeError(err) }));
  }

  private async session(topics: string[], onDelivery: (d: Delivery) => void | Promise<void>, signal: AbortSignal): Promise<SessionOutcome> {
    const s = this.settings;
    const group = this.options.group;
    const consumer = this.kafka.consumer({
      groupId: group,
      sessionTimeout: s.sessionTimeoutMs,
      heartbeatInterval: s.heartbeatIntervalMs,
      rebalanceTimeout: s.rebalanceTimeoutMs,
      maxWaitTimeInMs: s.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      retry: { restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    this.subscribed = topics;
    this.stopping = false;
    this.draining = false;
    this.limitPaused.clear();
    this.stopAbort = new AbortController();
    this.stopped = aborted(this.stopAbort.signal);
    let joined = false;
    let end!: (o: SessionOutcome) => void;
    const ended = new Promise<SessionOutcome>((resolve) => (end = resolve));
    const off = [
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        joined = true;
        this.onJoin(consumer, e.payload.memberId, e.payload.memberAssignment, end);
      }),
      consumer.on(consumer.events.CRASH, (e) => end({ kind: 'crashed', error: e.payload.error, joined })),
      consumer.on(consumer.events.REBALANCING, () => {
        // kafkajs noticed the rebalance itself and is about to rejoin: commit what is settled now.
        // The request goes out ahead of the JoinGroup on the same coordinator connection, and the
        // coordinator accepts commits of the old generation until the rebalance completes.
        this.stats.rebalances = (this.stats.rebalances ?? 0) + 1;
        this.log.info('kafka group is rebalancing', { group, memberId: this.memberId, unsettled: this.inFlight });
        void this.commit('rebalance');
      }),
      consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
        this.stats.commits = (this.stats.commits ?? 0) + 1;
        for (const t of e.payload.topics) {
          for (const p of t.partitions) {
            const tracker = this.trackers.get(key(t.topic, p.partition));
            if (tracker && !tracker.revoked) this.uncommitted -= tracker.committed(Number(String(p.offset)));
          }
        }
        this.wake();
      }),
    ];
    const timers: NodeJS.Timeout[] = [];
    try {
      try {
        await consumer.connect();
        await consumer.subscribe({ topics, fromBeginning: this.options.start === 'earliest' });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: (payload) => this.eachBatch(payload, onDelivery),
        });
      } catch (err) {
        await consumer.disconnect().catch(() => undefined);
        return { kind: 'crashed', error: err, joined };
      }
      timers.push(setInterval(() => void this.commit('interval'), s.commitIntervalMs));
      if (this.pattern) timers.push(setInterval(() => void this.checkPattern(end), s.patternRefreshMs));
      const outcome = await Promise.race([ended, aborted(signal).then((): SessionOutcome => ({ kind: 'stopped' }))]);
      for (const t of timers) clearInterval(t);
      if (outcome.kind === 'crashed') {
        this.log.warn('kafka consumer crashed', { group, error: describeError(outcome.error), unsettled: this.inFlight });
        this.revokeAll('the consumer crashed');
      } else {
        await this.stopSession(consumer, outcome.kind === 'restart' ? 'restart' : outcome.kind === 'resubscribe' ? 'resubscribe' : 'stop');
      }
      return outcome;
    } finally {
      for (const t of timers) clearInterval(t);
      for (const o of off) o();
      this.consumer = undefined;
    }
  }

  /** Graceful end of a member: stop handing over, drain (bounded), commit, leave the group. */
  private async stopSession(consumer: Consumer, why: string): Promise<void> {
    setState(this.stats, 'stopping', this.log, { group: this.options.group, why });
    this.stopping = true;
    this.stopAbort.abort();
    this.wake();
    try {
      consumer.pause(this.subscribed.map((topic) => ({ topic })));
    } catch (err) {
      this.log.debug('kafka pause on stop failed', { error: describeError(err) });
    }
    while (this.batches > 0) await new Promise<void>((resolve) => this.batchWaiters.push(resolve));
    const left = await this.waitSettled(this.settings.stopDrainTimeoutMs);
    if (left > 0) {
      this.log.warn('kafka consumer stopping with unsettled deliveries; their offsets stay uncommitted and they will be delivered again', {
        group: this.options.group,
        unsettled: left,
        waitedMs: this.settings.stopDrainTimeoutMs,
      });
    }
    await this.commit(why);
    try {
      await consumer.disconnect();
    } catch (err) {
      this.log.warn('kafka consumer disconnect failed', { group: this.options.group, error: describeError(err) });
    }
    this.revokeAll(`the consumer left the group (${why})`);
  }

  private async checkPattern(end: (o: SessionOutcome) => void): Promise<void> {
    try {
      const admin = await this.getAdmin();
      const now = this.matching(await admin.listTopics());
      if (now.length && now.join('\n') !== this.subscribed.join('\n')) end({ kind: 'resubscribe', topics: now });
    } catch (err) {
      await this.dropAdmin();
      this.log.warn('kafka pattern refresh failed; trying again later', { group: this.options.group, error: describeError(err) });
    }
  }

  private onJoin(consumer: Consumer, memberId: string, assignment: Record<string, number[]>, end: (o: SessionOutcome) => void): void {
    const sameMember = memberId === this.memberId;
    this.memberId = memberId;
    this.draining = false;
    const assigned = new Set<string>();
    for (const [topic, partitions] of Object.entries(assignment)) for (const p of partitions) assigned.add(key(topic, p));
    for (const [k, t] of this.trackers) {
      if (sameMember && assigned.has(k)) continue;
      this.revoke(k, t, 'the partition was assigned to another member');
    }
    const fresh: Array<{ topic: string; partition: number }> = [];
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const t = this.trackers.get(key(topic, partition));
        const at = t?.resumeAt();
        if (t && at !== undefined) {
          consumer.seek({ topic, partition, offset: String(at) });
          this.seeks++;
        }
        else if (!t) fresh.push({ topic, partition });
      }
    }
    setState(this.stats, 'connected', this.log, { group: this.options.group, memberId });
    this.log.info('kafka partitions assigned', { group: this.options.group, memberId, assignment, kept: sameMember ? this.trackers.size : 0 });
    const start = this.options.start;
    if (typeof start === 'object' && fresh.length) {
      const byTopic = groupByTopic(fresh);
      consumer.pause(byTopic);
      void this.startAtTimestamp(consumer, byTopic, start.timestamp).catch((err: unknown) => {
        this.log.error('kafka consumer could not find the start offsets for the timestamp; restarting the member', {
          group: this.options.group,
          timestamp: new Date(start.timestamp).toISOString(),
          error: describeError(err),
        });
        end({ kind: 'restart', error: err });
      });
    }
  }

  /**
   * For partitions the group has no committed offset for: seek to the first offset at or after
   * the timestamp (the end, when every record is older). They stay paused until then.
   */
  private async startAtTimestamp(consumer: Consumer, partitions: Array<{ topic: string; partitions: number[] }>, timestamp: number): Promise<void> {
    const admin = await this.getAdmin();
    const committed = await admin.fetchOffsets({ groupId: this.options.group, topics: partitions.map((p) => p.topic) });
    for (const { topic, partitions: wanted } of partitions) {
      const known = committed.find((c) => c.topic === topic)?.partitions ?? [];
      const without = wanted.filter((p) => {
        const c = known.find((k) => k.partition === p);
        return !c || Number(c.offset) < 0;
      });
      if (!without.length) continue;
      const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, timestamp);
      for (const partition of without) {
        const hit = byTime.find((o) => o.partition === partition);
        if (!hit) continue;
        consumer.seek({ topic, partition, offset: hit.offset });
        this.seeks++;
        this.log.info('kafka consumer starts at a timestamp', { group: this.options.group, topic, partition, offset: hit.offset, timestamp: new Date(timestamp).toISOString() });
      }
    }
    if (!this.stopping) consumer.resume(partitions);
  }

  private async eachBatch(p: EachBatchPayload, onDelivery: (d: Delivery) => void | Promise<void>): Promise<void> {
    this.batches++;
    try {
      const { batch } = p;
      const tracker = this.tracker(batch.topic, batch.partition);
      // Seeks come only from this class (nack, rejoin): isStale() needs asking again only after one.
      let epoch = this.seeks;
      let stale = p.isStale();
      const halted = () => {
        if (epoch !== this.seeks) {
          epoch = this.seeks;
          stale = p.isStale();
        }
        return stale || this.stopping || this.draining || tracker.revoked || !p.isRunning();
      };
      let lastBeat = Date.now();
      for (const m of batch.messages) {
        // Heartbeat from here too (kafkajs sends one at most every heartbeatInterval): a rebalance
        // noticed inside the batch handler can be drained before the rejoin.
        if (Date.now() - lastBeat >= HEARTBEAT_CHECK_MS) {
          lastBeat = Date.now();
          await p.heartbeat();
        }
        if (halted()) return;
        const offset = Number(m.offset);
        const kind = tracker.classify(offset);
        if (kind === 'skip') {
          p.resolveOffset(m.offset);
          continue;
        }
        // Records read past the confirmed commit are bounded (a crash delivers them again). At the
        // bound, wait here for commits to catch up; but when another partition has a nacked record
        // to deliver again (which may be what holds the commit back), pause this partition and
        // return, so kafkajs can hand that one over meanwhile.
        while (kind === 'new' && this.uncommitted >= this.maxUncommitted && !halted()) {
          void this.commit('limit');
          if (this.redeliveryElsewhere(tracker)) {
            this.pauseAtLimit(batch.topic, batch.partition);
            return;
          }
          await this.waitWithHeartbeat(this.room(), p.heartbeat);
        }
        while (!halted() && this.inFlight >= this.maxInFlight) await this.waitWithHeartbeat(this.room(), p.heartbeat);
        if (halted()) return;
        const attempt = tracker.handOver(offset);
        if (attempt === 1 && ++this.uncommitted >= this.commitAt) void this.commit('threshold');
        this.inFlight++;
        p.resolveOffset(m.offset);
        const delivery = this.delivery(tracker, m, offset, attempt);
        let pending: void | Promise<void>;
        try {
          pending = onDelivery(delivery);
        } catch (err) {
          delivery.settle.nack(err as Error);
          throw err;
        }
        if (pending) {
          await this.waitWithHeartbeat(
            pending.catch((err: unknown) => {
              delivery.settle.nack(err as Error);
              throw err;
            }),
            p.heartbeat,
          );
        }
      }
    } catch (err) {
      if (isRebalancing(err)) await this.drainForRebalance();
      throw err;
    } finally {
      this.batches--;
      if (this.batches === 0) {
        const w = this.batchWaiters;
        this.batchWaiters = [];
        for (const f of w) f();
      }
    }
  }

  /** Waits for `done`, heartbeating about every second; returns early when the member stops. */
  private async waitWithHeartbeat(done: Promise<unknown>, heartbeat: () => Promise<void>): Promise<void> {
    let finished = false;
    let failure: { error: unknown } | undefined;
    const watched = done.then(
      () => {
        finished = true;
      },
      (error: unknown) => {
        finished = true;
        failure = { error };
      },
    );
    while (!finished && !this.stopping) {
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)));
      await Promise.race([watched, tick, this.stopped]);
      clearTimeout(timer);
      if (!finished && !this.stopping) await heartbeat();
    }
    if (failure) throw failure.error;
  }

  /** Our heartbeat saw a rebalance: stop handing over, drain (bounded), commit the old generation. */
  private async drainForRebalance(): Promise<void> {
    this.draining = true;
    this.wake();
    const before = this.inFlight;
    const left = await this.waitSettled(this.settings.drainTimeoutMs);
    this.log.info('kafka rebalance: drained and committing before rejoining', { group: this.options.group, unsettledBefore: before, unsettledAfter: left });
    await this.commit('rebalance');
  }

  private tracker(topic: string, partition: number): PartitionTracker {
    const k = key(topic, partition);
    let t = this.trackers.get(k);
    if (!t) {
      t = new PartitionTracker(topic, partition);
      this.trackers.set(k, t);
    }
    return t;
  }

  private revoke(k: string, t: PartitionTracker, why: string): void {
    t.revoked = true;
    this.trackers.delete(k);
    this.uncommitted -= t.uncommitted;
    this.wake();
    const open = t.unsettled;
    if (open) {
      this.log.info('kafka partition given up with unsettled deliveries; they will be delivered again from the last commit', {
        group: this.options.group,
        topic: t.topic,
        partition: t.partition,
        unsettled: open,
        committed: t.lastCommitted,
        why,
      });
    }
  }

  private revokeAll(why: string): void {
    for (const [k, t] of this.trackers) this.revoke(k, t, why);
    this.memberId = undefined;
  }

  private delivery(t: PartitionTracker, m: KafkaMessage, offset: number, attempt: number): Delivery {
    const headers: Record<string, string> = {};
    if (m.headers) {
      for (const name in m.headers) {
        const text = headerText(m.headers[name]);
        if (text !== undefined) headers[name] = text;
      }
    }
    return {
      key: m.key == null ? null : m.key.toString('utf8'),
      value: m.value ?? EMPTY,
      headers,
      meta: { topic: t.topic, partition: t.partition, offset: m.offset, timestamp: Number(m.timestamp), deliveries: attempt },
      settle: new DeliverySettle(this, t, offset),
    };
  }

  /** Called once per delivery by DeliverySettle. */
  settled(t: PartitionTracker, offset: number, ok: boolean, error?: Error): void {
    this.inFlight--;
    if (!t.revoked) {
      if (ok) {
        // At the uncommitted bound, commit as soon as something settles, not at the next tick.
        if (t.ack(offset) && this.limitPaused.size) void this.commit('limit');
      } else if (t.nack(offset)) {
        this.stats.nacks = (this.stats.nacks ?? 0) + 1;
        this.log.debug('kafka delivery nacked; rewinding the partition', { topic: t.topic, partition: t.partition, offset, error: error?.message });
        if (!this.stopping && !this.draining) this.rewind(t);
      }
    }
    this.wake();
  }

  settledTwice(t: PartitionTracker, offset: number): void {
    this.log.warn('kafka delivery settled twice; the second call is ignored', { topic: t.topic, partition: t.partition, offset });
  }

  private rewind(t: PartitionTracker): void {
    const to = t.firstNacked();
    if (to === undefined || !this.consumer) return;
    try {
      this.consumer.seek({ topic: t.topic, partition: t.partition, offset: String(to) });
      this.seeks++;
    } catch (err) {
      this.log.warn('kafka rewind after a nack failed; the record is delivered again after the next rejoin', { topic: t.topic, partition: t.partition, offset: to, error: describeError(err) });
    }
  }

  /** Commits every partition whose committable offset moved; failures are logged and retried next time. */
  private commit(reason: string): Promise<void> {
    if (this.queuedCommit) return this.queuedCommit;
    const run = async () => {
      this.queuedCommit = undefined;
      const consumer = this.consumer;
      if (!consumer) return;
      const offsets: Array<{ topic: string; partition: number; offset: string }> = [];
      for (const t of this.trackers.values()) {
        const c = t.revoked ? undefined : t.pendingCommit();
        if (c !== undefined) offsets.push({ topic: t.topic, partition: t.partition, offset: String(c) });
      }
      if (!offsets.length) return;
      try {
        await consumer.commitOffsets(offsets);
        this.log.debug('kafka offsets committed', { group: this.options.group, reason, offsets });
      } catch (err) {
        this.log.warn('kafka offset commit failed; the next commit tries again', { group: this.options.group, reason, error: describeError(err) });
      }
    };
    this.queuedCommit = this.commitChain.then(run);
    this.commitChain = this.queuedCommit;
    return this.queuedCommit;
  }

  private room(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private redeliveryElsewhere(current: PartitionTracker): boolean {
    for (const t of this.trackers.values()) if (t !== current && t.firstNacked() !== undefined) return true;
    return false;
  }

  /** Pauses fetching a partition until the uncommitted records drop below the bound (see `wake`). */
  private pauseAtLimit(topic: string, partition: number): void {
    const k = key(topic, partition);
    if (this.limitPaused.has(k) || !this.consumer) return;
    this.limitPaused.set(k, { topic, partition });
    this.log.debug('kafka partition paused: uncommitted records at the bound', { topic, partition, uncommitted: this.uncommitted, unsettled: this.inFlight });
    try {
      this.consumer.pause([{ topic, partitions: [partition] }]);
    } catch (err) {
      this.log.debug('kafka pause at the uncommitted bound failed', { topic, partition, error: describeError(err) });
    }
  }

  private wake(): void {
    if (this.limitPaused.size && this.uncommitted < this.maxUncommitted && !this.stopping && this.consumer) {
      const byTopic = groupByTopic([...this.limitPaused.values()]);
      this.limitPaused.clear();
      this.log.debug('kafka partitions resumed: commits caught up', { partitions: byTopic, uncommitted: this.uncommitted });
      try {
        this.consumer.resume(byTopic);
      } catch (err) {
        this.log.debug('kafka resume after the uncommitted bound failed', { error: describeError(err) });
      }
    }
    if (!this.waiters.length) return;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until nothing is unsettled or `ms` passed; returns how many are still unsettled. */
  private async waitSettled(ms: number): Promise<number> {
    const deadline = Date.now() + ms;
    while (this.inFlight > 0) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.room(), new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
    return this.inFlight;
  }
}

/** A delivery's settle functions, as methods (no closures per record on the hot path). */
class DeliverySettle {
  private done = false;

  constructor(
    private readonly owner: KafkaGroupConsumer,
    private readonly tracker: PartitionTracker,
    private readonly offset: number,
  ) {}

  ack(): void {
    if (this.done) return this.owner.settledTwice(this.tracker, this.offset);
    this.done = true;
    this.owner.settled(this.tracker, this.offset, true);
  }

  nack(error: Error): void {
    if (this.done) return this.owner.settledTwice(this.tracker, this.offset);
    this.done = true;
    this.owner.settled(this.tracker, this.offset, false, error);
  }
}

type SessionOutcome =
  | { kind: 'stopped' }
  | { kind: 'resubscribe'; topics: string[] }
  | { kind: 'restart'; error: unknown }
  | { kind: 'crashed'; error: unknown; joined: boolean };

const EMPTY = new Uint8Array(0);
const HEARTBEAT_CHECK_MS = 250;

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

function groupByTopic(list: Array<{ topic: string; partition: number }>): Array<{ topic: string; partitions: number[] }> {
  const map = new Map<string, number[]>();
  for (const { topic, partition } of list) map.set(topic, [...(map.get(topic) ?? []), partition]);
  return [...map].map(([topic, partitions]) => ({ topic, partitions }));
}

/** A configuration problem retrying cannot fix; `run` rejects with it. */
export class KafkaConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaConfigError';
  }
}

function configError(err: unknown, connection: KafkaConnection, group: string): Error {
  return new KafkaConfigError(`Kafka consumer of group "${group}" on ${connection.brokers.join(',')}: ${describeError(err)}`);
}

/**
 * Topic names, or one `/regex/` pattern. Patterns match whole topic names (like Kafka's own
 * pattern subscriptions); internal topics (`__…`) never match.
 */
export function parseTopics(topics: string[]): { names: string[]; pattern?: RegExp } {
  if (!topics.length) throw new KafkaConfigError('name at least one topic, or one /pattern/');
  const patterns = topics.filter((t) => /^\/.+\/[a-z]*$/.test(t));
  if (!patterns.length) {
    const bad = topics.find((t) => !/^[A-Za-z0-9._-]{1,249}$/.test(t));
    if (bad !== undefined) throw new KafkaConfigError(`"${bad}" is not a valid topic name (letters, digits, ".", "_" and "-", at most 249)`);
    return { names: [...new Set(topics)] };
  }
  if (topics.length > 1) throw new KafkaConfigError('a /pattern/ must be the only entry in the topic list');
  const m = /^\/(.+)\/([a-z]*)$/.exec(topics[0] as string) as RegExpExecArray;
  const flags = (m[2] ?? '').replace(/[gy]/g, '');
  try {
    return { names: [], pattern: new RegExp(`^(?:${m[1]})$`, flags) };
  } catch (err) {
    throw new KafkaConfigError(`the topic pattern ${topics[0]} is not a valid regular expression: ${(err as Error).message}`);
  }
}
