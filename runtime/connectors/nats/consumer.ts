import { AckPolicy, DeliverPolicy, JetStreamApiError, type ConsumerInfo, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos, type Msg, type MsgHdrs, type Subscription } from '@nats-io/transport-node';
import type { BrokerConsumer, Delivery, NatsConnection, NatsConsumeOptions } from '../../../shared/node-kit/brokers';
import type { Logger } from '../../../shared/node-kit/runtime';
import { jitteredBackoff, sleep } from '../backoff';
import { NatsConfigError, serversLabel, type Lease, type Live, type NatsConnections } from './connections';

/** Defaults of NatsConsumeOptions the node may leave out. */
export const CONSUME_DEFAULTS = { maxDeliver: 5, nakDelayMs: 1_000, ackWaitMs: 30_000, maxInFlight: 1_000 } as const;
/** Messages one pull request asks for at most (the client keeps at most this many buffered). */
const PULL_BATCH = 200;
/** Core mode: messages buffered while the flow is busy before new ones are dropped (and counted). */
const CORE_BUFFER_MIN = 1_024;

const API_NOT_FOUND = { stream: 10059, consumer: 10014 } as const;

type OnDelivery = (d: Delivery) => void | Promise<void>;

/** An error thrown by `onDelivery` (the node's code), which ends `run` rather than restarting the consumer. */
class DeliveryFailure {
  constructor(readonly error: unknown) {}
}

async function hand(onDelivery: OnDelivery, d: Delivery): Promise<void> {
  try {
    const pending = onDelivery(d);
    if (pending) await pending;
  } catch (err) {
    throw new DeliveryFailure(err);
  }
}

/** Handed-over deliveries not yet settled, with a wait for room and for none. */
class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  add(): void {
    this.count++;
  }

  done(): void {
    this.count--;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when fewer than `max` are in flight, or at once when `signal` aborts. */
  async room(max: number, signal: AbortSignal): Promise<void> {
    while (this.count >= max && !signal.aborted) await this.change(signal);
  }

  /** Resolves when none are in flight. */
  async drained(): Promise<void> {
    while (this.count > 0) await this.change();
  }

  private change(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** NATS headers (possibly several values per name) as one string per name, values joined by ", ". */
export function headerRecord(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const key of h.keys()) out[key] = h.values(key).join(', ');
  return out;
}

function apiCode(err: unknown): number | undefined {
  return err instanceof JetStreamApiError ? err.code : undefined;
}

/**
 * Shared shape of both consumer kinds: `run` once at a time, `close` aborts a running `run`
 * and waits for it, idempotently.
 */
abstract class NatsConsumerBase implements BrokerConsumer {
  private running: Promise<void> | undefined;
  private readonly closeAbort = new AbortController();
  private closed = false;

  constructor(
    protected readonly pool: NatsConnections,
    protected readonly log: Logger,
    protected readonly connection: NatsConnection,
    protected readonly options: NatsConsumeOptions,
  ) {}

  run(onDelivery: OnDelivery, signal: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`NATS consumer of "${this.options.subject}" is closed`));
    if (this.running) return Promise.reject(new Error(`NATS consumer of "${this.options.subject}" is already running`));
    const both = AbortSignal.any([signal, this.closeAbort.signal]);
    const lease = this.pool.lease(this.connection, `NATS consumer of "${this.options.subject}"`);
    const run = this.consume(lease, onDelivery, both).finally(() => lease.release());
    this.running = run.finally(() => (this.running = undefined)).catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closeAbort.abort();
    await this.running;
  }

  protected abstract consume(lease: Lease, onDelivery: OnDelivery, signal: AbortSignal): Promise<void>;

  protected get label(): string {
    return serversLabel(this.connection.servers);
  }
}

