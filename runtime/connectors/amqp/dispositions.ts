import type { Delivery as AmqpDelivery } from 'rhea-promise';

export type Outcome = 'accepted' | 'released' | 'modified';

/**
 * Settles received deliveries so that one rhea write pass never carries two different outcomes.
 *
 * Why: rhea 3.0.x (`write_dispositions` in lib/session.js) writes the dispositions of one pass
 * as ranges of consecutive delivery ids with the state of the range's first delivery, and while
 * a range holds a single delivery it does not compare outcomes. `accept(n)` and `release(n+1)`
 * in the same tick therefore go out as one "n..n+1 accepted" disposition: the released message
 * is removed from the queue and lost. Verified against RabbitMQ 3.10
 * (test/integration/mq/connector.test.ts, "keeps the outcome of each delivery…").
 *
 * How: settlements are applied in the order they were made, in windows of one outcome. A
 * settlement with the outcome of the open window (or with no window open) is applied at once; one
 * with another outcome waits for the next window, which opens in a `setImmediate` callback, after
 * rhea's write pass (scheduled with `process.nextTick`) has written the earlier window.
 */
export class Dispositions {
  private queue: Array<{ delivery: AmqpDelivery; outcome: Outcome }> = [];
  private window: Outcome | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(
    /** True once the connection the deliveries came on is gone. */
    private readonly dead: () => boolean,
    /** Called with how many settlements could not be applied because the connection is gone. */
    private readonly lost: (count: number) => void,
    /** rhea threw while applying one. */
    private readonly failed: (err: unknown) => void,
  ) {}

  settle(delivery: AmqpDelivery, outcome: Outcome): void {
    if (this.queue.length === 0 && (this.window === undefined || this.window === outcome)) {
      this.apply(delivery, outcome);
      if (this.window === undefined) this.open(outcome);
      return;
    }
    this.queue.push({ delivery, outcome });
  }

  /** Nothing waits to be applied. */
  get idle(): boolean {
    return this.window === undefined && this.queue.length === 0;
  }

  /** Resolves once every settlement made so far was handed to rhea. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private open(outcome: Outcome): void {
    this.window = outcome;
    setImmediate(() => this.next());
  }

  private next(): void {
    this.window = undefined;
    const first = this.queue[0];
    if (!first) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    let n = 1;
    while (n < this.queue.length && this.queue[n]?.outcome === first.outcome) n++;
    for (const { delivery, outcome } of this.queue.splice(0, n)) this.apply(delivery, outcome);
    this.open(first.outcome);
  }

  private apply(delivery: AmqpDelivery, outcome: Outcome): void {
    if (this.dead()) {
      this.lost(1);
      return;
    }
    try {
      if (outcome === 'accepted') delivery.accept();
      else if (outcome === 'released') delivery.release();
      else delivery.modified({ delivery_failed: true });
    } catch (err) {
      this.failed(err);
    }
  }
}
