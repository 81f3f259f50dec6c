import { randomBytes } from 'node:crypto';
import { SenderEvents, SessionEvents, type EventContext, type Message as AmqpMessage, type Sender } from 'rhea-promise';
import type { AmqpSendOptions, BrokerProducer, OutboundMessage } from '../../../shared/node-kit/brokers';
import type { Logger } from '../../../shared/node-kit/runtime';
import { backoffDelay, sleep } from '../backoff';
import { AmqpConfigError, asError, Generation, isConfigProblem, isRabbitMq3, type AmqpTuning, type Endpoint } from './connection';
import { toAmqp } from './message';

/** The broker answered a transfer with something other than `accepted`, or never answered (`unanswered`). */
export class AmqpSendError extends Error {
  constructor(
    message: string,
    readonly outcome: 'rejected' | 'released' | 'modified' | 'unanswered',
    readonly condition?: string,
  ) {
    super(message);
    this.name = 'AmqpSendError';
  }
}

export type SenderState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SenderStats {
  address: string;
  broker: string;
  state: SenderState;
  connects: number;
  failedConnects: number;
  disconnects: number;
  reconnects: number;
  /** Messages the broker accepted. */
  accepted: number;
  /** Messages the broker rejected, released or modified (each send rejected with the reason). */
  refused: number;
  /** Messages transferred again after a connection was lost before the broker answered. */
  resent: number;
  /** Waiting to be transferred (no connection or no link credit yet). */
  queued: number;
  /** Transferred, answer pending. */
  unconfirmed: number;
}

interface Pending {
  message: AmqpMessage;
  resolve: () => void;
  reject: (e: Error) => void;
  /** Transfers of this message whose connection was lost before the broker answered. */
  lost: number;
}

/**
 * How often a message may be transferred on a connection that is then lost before the broker
 * answers, before its send fails. A broker that drops the connection instead of refusing a
 * message (RabbitMQ 3.x does so for a full queue with `overflow: reject-publish`) would
 * otherwise have it sent again forever.
 */
export const MAX_UNANSWERED_TRANSFERS = 5;

/**
 * Sends to one address with settlement confirmation: the link is unsettled at the sender, so
 * every transfer waits for the broker's outcome. `send` resolves on `accepted` and rejects with
 * an AmqpSendError carrying the broker's reason on `rejected`, `released` or `modified`.
 *
 * Connecting happens on the first send and again after a loss, with jittered exponential
 * backoff, for as long as messages wait; sends wait meanwhile (so the flow pauses while the
 * broker is down; nothing is dropped). Messages transferred on a connection that was lost
 * before the broker answered are transferred again on the next one, with the same message-id:
 * at least once, and a broker with duplicate detection can drop the copy; after
 * MAX_UNANSWERED_TRANSFERS such losses for one message its send rejects (`unanswered`), and
 * reconnects after losses in a row back off like failed connects. Refused credentials,
 * a missing queue or a missing permission reject the waiting sends at once with an
 * AmqpConfigError instead; the next send tries again.
 *
 * RabbitMQ 3.x accepts, and silently drops, messages sent to `/amq/queue/<name>` when that
 * queue does not exist. For that broker and address form the sender therefore checks the queue
 * on every (re)connect by attaching a receiver without credit in a separate session (RabbitMQ
 * refuses that attach with amqp:not-found) and fails the sends if it is missing.
 */
export class AmqpSender implements BrokerProducer {
  private queue: Pending[] = [];
  private unconfirmed = new Map<number, Pending>();
  private gen: Generation | undefined;
  private link: Sender | undefined;
  private connecting: Promise<void> | undefined;
  private readonly closeAbort = new AbortController();
  private flushWaiters: Array<() => void> = [];
  private warnedNoOutcome = false;
  /** Connections lost in a row without the broker answering any transfer in between. */
  private lossStreak = 0;
  private readonly s: SenderStats;

