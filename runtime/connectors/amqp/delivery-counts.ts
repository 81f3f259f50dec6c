/**
 * Deliveries of each message this runtime process handed to a flow, for brokers that do not
 * count them: RabbitMQ 3.x only says "redelivered" (first-acquirer false), and IBM MQ AMQP
 * channels report no delivery-count (their BackoutCount is not mapped). Keyed by broker, queue
 * address and message identity (message-id, or a digest of the message without one); bounded,
 * least recently used forgotten first. The count lives in memory: a runtime process that
 * restarts starts again from what the broker reports.
 */
export class DeliveryCounts {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max = 100_000) {}

  /**
   * Records one more hand-over of the message and returns this process's count including it.
   * `firstAcquirer === true` (the broker says nobody had it before) starts again at 1, so a
   * re-sent message with a reused id is not counted on from an earlier one.
   */
  handOver(queue: string, identity: string, firstAcquirer: boolean | undefined): number {
    const key = `${queue}\n${identity}`;
    const n = firstAcquirer === true ? 1 : (this.counts.get(key) ?? 0) + 1;
    this.counts.delete(key);
    this.counts.set(key, n);
    if (this.counts.size > this.max) {
      const oldest = this.counts.keys().next().value as string;
      this.counts.delete(oldest);
    }
    return n;
  }

  /** The message left the queue (accepted): nothing more to count. */
  forget(queue: string, identity: string): void {
    this.counts.delete(`${queue}\n${identity}`);
  }

  get size(): number {
    return this.counts.size;
  }
}