/**
 * A durable JetStream pull consumer with explicit acks.
 *
 * - The stream must exist (named, or found by the subject); a missing stream is a configuration
 *   error and `run` rejects: creating streams (retention, limits, replicas) is left to whoever
 *   runs the NATS servers, and a misspelt name must not silently create an empty stream.
 * - The durable is created if missing (explicit ack, filter subject, ack wait, delivery of all
 *   messages from the start of the stream); an existing one gets the ack wait updated when it
 *   changed. An existing durable with another filter subject, a push consumer or one with
 *   another ack policy under the same name is a configuration error (servers before 2.10
 *   accept a new filter subject but go on delivering by the old one). The server's own max-deliver limit is left unlimited: the runtime
 *   counts deliveries (`meta.deliveries`) and the node dead-letters a message delivered more
 *   than `maxDeliver` times. A server limit would instead park such a message for good when its
 *   dead letter could not be written.
 * - Messages are pulled in batches of at most 200; at most `maxInFlight` handed-over messages are
 *   unsettled at once, and nothing more is handed over while `onDelivery`'s promise is pending.
 *   Messages in flight longer than a third of the ack wait are marked as in progress, so a
 *   record held up by retries is not redelivered meanwhile.
 * - `ack` acks; `nack` naks with `nakDelayMs`, so the server redelivers after that delay.
 * - On abort, messages pulled but not yet handed over are nak'ed at once (handed back for
 *   another instance); `run` resolves when every handed-over message was settled and the acks
 *   were flushed to the server.
 * - Lost connections, deleted durables and failing pulls restart the consumer with jittered
 *   exponential backoff; only configuration errors (refused credentials, missing stream,
 *   conflicting durable) make `run` reject.
 */
export class JetStreamConsumer extends NatsConsumerBase {
  private readonly maxInFlight: number;
  private readonly nakDelayMs: number;
  private readonly ackWaitMs: number;
  /** Set once the durable was found or created, to tell a durable deleted while running. */
  private prepared = false;

  constructor(pool: NatsConnections, log: Logger, connection: NatsConnection, options: NatsConsumeOptions) {
    super(pool, log, connection, options);
    if (!options.durable) throw new NatsConfigError(`JetStream consumer of "${options.subject}" needs a durable name`);
    this.maxInFlight = Math.max(1, options.maxInFlight ?? CONSUME_DEFAULTS.maxInFlight);
    this.nakDelayMs = Math.max(0, options.nakDelayMs ?? CONSUME_DEFAULTS.nakDelayMs);
    this.ackWaitMs = Math.max(1_000, options.ackWaitMs ?? CONSUME_DEFAULTS.ackWaitMs);
  }

