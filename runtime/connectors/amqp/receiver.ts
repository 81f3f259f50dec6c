import { randomBytes } from 'node:crypto';
import { ReceiverEvents, type Delivery as AmqpDelivery, type EventContext, type Message as AmqpMessage, type Receiver } from 'rhea-promise';
import type { AmqpReceiveOptions, BrokerConsumer, Delivery } from '../../../shared/node-kit/brokers';
import type { Logger } from '../../../shared/node-kit/runtime';
import { backoffDelay, sleep } from '../backoff';
import { AmqpConfigError, asError, conditionOf, Generation, isConfigProblem, refusesModified, type AmqpTuning, type Endpoint } from './connection';
import type { DeliveryCounts } from './delivery-counts';
import { Dispositions } from './dispositions';
import { bodyBytes, brokerDeliveries, fromAmqp, identityOf } from './message';

/** Link credit when the options give none. */
export const DEFAULT_CREDIT = 100;

export type ReceiverState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'stopping' | 'closed';

export interface ReceiverStats {
  address: string;
  /** scheme://host:port of the broker, without credentials. */
  broker: string;
  state: ReceiverState;
  credit: number;
  /** Connections opened (the first and every reconnect that succeeded). */
  connects: number;
  /** Connection attempts that failed and were retried. */
  failedConnects: number;
  /** Open connections (or sessions, or links) lost. */
  disconnects: number;
  /** Attempts to connect again after a failure or a loss. */
  reconnects: number;
  /** Deliveries handed to the flow. */
  handedOver: number;
  accepted: number;
  /** Nacks settled as `released` (RabbitMQ 3.x, or brokers that refused `modified`). */
  released: number;
  /** Nacks settled as `modified` with delivery-failed. */
  modified: number;
  /** Deliveries given back (released) without being handed over, while stopping. */
  returned: number;
  /** Settlements that came after the connection they belonged to was lost (the broker redelivers those). */
  lostSettlements: number;
  /** Handed over and not settled yet. */
  unsettled: number;
  /** The most deliveries ever handed over and unsettled at once (never above `credit`). */
  maxUnsettled: number;
}

/** onDelivery threw or rejected: a bug in the caller, not a broker problem. */
class CallbackError extends Error {
  constructor(readonly original: unknown) {
    super('the delivery callback failed');
  }
}

/**
 * Receives from one queue with manual link credit: `credit` messages are granted when the link
 * opens, and credit is granted again, for the free slots only, once the earlier grant is used up
 * (see `replenish`), so deliveries unsettled at the broker, and those handed over, never exceed
 * `credit`. Deliveries are handed over one at a time, in arrival order;
 * when `onDelivery` returns a promise (the flow is full), the next waits for it. Nothing is
 * settled automatically:
 * - `settle.ack()` → `accepted` (the broker removes the message);
 * - `settle.nack()` → `modified` with delivery-failed (the broker makes the message available
 *   again and counts the failed attempt), or `released` on RabbitMQ 3.x, whose AMQP 1.0 plugin
 *   refuses `modified` (it ends the session); a broker that refuses `modified` otherwise is
 *   detected the same way and gets `released` from then on.
 *
 * `meta.deliveries` (1 = first delivery) is the largest of: the header's delivery-count + 1,
 * an `x-delivery-count` annotation + 1, the number of times this process handed the message
 * over (see DeliveryCounts), and 2 when the broker says another consumer had it before
 * (first-acquirer false).
 *
 * A lost connection is reopened with jittered exponential backoff; deliveries handed over on
 * it can no longer be settled (the broker makes them available again, so they arrive again:
 * at least once). `run` rejects only when retrying cannot help (refused credentials, missing
 * queue, no permission), naming broker, queue and reason.
 */
export class AmqpReceiver implements BrokerConsumer {
  private readonly credit: number;
  private readonly closeAbort = new AbortController();
  private running: Promise<void> | undefined;
  private useReleased = false;
  /** Connections lost in a row without a delivery accepted in between (drives the backoff after a loss). */
  private lossStreak = 0;
  private readonly s: ReceiverStats;
  /** Broker and queue, the scope of message identities in DeliveryCounts. */
  private readonly countKey: string;

