/**
 * Jittered exponential backoff shared by every broker connector (Kafka, NATS, AMQP) for
 * (re)connecting and for restarting a consumer. The n-th delay is drawn uniformly from
 * [base/2, base] with base = min(maxMs, initialMs · 2^(n-1)) ("equal jitter"), so many runtimes
 * that lost the same broker do not come back in lock step, and none retries in a tight loop.
 */
export interface Backoff {
  /** The delay before the next attempt; each call counts one failed attempt. */
  next(): number;
  /** Call after a success: the next failure starts again at the initial delay. */
  reset(): void;
  /** Failed attempts since the last reset. */
  readonly attempts: number;
}

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** Random source in [0, 1); injectable for tests. */
  random?: () => number;
}

/** The jittered delay before attempt `attempt + 1` after `attempt` failures (1-based; 0 counts as 1). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return Math.round(base / 2 + random() * (base / 2));
}

/** A counter of failed attempts handing out `backoffDelay` for each. */
export function jitteredBackoff(options: BackoffOptions = {}): Backoff {
  let attempts = 0;
  return {
    next() {
      attempts++;
      return backoffDelay(attempts, options);
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
