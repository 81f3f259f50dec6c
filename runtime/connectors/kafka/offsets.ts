/**
 * Per-partition bookkeeping of a consumer: which offsets were handed to the flow, which of them
 * are settled, and so which offset may be committed. Pure logic, no kafkajs.
 *
 * Rule: the committed offset is the first offset that is not yet acknowledged (Kafka commits the
 * *next* offset to read), i.e. one past the last CONTIGUOUS acknowledged offset. A record acked
 * out of order waits until every earlier handed-over record is acked too.
 *
 * Offsets are JavaScript numbers: exact up to 2^53, far beyond any real partition.
 */

const OPEN = 0;
const ACKED = 1;
const NACKED = 2;
type EntryState = typeof OPEN | typeof ACKED | typeof NACKED;

/** What to do with a record fetched from the partition. */
export type Fetched =
  /** Never handed over: hand it over. */
  | 'new'
  /** Handed over before and acknowledged, or still in the flow: do not hand it over again. */
  | 'skip'
  /** Handed over before and nacked: hand it over again. */
  | 'redeliver';

export class PartitionTracker {
  private offsets: number[] = [];
  private states: EntryState[] = [];
  private attempts: number[] = [];
  /** Entries before `head` are acknowledged without gaps; those before `confirmed` are committed too. */
  private head = 0;
  private confirmed = 0;
  /** One past the highest offset ever handed over; undefined before the first. */
  private next: number | undefined;
  private nackedCount = 0;
  /** Offset the broker confirmed as committed for this partition (by us). */
  private committedAt: number | undefined;
  /** Set when the partition was taken away: late settlements are ignored. */
  revoked = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** Handed over and not settled, or nacked and waiting for redelivery. */
  get unsettled(): number {
    let n = 0;
    for (let i = this.head; i < this.offsets.length; i++) if (this.states[i] !== ACKED) n++;
    return n;
  }

  /** Records handed over whose commit the broker has not confirmed yet (what a crash would deliver again). */
  get uncommitted(): number {
    return this.offsets.length - this.confirmed;
  }

  get lastCommitted(): number | undefined {
    return this.committedAt;
  }

  /**
   * The broker confirmed a commit of `offset`: entries below it stop counting as uncommitted.
   * Returns how many entries that released.
   */
  committed(offset: number): number {
    if (this.committedAt !== undefined && offset <= this.committedAt) return 0;
    this.committedAt = offset;
    const before = this.confirmed;
    while (this.confirmed < this.head && (this.offsets[this.confirmed] as number) < offset) this.confirmed++;
    const released = this.confirmed - before;
    this.compact();
    return released;
  }

  /** One past the highest offset handed over (where fetching continues), if any was. */
  get position(): number | undefined {
    return this.next;
  }

  classify(offset: number): Fetched {
    if (this.next === undefined || offset >= this.next) return 'new';
    const i = this.find(offset);
    if (i < 0) return 'skip';
    return this.states[i] === NACKED ? 'redeliver' : 'skip';
  }

  /**
   * Records that `offset` is handed over (again, for a nacked one). Returns the delivery attempt
   * (1 the first time). New offsets must come in increasing order.
   */
  handOver(offset: number): number {
    if (this.next === undefined || offset >= this.next) {
      this.offsets.push(offset);
      this.states.push(OPEN);
      this.attempts.push(1);
      this.next = offset + 1;
      return 1;
    }
    const i = this.find(offset);
    if (i < 0 || this.states[i] !== NACKED) throw new Error(`offset ${offset} of ${this.topic}[${this.partition}] is not waiting for redelivery`);
    this.states[i] = OPEN;
    this.nackedCount--;
    return ++(this.attempts[i] as number);
  }

  /** Marks `offset` acknowledged; returns false when it was not open (already settled, or unknown). */
  ack(offset: number): boolean {
    const i = this.find(offset);
    if (i < 0 || this.states[i] !== OPEN) return false;
    this.states[i] = ACKED;
    this.popAcked();
    return true;
  }

  /** Marks `offset` for redelivery; returns false when it was not open. */
  nack(offset: number): boolean {
    const i = this.find(offset);
    if (i < 0 || this.states[i] !== OPEN) return false;
    this.states[i] = NACKED;
    this.nackedCount++;
    return true;
  }

  /** The lowest nacked offset: where to rewind the partition so it is delivered again. */
  firstNacked(): number | undefined {
    if (this.nackedCount === 0) return undefined;
    for (let i = this.head; i < this.offsets.length; i++) if (this.states[i] === NACKED) return this.offsets[i];
    return undefined;
  }

  /** Where fetching should continue after a rejoin: the first nacked offset, else the position. */
  resumeAt(): number | undefined {
    return this.firstNacked() ?? this.next;
  }

  /**
   * The offset to commit: the first handed-over offset not yet acknowledged, or one past the
   * last handed over when all are acknowledged; undefined before anything was handed over.
   */
  committable(): number | undefined {
    if (this.head < this.offsets.length) return this.offsets[this.head];
    return this.next;
  }

  /** Committable and different from what the broker last confirmed. */
  pendingCommit(): number | undefined {
    const c = this.committable();
    return c !== undefined && c !== this.committedAt ? c : undefined;
  }

  private popAcked(): void {
    while (this.head < this.offsets.length && this.states[this.head] === ACKED) this.head++;
  }

  /** Drops committed entries once they are the larger part of the arrays. */
  private compact(): void {
    const n = this.confirmed;
    if (n > 1024 && n * 2 > this.offsets.length) {
      this.offsets = this.offsets.slice(n);
      this.states = this.states.slice(n);
      this.attempts = this.attempts.slice(n);
      this.head -= n;
      this.confirmed = 0;
    }
  }

  /** Index of `offset` among the live entries (binary search), or -1. */
  private find(offset: number): number {
    let lo = this.head;
    let hi = this.offsets.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.offsets[mid] as number;
      if (v === offset) return mid;
      if (v < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
