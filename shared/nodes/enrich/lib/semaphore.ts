/**
 * A counting semaphore with a FIFO queue. `acquire` resolves with a release function once a slot
 * is free (release is idempotent and hands the slot straight to the next waiter). After `close`,
 * queued and later `acquire` calls reject with the close reason.
 *
 * Closing is one call rather than a signal per waiter: thousands of records may queue at once,
 * and an abort listener each would pile up on the flow's signal.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<{ resolve: (release: () => void) => void; reject: (reason: unknown) => void }> = [];
  private closedWith: { reason: unknown } | undefined;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`a semaphore needs a limit of at least 1, got ${limit}`);
  }

  acquire(): Promise<() => void> {
    if (this.closedWith) return Promise.reject(this.closedWith.reason);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  close(reason: unknown): void {
    if (this.closedWith) return;
    this.closedWith = { reason };
    for (const w of this.waiting.splice(0)) w.reject(reason);
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.resolve(this.releaser());
      else this.active--;
    };
  }
}