  constructor(
    private readonly log: Logger,
    private readonly endpoint: Endpoint,
    private readonly options: AmqpReceiveOptions,
    private readonly tuning: Required<AmqpTuning>,
    private readonly counts: DeliveryCounts,
    private readonly onClosed: () => void = () => undefined,
  ) {
    const credit = options.credit ?? DEFAULT_CREDIT;
    if (!Number.isInteger(credit) || credit < 1) throw new AmqpConfigError(`the credit of the AMQP receiver for "${options.address}" must be a whole number ≥ 1, not ${credit}`);
    if (options.address.trim() === '') throw new AmqpConfigError('the AMQP receiver needs a queue address');
    this.credit = credit;
    this.countKey = `${endpoint.display} ${options.address}`;
    this.s = {
      address: options.address,
      broker: endpoint.display,
      state: 'idle',
      credit,
      connects: 0,
      failedConnects: 0,
      disconnects: 0,
      reconnects: 0,
      handedOver: 0,
      accepted: 0,
      released: 0,
      modified: 0,
      returned: 0,
      lostSettlements: 0,
      unsettled: 0,
      maxUnsettled: 0,
    };
  }

  stats(): ReceiverStats {
    return { ...this.s };
  }

  run(onDelivery: (d: Delivery) => void | Promise<void>, signal: AbortSignal): Promise<void> {
    if (this.running) return Promise.reject(new Error(`the AMQP receiver for "${this.options.address}" is already running`));
    if (this.closeAbort.signal.aborted) return Promise.reject(new Error(`the AMQP receiver for "${this.options.address}" is closed`));
    this.running = this.loop(onDelivery, AbortSignal.any([signal, this.closeAbort.signal]));
    return this.running;
  }

  async close(): Promise<void> {
    this.closeAbort.abort();
    // run() reports its own failure to its caller; close only waits for it to end.
    await this.running?.catch(() => undefined);
    this.state('closed');
    this.onClosed();
  }

  private state(next: ReceiverState): void {
    this.s.state = next;
  }

  private fields(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { broker: this.endpoint.display, address: this.options.address, ...extra };
  }

  private configError(reason: Error): AmqpConfigError {
    const error = reason instanceof AmqpConfigError ? reason : new AmqpConfigError(`${this.endpoint.display}: cannot receive from "${this.options.address}": ${reason.message}`, { cause: reason });
    this.log.error('AMQP receiver cannot receive: retrying cannot help', this.fields({ error: error.message }));
    return error;
  }