  protected async consume(lease: Lease, onDelivery: OnDelivery, signal: AbortSignal): Promise<void> {
    const restart = jitteredBackoff({ initialMs: 500, maxMs: 30_000 });
    const inFlight = new InFlight();
    const unsettled = new Map<JsMsg, number>();
    let live: Live | undefined;
    const keepAlive = setInterval(() => this.markWorking(unsettled), Math.max(500, Math.floor(this.ackWaitMs / 3)));
    const fields = { subject: this.options.subject, durable: this.options.durable };
    try {
      while (!signal.aborted) {
        let messages: ConsumerMessages | undefined;
        const stop = () => void messages?.stop();
        try {
          live = await lease.connection(signal);
          const { stream, info } = await this.prepare(live);
          if (signal.aborted) break;
          const consumer = live.js.consumers.getConsumerFromInfo(info);
          messages = await consumer.consume({ max_messages: Math.min(PULL_BATCH, this.maxInFlight), abort_on_missing_resource: true });
          signal.addEventListener('abort', stop, { once: true });
          if (signal.aborted) stop();
          void this.watch(messages, fields);
          this.log.info('JetStream consumer started', { ...fields, stream, servers: this.label });
          let handedBack = 0;
          for await (const m of messages) {
            if (!signal.aborted) await inFlight.room(this.maxInFlight, signal);
            if (signal.aborted) {
              handedBack++;
              this.nak(m, 0);
              continue;
            }
            restart.reset();
            await hand(onDelivery, this.delivery(m, inFlight, unsettled));
          }
          if (handedBack) this.log.debug('JetStream messages handed back at stop', { ...fields, count: handedBack });
          if (!signal.aborted) {
            const wait = restart.next();
            this.log.warn('JetStream consumer ended unexpectedly; restarting', { ...fields, attempt: restart.attempts, retryInMs: wait });
            await sleep(wait, signal);
          }
        } catch (err) {
          if (err instanceof DeliveryFailure) throw err.error;
          if (err instanceof NatsConfigError) throw err;
          if (signal.aborted) break;
          const wait = restart.next();
          this.log.warn('JetStream consumer failed; restarting', { ...fields, attempt: restart.attempts, retryInMs: wait, error: (err as Error).message });
          await sleep(wait, signal);
        } finally {
          signal.removeEventListener('abort', stop);
          stop();
        }
      }
      await inFlight.drained();
      if (live && !live.nc.isClosed()) {
        await live.nc.flush().catch((err: unknown) => this.log.warn('could not flush JetStream acks at stop; unacked messages are redelivered after the ack wait', { ...fields, error: (err as Error).message }));
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Finds the stream and creates or updates the durable; configuration problems throw NatsConfigError. */
  private async prepare(live: Live): Promise<{ stream: string; info: ConsumerInfo }> {
    const { subject } = this.options;
    const durable = this.options.durable as string;
    const jsm = await live.jsm();
    let stream = this.options.stream;
    if (!stream) {
      try {
        stream = await jsm.streams.find(subject);
      } catch (err) {
        if (apiCode(err) === API_NOT_FOUND.stream || /no stream matches/.test((err as Error).message)) {
          throw new NatsConfigError(`no JetStream stream on ${this.label} stores subject "${subject}": create one (e.g. nats stream add) or name the stream`, { cause: err });
        }
        throw err;
      }
    } else {
      try {
        await jsm.streams.info(stream);
      } catch (err) {
        if (apiCode(err) === API_NOT_FOUND.stream) {
          throw new NatsConfigError(`JetStream stream "${stream}" does not exist on ${this.label}: create it (e.g. nats stream add ${stream} --subjects "${subject}")`, { cause: err });
        }
        throw err;
      }
    }
    const wanted = {
      filter_subject: subject,
      ack_wait: nanos(this.ackWaitMs),
      max_deliver: -1,
    };
    for (let attempt = 0; ; attempt++) {
      let info: ConsumerInfo | undefined;
      try {
        info = await jsm.consumers.info(stream, durable);
      } catch (err) {
        if (apiCode(err) !== API_NOT_FOUND.consumer) throw err;
      }
      if (!info) {
        try {
          info = await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...wanted });
          if (this.prepared) {
            this.log.warn('JetStream durable consumer was deleted while the flow ran and is created again: the stream is delivered again from its start', { stream, durable, subject });
          } else {
            this.log.info('JetStream durable consumer created', { stream, durable, subject, ackWaitMs: this.ackWaitMs });
          }
          this.prepared = true;
          return { stream, info };
        } catch (err) {
          // Another instance may have created it at the same moment: look again once.
          if (attempt === 0) continue;
          throw this.configProblem(err, `cannot create durable "${durable}" on stream "${stream}"`);
        }
      }
      this.prepared = true;
      const c = info.config;
      if (c.deliver_subject) {
        throw new NatsConfigError(`durable "${durable}" on stream "${stream}" is a push consumer; nats.consume needs a pull consumer: pick another durable name or delete it`);
      }
      if (c.ack_policy !== AckPolicy.Explicit) {
        throw new NatsConfigError(`durable "${durable}" on stream "${stream}" acknowledges with policy "${c.ack_policy}"; nats.consume needs explicit acks: pick another durable name or delete it`);
      }
      if ((c.filter_subject ?? '') !== wanted.filter_subject || (c.filter_subjects?.length ?? 0) > 0) {
        // Servers before 2.10 accept a new filter subject but keep delivering by the old one, and
        // moving a durable to other subjects mixes two histories: a new subject needs a new durable.
        const current = c.filter_subjects?.length ? c.filter_subjects.join(', ') : c.filter_subject || '(every subject of the stream)';
        throw new NatsConfigError(`durable "${durable}" on stream "${stream}" reads subject ${current}, not "${subject}": use a new durable name for the new subject (or delete the old durable)`);
      }
      const changes: Record<string, unknown> = {};
      if (c.ack_wait !== wanted.ack_wait) changes.ack_wait = wanted.ack_wait;
      if ((c.max_deliver ?? -1) !== wanted.max_deliver) changes.max_deliver = wanted.max_deliver;
      if (Object.keys(changes).length === 0) return { stream, info };
      try {
        info = await jsm.consumers.update(stream, durable, changes);
      } catch (err) {
        throw this.configProblem(err, `cannot update durable "${durable}" on stream "${stream}" (${Object.keys(changes).join(', ')})`);
      }
      this.log.info('JetStream durable consumer updated', { stream, durable, changed: Object.keys(changes) });
      return { stream, info };
    }
  }

  /** A refusal by the JetStream API (status 400) is a configuration problem; anything else is retried. */
  private configProblem(err: unknown, what: string): Error {
    if (err instanceof JetStreamApiError && err.status === 400) {
      return new NatsConfigError(`${what} on ${this.label}: ${err.message}`, { cause: err });
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  private delivery(m: JsMsg, inFlight: InFlight, unsettled: Map<JsMsg, number>): Delivery {
    const info = m.info;
    let settled = false;
    inFlight.add();
    unsettled.set(m, Date.now());
    const settle = (what: 'ack' | 'nack'): boolean => {
      if (settled) {
        this.log.warn(`JetStream message settled twice; the second ${what} is ignored`, { subject: m.subject, sequence: info.streamSequence });
        return false;
      }
      settled = true;
      unsettled.delete(m);
      inFlight.done();
      return true;
    };
    return {
      key: null,
      value: m.data,
      headers: headerRecord(m.headers),
      meta: {
        subject: m.subject,
        stream: info.stream,
        sequence: info.streamSequence,
        deliveries: info.deliveryCount,
        timestamp: Math.floor(info.timestampNanos / 1e6),
      },
      settle: {
        ack: () => {
          if (!settle('ack')) return;
          try {
            m.ack();
          } catch (err) {
            this.log.warn('JetStream ack not sent (connection gone); the message is redelivered after the ack wait', {
              subject: m.subject,
              sequence: info.streamSequence,
              error: (err as Error).message,
            });
          }
        },
        nack: (error: Error) => {
          if (!settle('nack')) return;
          this.log.debug('JetStream message nak\'ed', { subject: m.subject, sequence: info.streamSequence, delayMs: this.nakDelayMs, reason: error?.message });
          this.nak(m, this.nakDelayMs);
        },
      },
    };
  }

  private nak(m: JsMsg, delayMs: number): void {
    try {
      m.nak(delayMs > 0 ? delayMs : undefined);
    } catch (err) {
      this.log.warn('JetStream nak not sent (connection gone); the message is redelivered after the ack wait', { subject: m.subject, error: (err as Error).message });
    }
  }

  /** Tells the server that messages held longer than a third of the ack wait are still being worked on. */
  private markWorking(unsettled: Map<JsMsg, number>): void {
    const before = Date.now() - this.ackWaitMs / 3;
    for (const [m, since] of unsettled) {
      if (since > before) continue;
      try {
        m.working();
      } catch {
        // The connection is gone: the ack will fail the same way and is logged there.
      }
    }
  }

  private async watch(messages: ConsumerMessages, fields: Record<string, unknown>): Promise<void> {
    try {
      for await (const s of messages.status()) {
        switch (s.type) {
          case 'heartbeats_missed':
            this.log.warn('JetStream heartbeats missed', { ...fields, count: s.count });
            break;
          case 'consumer_deleted':
          case 'consumer_not_found':
          case 'stream_not_found':
          case 'no_responders':
          case 'exceeded_limits':
            this.log.warn(`JetStream ${s.type.replace(/_/g, ' ')}`, { ...fields, ...s });
            break;
          default:
            break;
        }
      }
    } catch (err) {
      this.log.debug('JetStream status stream ended', { ...fields, error: (err as Error).message });
    }
  }
}

/**
 * A plain core NATS subscription: **at most once**. The server does not store messages; what
 * is published while no subscriber listens is gone, `ack` and `nack` do nothing (a nack'ed
 * message cannot come back, so each one is logged and counted as lost), and messages still
 * buffered when the flow stops are dropped (counted in the log). `durable`, when given, is used
 * as the queue group, so several runtimes share the subject instead of each getting every
 * message. While the flow is busy, up to max(4 × maxInFlight, 1024) messages are buffered;
 * beyond that new messages are dropped, counted and logged, rather than letting memory grow.
 */
export class CoreConsumer extends NatsConsumerBase {
  private lost = 0;

  protected async consume(lease: Lease, onDelivery: OnDelivery, signal: AbortSignal): Promise<void> {
    const restart = jitteredBackoff({ initialMs: 500, maxMs: 30_000 });
    const limit = Math.max(CORE_BUFFER_MIN, 4 * (this.options.maxInFlight ?? CONSUME_DEFAULTS.maxInFlight));
    const fields = { subject: this.options.subject, mode: 'core', ...(this.options.durable ? { queue: this.options.durable } : {}) };
    let dropped = 0;
    while (!signal.aborted) {
      let sub: Subscription | undefined;
      const queue: Msg[] = [];
      let wake: (() => void) | undefined;
      const notify = () => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      try {
        const live = await lease.connection(signal);
        sub = live.nc.subscribe(this.options.subject, {
          ...(this.options.durable ? { queue: this.options.durable } : {}),
          callback: (err, msg) => {
            if (err) {
              this.log.error('core NATS subscription failed', { ...fields, error: err.message });
              notify();
              return;
            }
            if (queue.length >= limit) {
              dropped++;
              if (dropped === 1 || dropped % 1000 === 0) this.log.warn('core NATS: flow too slow, messages dropped (at most once)', { ...fields, dropped, buffered: queue.length });
              return;
            }
            queue.push(msg);
            notify();
          },
        });
        void sub.closed.then(() => notify());
        signal.addEventListener('abort', notify, { once: true });
        this.log.info('core NATS subscription started (at most once)', { ...fields, servers: this.label });
        while (!signal.aborted && !sub.isClosed()) {
          const msg = queue.shift();
          if (!msg) {
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          restart.reset();
          await hand(onDelivery, this.delivery(msg));
        }
        if (signal.aborted) {
          if (queue.length) this.log.warn('core NATS: buffered messages not processed at stop (at most once)', { ...fields, dropped: queue.length });
          break;
        }
        const wait = restart.next();
        this.log.warn('core NATS subscription ended unexpectedly; subscribing again', { ...fields, attempt: restart.attempts, retryInMs: wait });
        await sleep(wait, signal);
      } catch (err) {
        if (err instanceof DeliveryFailure) throw err.error;
        if (err instanceof NatsConfigError) throw err;
        if (signal.aborted) break;
        const wait = restart.next();
        this.log.warn('core NATS subscription failed; subscribing again', { ...fields, attempt: restart.attempts, retryInMs: wait, error: (err as Error).message });
        await sleep(wait, signal);
      } finally {
        signal.removeEventListener('abort', notify);
        if (sub && !sub.isClosed()) sub.unsubscribe();
      }
    }
  }

  private delivery(msg: Msg): Delivery {
    return {
      key: null,
      value: msg.data,
      headers: headerRecord(msg.headers),
      meta: { subject: msg.subject, deliveries: 1, timestamp: Date.now() },
      settle: {
        ack: () => undefined,
        nack: (error: Error) => {
          this.lost++;
          this.log.warn('core NATS message could not be processed and cannot be redelivered (at most once): lost', {
            subject: msg.subject,
            lost: this.lost,
            reason: error?.message,
          });
        },
      },
    };
  }
}