  constructor(
    private readonly log: Logger,
    private readonly endpoint: Endpoint,
    private readonly options: AmqpSendOptions,
    private readonly tuning: Required<AmqpTuning>,
    private readonly onClosed: () => void = () => undefined,
  ) {
    if (options.address.trim() === '') throw new AmqpConfigError('the AMQP sender needs a queue address');
    this.s = {
      address: options.address,
      broker: endpoint.display,
      state: 'idle',
      connects: 0,
      failedConnects: 0,
      disconnects: 0,
      reconnects: 0,
      accepted: 0,
      refused: 0,
      resent: 0,
      queued: 0,
      unconfirmed: 0,
    };
  }

  stats(): SenderStats {
    return { ...this.s, queued: this.queue.length, unconfirmed: this.unconfirmed.size };
  }

  send(m: OutboundMessage): Promise<void> {
    if (this.closeAbort.signal.aborted) return Promise.reject(new Error(`the AMQP sender for "${this.options.address}" is closed`));
    let message: AmqpMessage;
    try {
      message = toAmqp(m);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ message, resolve, reject, lost: 0 });
      this.pump();
    });
  }

  flush(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closeAbort.signal.aborted) return;
    this.closeAbort.abort();
    const error = new Error(`the AMQP sender for "${this.options.address}" was closed before the broker confirmed the message`);
    this.failAll(error);
    const g = this.gen;
    this.gen = undefined;
    this.link = undefined;
    // connect() handles its own failures; close only waits for it to end.
    await this.connecting?.catch(() => undefined);
    await g?.close();
    this.s.state = 'closed';
    const { accepted, refused, resent, reconnects } = this.s;
    this.log.info('AMQP sender closed', this.fields({ accepted, refused, resent, reconnects }));
    this.onClosed();
  }

  private fields(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { broker: this.endpoint.display, address: this.options.address, ...extra };
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.unconfirmed.size === 0;
  }

  private settled(): void {
    if (!this.idle() || this.flushWaiters.length === 0) return;
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w();
  }

  private failAll(error: Error): void {
    const all = [...this.unconfirmed.values(), ...this.queue];
    this.unconfirmed.clear();
    this.queue = [];
    for (const p of all) p.reject(error);
    this.settled();
  }

  /** Transfers what waits while the link has credit; connects first when there is no link. */
  private pump(): void {
    const link = this.link;
    if (!link || !this.gen || this.gen.dead) {
      this.ensureConnected();
      return;
    }
    while (this.queue.length && link.sendable()) {
      const p = this.queue.shift() as Pending;
      try {
        const delivery = link.send(p.message);
        this.unconfirmed.set(delivery.id, p);
      } catch (err) {
        this.queue.unshift(p);
        this.gen.markLost(err, 'transferring a message');
        return;
      }
    }
  }

  private ensureConnected(): void {
    if (this.connecting || this.closeAbort.signal.aborted || this.queue.length === 0) return;
    this.connecting = this.connect().finally(() => {
      this.connecting = undefined;
      // Sends that arrived while a failed attempt was giving up start the next one.
      if (!this.link && this.queue.length && !this.closeAbort.signal.aborted) this.ensureConnected();
    });
  }

  private async connect(): Promise<void> {
    const address = this.options.address;
    const stop = this.closeAbort.signal;
    let failures = 0;
    if (this.lossStreak > 0) {
      const delayMs = backoffDelay(this.lossStreak, { initialMs: this.tuning.initialBackoffMs, maxMs: this.tuning.maxBackoffMs });
      this.s.reconnects++;
      this.log.info('AMQP sender reconnecting', this.fields({ delayMs, reconnects: this.s.reconnects }));
      await sleep(delayMs, stop);
    }
    while (!stop.aborted && this.queue.length > 0) {
      this.s.state = this.s.connects + this.s.failedConnects === 0 ? 'connecting' : 'reconnecting';
      let g: Generation | undefined;
      try {
        g = await Generation.open(this.endpoint, stop, this.log);
        const link = await g.race(
          g.session.createSender({
            name: `sluice-sender-${randomBytes(6).toString('hex')}`,
            // IBM MQ AMQP channels treat an address without the `queue` capability as a topic.
            target: { address, capabilities: ['queue'] },
            snd_settle_mode: 0,
            rcv_settle_mode: 0,
            abortSignal: stop,
          }),
          `attaching a sender to "${address}"`,
        );
        if (isRabbitMq3(g.broker) && address.startsWith('/amq/queue/')) await this.checkQueueExists(g, stop);
        this.attach(g, link);
        failures = 0;
        this.s.connects++;
        this.s.state = 'open';
        this.log.info('AMQP sender open', this.fields({ product: g.broker.product, version: g.broker.version }));
        this.pump();
        return;
      } catch (err) {
        await g?.close();
        if (stop.aborted) return;
        const e = asError(err, 'cannot connect');
        if (isConfigProblem(err, 'open')) {
          const config = err instanceof AmqpConfigError ? err : new AmqpConfigError(`${this.endpoint.display}: cannot send to "${address}": ${e.message}`, { cause: err });
          this.s.state = 'idle';
          this.log.error('AMQP sender cannot send: retrying cannot help', this.fields({ error: config.message, failed: this.queue.length }));
          this.failAll(config);
          return;
        }
        failures++;
        this.s.failedConnects++;
        const delayMs = backoffDelay(failures, { initialMs: this.tuning.initialBackoffMs, maxMs: this.tuning.maxBackoffMs });
        this.s.reconnects++;
        this.log.warn('AMQP sender cannot connect; retrying', this.fields({ attempt: failures, delayMs, waiting: this.queue.length, error: e.message }));
        await sleep(delayMs, stop);
      }
    }
  }

  private attach(g: Generation, link: Sender): void {
    this.gen = g;
    this.link = link;
    const outcome = (ctx: EventContext, kind: 'accepted' | 'rejected' | 'released' | 'modified') => {
      const d = ctx.delivery;
      if (!d || this.gen !== g) return;
      const p = this.unconfirmed.get(d.id);
      if (!p) return;
      this.unconfirmed.delete(d.id);
      this.lossStreak = 0;
      if (kind === 'accepted') {
        this.s.accepted++;
        p.resolve();
      } else {
        this.s.refused++;
        const error = (d.remote_state as { error?: { condition?: string; description?: string } } | undefined)?.error;
        const reason = error?.condition ? `${error.condition}${error.description ? ` (${error.description})` : ''}` : 'no reason given';
        const what = kind === 'rejected' ? 'rejected' : kind === 'released' ? 'released (did not store)' : 'did not store (modified)';
        p.reject(new AmqpSendError(`${this.endpoint.display}: the broker ${what} the message sent to "${this.options.address}": ${reason}`, kind, error?.condition));
      }
      this.settled();
    };
    link.on(SenderEvents.accepted, (ctx: EventContext) => outcome(ctx, 'accepted'));
    link.on(SenderEvents.rejected, (ctx: EventContext) => outcome(ctx, 'rejected'));
    link.on(SenderEvents.released, (ctx: EventContext) => outcome(ctx, 'released'));
    link.on(SenderEvents.modified, (ctx: EventContext) => outcome(ctx, 'modified'));
    link.on(SenderEvents.settled, (ctx: EventContext) => {
      // Outcome events come before `settled`; a delivery still unconfirmed here was settled without one.
      const d = ctx.delivery;
      if (!d || this.gen !== g || !this.unconfirmed.has(d.id)) return;
      if (!this.warnedNoOutcome) {
        this.warnedNoOutcome = true;
        this.log.warn('the broker settles transfers without an outcome; they count as accepted', this.fields());
      }
      outcome(ctx, 'accepted');
    });
    link.on(SenderEvents.sendable, () => {
      if (this.gen === g) this.pump();
    });
    link.on(SenderEvents.senderError, (ctx: EventContext) => g.markLost(ctx.sender?.error, `sender on "${this.options.address}" failed`));
    link.on(SenderEvents.senderClose, (ctx: EventContext) => g.markLost(ctx.sender?.error, `sender on "${this.options.address}" detached by the broker`));
    void g.lost.then((reason) => this.lost(g, reason));
  }

  private lost(g: Generation, reason: Error): void {
    if (this.gen !== g) return;
    this.gen = undefined;
    this.link = undefined;
    void g.close();
    if (this.closeAbort.signal.aborted) return;
    this.s.disconnects++;
    this.s.state = 'reconnecting';
    const unconfirmed = [...this.unconfirmed.entries()].sort(([a], [b]) => a - b).map(([, p]) => p);
    this.unconfirmed.clear();
    if (isConfigProblem(reason, 'running')) {
      this.queue.unshift(...unconfirmed);
      const error = new AmqpConfigError(`${this.endpoint.display}: cannot send to "${this.options.address}": ${reason.message}`, { cause: reason });
      this.log.error('AMQP sender cannot send: retrying cannot help', this.fields({ error: error.message, failed: this.queue.length }));
      this.failAll(error);
      return;
    }
    this.lossStreak++;
    const again: Pending[] = [];
    let given = 0;
    for (const p of unconfirmed) {
      p.lost++;
      if (p.lost >= MAX_UNANSWERED_TRANSFERS) {
        given++;
        p.reject(
          new AmqpSendError(
            `${this.endpoint.display}: the connection was lost ${p.lost} times while sending this message to "${this.options.address}" before the broker answered, so it is given up (the broker may be refusing it by dropping the connection, as RabbitMQ 3.x does for a full queue that rejects publishes); last reason: ${reason.message}`,
            'unanswered',
          ),
        );
      } else again.push(p);
    }
    this.s.resent += again.length;
    this.queue.unshift(...again);
    this.log.warn('AMQP sender lost its connection; reconnecting', this.fields({ error: reason.message, unconfirmed: unconfirmed.length, givenUp: given, waiting: this.queue.length, disconnects: this.s.disconnects }));
    this.settled();
    this.pump();
  }

  /**
   * RabbitMQ 3.x only: fails with AmqpConfigError when the queue behind `/amq/queue/<name>` does
   * not exist (RabbitMQ would accept and drop what is sent there). Uses its own session, since
   * RabbitMQ answers with ending the session.
   */
  private async checkQueueExists(g: Generation, stop: AbortSignal): Promise<void> {
    const address = this.options.address;
    const session = await g.race(g.connection.createSession({ abortSignal: stop }), 'opening a session to check the queue');
    const ended = new Promise<Error>((resolve) => {
      session.on(SessionEvents.sessionClose, (ctx: EventContext) => resolve(asError(ctx.session?.error, 'queue check')));
      session.on(SessionEvents.sessionError, (ctx: EventContext) => resolve(asError(ctx.session?.error, 'queue check')));
    });
    let refused: Error | undefined;
    const attach = session.createReceiver({ source: { address }, credit_window: 0, autoaccept: false, abortSignal: stop });
    const result = await Promise.race([attach, ended.then((e) => ({ refused: e }))]);
    if ('refused' in result) {
      // The attach fails as well (or times out); the ended session already says why.
      attach.catch(() => undefined);
      refused = result.refused;
    } else {
      // Only the link is closed: the session stays open until the connection closes, because
      // RabbitMQ 3.10 stops tracking the whole connection (rabbitmqctl list/close_connections,
      // the management UI) once any of its sessions ends.
      await result.close({ closeSession: false });
    }
    if (refused) {
      throw new AmqpConfigError(
        `${this.endpoint.display}: the queue "${address.slice('/amq/queue/'.length)}" does not exist (${refused.message}). RabbitMQ 3.x accepts and drops messages sent to a missing queue, so Sluice does not send until it exists; declare it durable, or address /queue/<name> to have it created (not durable)`,
        { cause: refused },
      );
    }
  }
}
