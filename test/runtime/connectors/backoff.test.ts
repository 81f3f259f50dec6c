import { describe, expect, it } from 'vitest';
import { backoffDelay, jitteredBackoff } from '../../../runtime/connectors/backoff';

/**
 * The jittered exponential backoff every broker connector (Kafka, NATS, AMQP) reconnects with.
 * (Moved here from test/integration/nats/connector.test.ts: it needs no broker.)
 */
describe('NATS reconnect backoff', () => {
  it('doubles from the initial delay up to the cap, each delay drawn from [base/2, base]', () => {
    const low = jitteredBackoff({ initialMs: 100, maxMs: 1_000, random: () => 0 });
    const high = jitteredBackoff({ initialMs: 100, maxMs: 1_000, random: () => 0.999999 });
    expect(Array.from({ length: 6 }, () => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    expect(Array.from({ length: 6 }, () => high.next())).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(low.attempts).toBe(6);
    low.reset();
    expect(low.next()).toBe(50);
    expect(backoffDelay(40, { initialMs: 250, maxMs: 15_000, random: () => 0.5 })).toBe(11_250);
  });
});