  private async loop(onDelivery: (d: Delivery) => void | Promise<void>, stop: AbortSignal): Promise<void> {
    const address = this.options.address;
    let failures = 0;
    try {
      while (!stop.aborted) {
        this.state(this.s.connects + this.s.failedConnects === 0 ? 'connecting' : 'reconnecting');
        let g: Generation | undefined;
        try {
          g = await Generation.open(this.endpoint, stop, this.log);
          const receiver = await g.race(
            g.session.createReceiver({
              name: `sluice-receiver-${randomBytes(6).toString('hex')}`,
              // IBM MQ AMQP channels treat an address without the `queue` capability as a topic.
              source: { address, capabilities: ['queue'] },
              credit_window: 0,
              autoaccept: false,
              snd_settle_mode: 0,
              rcv_settle_mode: 0,
              abortSignal: stop,
            }),
            `attaching a receiver to "${address}"`,
          );
          const gen = g;
          receiver.on(ReceiverEvents.receiverError, (ctx: EventContext) => gen.markLost(ctx.receiver?.error, `receiver on "${address}" failed`));
          receiver.on(ReceiverEvents.receiverClose, (ctx: EventContext) => gen.markLost(ctx.receiver?.error, `receiver on "${address}" detached by the broker`));
          if (refusesModified(g.broker) && !this.useReleased) this.useReleased = true;
          failures = 0;
          this.s.connects++;
          this.state('open');
          this.log.info('AMQP receiver open', this.fields({ credit: this.credit, product: g.broker.product, version: g.broker.version, nack: this.useReleased ? 'released' : 'modified' }));
          const outcome = await this.consume(g, receiver, onDelivery, stop);
          if (outcome === 'stopped') {
            const { handedOver, accepted, released, modified, returned, lostSettlements, reconnects } = this.s;
            this.log.info('AMQP receiver stopped', this.fields({ handedOver, accepted, released, modified, returned, lostSettlements, reconnects }));
            break;
          }
          this.s.disconnects++;
          this.lossStreak++;
          const reason = g.reason ?? new Error('connection lost');
          if (isConfigProblem(reason, 'running')) {
            throw this.configError(reason);
          }
          if (!this.useReleased && conditionOf(reason) === 'amqp:invalid-field' && /modified/i.test(reason.message)) {
            this.useReleased = true;
            this.log.warn('the broker refuses the `modified` outcome: nacks are settled as `released` from now on', this.fields({ error: reason.message }));
          }
          this.log.warn('AMQP receiver lost its connection; reconnecting', this.fields({ error: reason.message, disconnects: this.s.disconnects }));
        } catch (err) {
          if (err instanceof CallbackError) throw err.original;
          if (err instanceof AmqpConfigError) throw err;
          if (stop.aborted) break;
          const e = asError(err, 'cannot connect');
          if (isConfigProblem(err, 'open')) throw this.configError(e);
          failures++;
          this.s.failedConnects++;
          this.log.warn('AMQP receiver cannot connect; retrying', this.fields({ attempt: failures, error: e.message }));
        } finally {
          await g?.close();
        }
        if (stop.aborted) break;
        const delayMs = backoffDelay(Math.max(failures, this.lossStreak, 1), { initialMs: this.tuning.initialBackoffMs, maxMs: this.tuning.maxBackoffMs });
        this.s.reconnects++;
        this.log.info('AMQP receiver reconnecting', this.fields({ delayMs, reconnects: this.s.reconnects }));
        await sleep(delayMs, stop);
      }
    } finally {
      this.state(this.closeAbort.signal.aborted ? 'closed' : 'idle');
      this.running = undefined;
    }
  }

