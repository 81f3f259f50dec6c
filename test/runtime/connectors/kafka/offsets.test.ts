import { describe, expect, it } from 'vitest';
import { PartitionTracker } from '../../../../runtime/connectors/kafka/offsets';

/** The commit rule of the Kafka consumer, without a broker: only contiguous acknowledged offsets count. */
function handed(offsets: number[]): PartitionTracker {
  const t = new PartitionTracker('orders', 0);
  for (const o of offsets) expect(t.handOver(o)).toBe(1);
  return t;
}

describe('PartitionTracker', () => {
  it('commits up to the first offset not acknowledged, whatever the order of acks', () => {
    const t = handed([10, 11, 12, 13, 14]);
    expect(t.committable()).toBe(10);
    t.ack(12);
    t.ack(11);
    expect(t.committable()).toBe(10);
    t.ack(10);
    expect(t.committable()).toBe(13);
    t.ack(14);
    expect(t.committable()).toBe(13);
    t.ack(13);
    expect(t.committable()).toBe(15);
    expect(t.unsettled).toBe(0);
  });

  it('steps over gaps in the offsets (compaction, transaction markers)', () => {
    const t = handed([3, 7, 8]);
    t.ack(3);
    expect(t.committable()).toBe(7);
    t.ack(8);
    t.ack(7);
    expect(t.committable()).toBe(9);
  });

  it('says nothing to commit before anything was handed over, and only what moved', () => {
    const t = new PartitionTracker('orders', 1);
    expect(t.committable()).toBeUndefined();
    t.handOver(0);
    t.ack(0);
    expect(t.pendingCommit()).toBe(1);
    t.committed(1);
    expect(t.pendingCommit()).toBeUndefined();
    expect(t.lastCommitted).toBe(1);
  });

  it('a nack holds the commit back and marks only that record for redelivery', () => {
    const t = handed([0, 1, 2, 3]);
    t.ack(0);
    expect(t.nack(1)).toBe(true);
    t.ack(2);
    expect(t.firstNacked()).toBe(1);
    expect(t.committable()).toBe(1);
    // Fetched again from the rewind point: 1 again, 2 (acked) and 3 (still in the flow) not.
    expect([1, 2, 3].map((o) => t.classify(o))).toEqual(['redeliver', 'skip', 'skip']);
    expect(t.classify(0)).toBe('skip');
    expect(t.classify(4)).toBe('new');
    expect(t.handOver(1)).toBe(2);
    expect(t.firstNacked()).toBeUndefined();
    t.ack(1);
    t.ack(3);
    expect(t.committable()).toBe(4);
  });

  it('resumes after a rejoin at the first nacked offset, else where it was', () => {
    const t = handed([5, 6, 7]);
    expect(t.resumeAt()).toBe(8);
    t.nack(6);
    expect(t.resumeAt()).toBe(6);
  });

  it('settles each delivery once: a second ack or nack changes nothing', () => {
    const t = handed([0, 1]);
    expect(t.ack(0)).toBe(true);
    expect(t.ack(0)).toBe(false);
    expect(t.nack(0)).toBe(false);
    expect(t.ack(9)).toBe(false);
    expect(() => t.handOver(0)).toThrow(/not waiting for redelivery/);
  });

  it('counts records handed over until the broker confirms their commit', () => {
    const t = handed([0, 1, 2, 3]);
    expect(t.uncommitted).toBe(4);
    t.ack(0);
    t.ack(1);
    expect(t.uncommitted).toBe(4);
    expect(t.committed(2)).toBe(2);
    expect(t.uncommitted).toBe(2);
    expect(t.committed(2)).toBe(0);
    expect(t.committed(1)).toBe(0);
  });

  it('keeps its count exact across compactions over a long run', () => {
    const t = new PartitionTracker('orders', 0);
    let uncommitted = 0;
    for (let o = 0; o < 100_000; o++) {
      t.handOver(o);
      uncommitted++;
      t.ack(o);
      if (o % 500 === 499) uncommitted -= t.committed(o + 1);
      expect(t.uncommitted).toBe(uncommitted);
    }
    expect(uncommitted).toBe(0);
    expect(t.committable()).toBe(100_000);
    expect(t.classify(99_999)).toBe('skip');
    expect(t.classify(100_000)).toBe('new');
  });
});