  /**
   * Hands deliveries over until `stop` aborts (then gives back what was not handed over, waits
   * until everything handed over is settled, and returns 'stopped') or the generation is lost
   * (returns 'lost'). Throws CallbackError when onDelivery fails.
   */
  private async consume(g: Generation, receiver: Receiver, onDelivery: (d: Delivery) => void | Promise<void>, stop: AbortSignal): Promise<'stopped' | 'lost'> {
    const buffered: Array<{ delivery: AmqpDelivery; message: AmqpMessage }> = [];
    let unsettled = 0;
    let pulse: (() => void) | undefined;
    const notify = () => {
      const p = pulse;
      pulse = undefined;
      p?.();
    };
    const changed = () => new Promise<void>((resolve) => (pulse = resolve));
    const dispositions = new Dispositions(
      () => g.dead,
      (count) => {
        this.s.lostSettlements += count;
        this.log.warn('cannot settle an AMQP delivery: its connection is gone, so the broker delivers the message again', this.fields({ count }));
      },
      (err) => g.markLost(err, 'settling a delivery'),
    );
    const giveBack = (d: AmqpDelivery) => {
      if (g.dead) return;
      this.s.returned++;
      dispositions.settle(d, 'released');
    };
    /**
     * Grants link credit only once everything granted before has arrived (link credit 0), and
     * only for free slots (credit − unsettled − buffered). RabbitMQ 3.x takes a flow's
     * link-credit as the new absolute credit without subtracting transfers already in flight,
     * so topping up while credit is outstanding would let it send more than the window.
     */
    const replenish = () => {
      if (stop.aborted || g.dead || receiver.credit > 0) return;
      const grant = this.credit - unsettled - buffered.length;
      if (grant <= 0) return;
      try {
        receiver.addCredit(grant);
      } catch (err) {
        g.markLost(err, 'granting link credit');
      }
    };
    receiver.on(ReceiverEvents.message, (ctx: EventContext) => {
      const delivery = ctx.delivery;
      const message = ctx.message;
      if (!delivery || !message) return;
      if (stop.aborted || g.dead) giveBack(delivery);
      else buffered.push({ delivery, message });
      replenish();
      notify();
    });
    // No drain on stop: RabbitMQ 3.10 answers a drain on a classic queue with an internal error
    // that ends the session. Credit is simply not renewed; what still arrives is given back.
    stop.addEventListener('abort', notify, { once: true });
    void g.lost.then(notify);
    replenish();

    const settleOne = (delivery: AmqpDelivery, identity: string, messageId: string | undefined) => {
      let settled = false;
      const finish = (outcome: 'accepted' | 'nacked', error?: Error) => {
        if (settled) {
          this.log.warn('AMQP delivery settled twice; the second settlement is ignored', this.fields({ messageId, outcome }));
          return;
        }
        settled = true;
        unsettled--;
        this.s.unsettled--;
        if (g.dead) {
          this.s.lostSettlements++;
          this.log.warn('cannot settle an AMQP delivery: its connection is gone, so the broker delivers the message again', this.fields({ messageId, outcome }));
          notify();
          return;
        }
        if (outcome === 'accepted') {
          dispositions.settle(delivery, 'accepted');
          this.s.accepted++;
          this.lossStreak = 0;
          this.counts.forget(this.countKey, identity);
        } else if (this.useReleased) {
          dispositions.settle(delivery, 'released');
          this.s.released++;
        } else {
          dispositions.settle(delivery, 'modified');
          this.s.modified++;
        }
        if (outcome === 'nacked') this.log.debug('AMQP delivery handed back', this.fields({ messageId, error: error?.message }));
        replenish();
        notify();
      };
      return {
        ack: () => finish('accepted'),
        nack: (error: Error) => finish('nacked', error),
      };
    };

    try {
      for (;;) {
        if (g.dead) {
          if (buffered.length) this.log.info('AMQP deliveries not handed over before the connection was lost; the broker delivers them again', this.fields({ count: buffered.length }));
          buffered.length = 0;
          return stop.aborted ? 'stopped' : 'lost';
        }
        if (stop.aborted) {
          for (const item of buffered.splice(0)) giveBack(item.delivery);
          if (unsettled === 0) {
            // Every settlement must reach rhea before the connection closes.
            await dispositions.whenIdle();
            return 'stopped';
          }
          this.state('stopping');
          await changed();
          continue;
        }
        const item = unsettled < this.credit ? buffered.shift() : undefined;
        if (!item) {
          await changed();
          continue;
        }
        const { delivery, message } = item;
        const value = bodyBytes(message.body);
        const identity = identityOf(message, value);
        const local = this.counts.handOver(this.countKey, identity, typeof message.first_acquirer === 'boolean' ? message.first_acquirer : undefined);
        const deliveries = Math.max(brokerDeliveries(message) ?? 1, local, message.first_acquirer === false ? 2 : 1);
        const bm = fromAmqp(message, this.options.address, value, deliveries);
        const settle = settleOne(delivery, identity, bm.meta.messageId as string | undefined);
        unsettled++;
        this.s.unsettled++;
        this.s.handedOver++;
        if (this.s.unsettled > this.s.maxUnsettled) this.s.maxUnsettled = this.s.unsettled;
        try {
          const pending = onDelivery({ ...bm, settle });
          if (pending) await pending;
        } catch (err) {
          settle.nack(asError(err, 'delivery callback'));
          throw new CallbackError(err);
        }
      }
    } finally {
      stop.removeEventListener('abort', notify);
    }
  }
}
