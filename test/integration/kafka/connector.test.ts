import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConsumer, Delivery, KafkaConsumeOptions } from '../../../shared/node-kit/brokers';
import { uniqueName } from '../env';
import { json, memoryLogger, text, until } from '../kit';
import { KafkaKit } from './kit';

/**
 * The Kafka connector against the real broker: round trips, the contiguous commit rule, nack
 * and redelivery, start at a timestamp, pattern subscriptions, batching and the table.
 */
let kit: KafkaKit;
beforeAll(() => {
  kit = new KafkaKit();
});
afterAll(async () => {
  await kit.close();
});

/** Runs a consumer, keeping every delivery; `handle` decides how to settle (default: ack). */
function start(consumer: BrokerConsumer, handle: (d: Delivery, all: Delivery[]) => void = (d) => d.settle.ack()) {
  const deliveries: Delivery[] = [];
  const abort = new AbortController();
  const done = consumer.run((d) => {
    deliveries.push(d);
    handle(d, deliveries);
  }, abort.signal);
  return {
    deliveries,
    offsets: () => deliveries.map((d) => Number(d.meta.offset)),
    done,
    async stop() {
      abort.abort();
      await done;
      await consumer.close();
    },
  };
}

const consumeOptions = (topic: string, group: string, extra: Partial<KafkaConsumeOptions> = {}): KafkaConsumeOptions => ({
  topics: [topic],
  group,
  start: 'earliest',
  ...extra,
});

describe('kafka connector', () => {
  it('round-trips keys, headers, explicit partitions and raw bytes through producer and consumer', async () => {
    const topic = await kit.createTopic('rt', 3);
    const service = kit.service();
    const producer = service.producer(kit.connection(), { topic });
    const binary = new Uint8Array([0, 255, 1, 254]);
    await Promise.all([
      producer.send({ key: 'order-1', value: json({ id: 1 }), headers: { 'trace-id': 'abc', tenant: 'eu' } }),
      producer.send({ key: null, value: binary, partition: 2 }),
      producer.send({ key: 'order-3', value: 'plain text', headers: { 'content-kind': 'text' }, partition: 1 }),
    ]);
    await producer.close();

    const run = start(service.consumer(kit.connection(), consumeOptions(topic, uniqueName('g'))));
    await until('3 deliveries', () => run.deliveries.length >= 3);
    await run.stop();
    const byKey = new Map(run.deliveries.map((d) => [d.key, d]));
    expect(text(byKey.get('order-1')?.value as Uint8Array)).toBe('{"id":1}');
    expect(byKey.get('order-1')?.headers).toEqual({ 'trace-id': 'abc', tenant: 'eu' });
    expect([...(byKey.get(null)?.value as Uint8Array)]).toEqual([0, 255, 1, 254]);
    expect(byKey.get(null)?.meta.partition).toBe(2);
    expect(byKey.get('order-3')?.meta).toMatchObject({ topic, partition: 1, offset: expect.stringMatching(/^\d+$/), deliveries: 1 });
    expect(typeof byKey.get('order-3')?.meta.timestamp).toBe('number');
    expect(text(byKey.get('order-3')?.value as Uint8Array)).toBe('plain text');
  });

  it('sends records with the same key to the same partition and keeps their order', async () => {
    const topic = await kit.createTopic('keys', 4);
    const producer = kit.service().producer(kit.connection(), { topic });
    await Promise.all(Array.from({ length: 40 }, (_, n) => producer.send({ key: `k${n % 4}`, value: json({ k: `k${n % 4}`, n }) })));
    await producer.close();
    const all = await kit.readToEnd(topic);
    expect(all).toHaveLength(40);
    for (const k of ['k0', 'k1', 'k2', 'k3']) {
      const mine = all.filter((m) => m.key === k);
      expect(new Set(mine.map((m) => m.meta.partition)).size, `partitions of ${k}`).toBe(1);
      const ns = mine.map((m) => (JSON.parse(text(m.value)) as { n: number }).n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
  });

  it('batches sends made in the same tick into one produce request', async () => {
    const topic = await kit.createTopic('batch', 2);
    const service = kit.service();
    const producer = service.producer(kit.connection(), { topic, batchSize: 500 });
    await producer.send({ value: 'warm-up' });
    const before = service.connections().find((c) => c.kind === 'producer' && c.name === topic)?.requests ?? 0;
    await Promise.all(Array.from({ length: 200 }, (_, n) => producer.send({ key: `k${n}`, value: `v${n}` })));
    const stats = service.connections().find((c) => c.kind === 'producer' && c.name === topic);
    expect(stats?.requests).toBe(before + 1);
    expect(stats?.sent).toBe(201);
    await producer.flush();
    await producer.close();
    expect((await kit.readToEnd(topic)).length).toBe(201);
    expect(service.connections().some((c) => c.name === topic)).toBe(false);
  });

  it('round-robin partitioning spreads keyed records over every partition', async () => {
    const topic = await kit.createTopic('rr', 3);
    const producer = kit.service().producer(kit.connection(), { topic, partitioner: 'round-robin' });
    for (let n = 0; n < 6; n++) await producer.send({ key: 'same-key', value: `v${n}` });
    await producer.close();
    const all = await kit.readToEnd(topic);
    expect(new Set(all.map((m) => m.meta.partition))).toEqual(new Set([0, 1, 2]));
  });

  it('refuses to produce to a missing topic unless asked to create it', async () => {
    const missing = uniqueName('missing');
    const service = kit.service();
    const refusing = service.producer(kit.connection(), { topic: missing });
    await expect(refusing.send({ value: 'x' })).rejects.toThrow(/does not exist/);
    await refusing.close();
    const creating = service.producer(kit.connection(), { topic: missing, createTopic: { partitions: 2 } });
    await creating.send({ value: 'x' });
    await creating.close();
    const admin = await kit.adminClient();
    const meta = await admin.fetchTopicMetadata({ topics: [missing] });
    expect(meta.topics[0]?.partitions).toHaveLength(2);
    await admin.deleteTopics({ topics: [missing] });
  });

  it('rejects run for a topic that does not exist, naming it', async () => {
    const consumer = kit.service().consumer(kit.connection(), consumeOptions(uniqueName('nope'), uniqueName('g')));
    await expect(consumer.run(() => undefined, new AbortController().signal)).rejects.toThrow(/topic "nope-.*" does not exist/);
    await consumer.close();
  });

  it('commits only up to the last contiguous settled offset, and a restarted group gets exactly the rest', async () => {
    const topic = await kit.createTopic('contiguous', 1);
    const group = uniqueName('g');
    await kit.publish(topic, Array.from({ length: 10 }, (_, n) => ({ key: `k${n}`, value: json({ n }) })));
    const service = kit.service();
    const first = start(service.consumer(kit.connection(), consumeOptions(topic, group)), () => undefined);
    await until('10 deliveries', () => first.deliveries.length === 10);
    expect(first.offsets()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const settle = (o: number) => first.deliveries[o]?.settle.ack();
    for (const o of [0, 1, 2, 4, 5, 7, 8]) settle(o);
    await until('offset 3 committed', async () => (await kit.committed(group, topic))[0] === 3);
    settle(3);
    await until('offset 6 committed', async () => (await kit.committed(group, topic))[0] === 6);
    // 6 and 9 stay unsettled: stopping must not commit past 6.
    await first.stop();
    expect((await kit.committed(group, topic))[0]).toBe(6);

    const second = start(service.consumer(kit.connection(), consumeOptions(topic, group)));
    await until('4 redeliveries', () => second.deliveries.length >= 4);
    await until('offset 10 committed', async () => (await kit.committed(group, topic))[0] === 10);
    await second.stop();
    expect(second.offsets()).toEqual([6, 7, 8, 9]);
  });

  it('redelivers a nacked record, and only that record, then commits past it', async () => {
    const topic = await kit.createTopic('nack', 1);
    const group = uniqueName('g');
    await kit.publish(topic, [0, 1, 2, 3].map((n) => ({ key: `k${n}`, value: json({ n }) })));
    let nacked = false;
    const run = start(kit.service().consumer(kit.connection(), consumeOptions(topic, group)), (d) => {
      if (d.meta.offset === '1' && !nacked) {
        nacked = true;
        d.settle.nack(new Error('not yet'));
      } else d.settle.ack();
    });
    await until('offset 4 committed', async () => (await kit.committed(group, topic))[0] === 4);
    await run.stop();
    expect([...run.offsets()].sort()).toEqual([0, 1, 1, 2, 3]);
    const again = run.deliveries.filter((d) => d.meta.offset === '1');
    expect(again.map((d) => d.meta.deliveries)).toEqual([1, 2]);
  });

  it('starts a new group at a timestamp; a group with committed offsets resumes from them instead', async () => {
    const topic = await kit.createTopic('ts', 2);
    const now = Date.now();
    await kit.publish(topic, [0, 1, 2, 3].map((n) => ({ key: `old${n}`, value: json({ n }), timestamp: now - 60_000 + n })));
    await kit.publish(topic, [0, 1, 2, 3].map((n) => ({ key: `new${n}`, value: json({ n }), timestamp: now - 30_000 + n })));
    const group = uniqueName('g');
    const options = consumeOptions(topic, group, { start: { timestamp: now - 45_000 } });
    const service = kit.service();
    const first = start(service.consumer(kit.connection(), options));
    await until('4 deliveries', () => first.deliveries.length >= 4);
    await until('commits on both partitions', async () => {
      const c = await kit.committed(group, topic);
      return (c[0] ?? -1) + (c[1] ?? -1) === 8;
    });
    await first.stop();
    expect(first.deliveries.map((d) => d.key).sort()).toEqual(['new0', 'new1', 'new2', 'new3']);

    await kit.publish(topic, [{ key: 'later', value: json({ n: 9 }), timestamp: now - 50_000 }]);
    const second = start(service.consumer(kit.connection(), options));
    await until('1 delivery', () => second.deliveries.length >= 1);
    await until('the later record committed', async () => {
      const c = await kit.committed(group, topic);
      return (c[0] ?? -1) + (c[1] ?? -1) === 9;
    });
    await second.stop();
    expect(second.deliveries.map((d) => d.key)).toEqual(['later']);
  });

  it('starts a new group at the latest offset when asked', async () => {
    const topic = await kit.createTopic('latest', 1);
    await kit.publish(topic, [{ key: 'before', value: 'x' }]);
    const group = uniqueName('g');
    const log = memoryLogger();
    const run = start(kit.service({}, log).consumer(kit.connection(), consumeOptions(topic, group, { start: 'latest' })));
    await until('the member joined', () => log.lines.some((l) => l.msg === 'kafka connection state' && l.fields?.state === 'connected'));
    // Joined: the start position is resolved at the first fetch, right after the join.
    await until('the start position', async () => {
      await kit.publish(topic, [{ key: 'after', value: 'y' }]);
      return run.deliveries.length > 0;
    });
    await run.stop();
    expect(run.deliveries.every((d) => d.key === 'after')).toBe(true);
  });

  it('subscribes by pattern to matching topics only, and picks up matching topics created later', async () => {
    const prefix = uniqueName('pat');
    const a1 = await kit.createTopic('', 1, `${prefix}.orders.eu`);
    const a2 = await kit.createTopic('', 2, `${prefix}.orders.us`);
    const other = await kit.createTopic('', 1, `${prefix}.payments.eu`);
    await kit.publish(a1, [{ key: 'a1', value: 'a1' }]);
    await kit.publish(a2, [{ key: 'a2', value: 'a2' }]);
    await kit.publish(other, [{ key: 'other', value: 'other' }]);
    const run = start(kit.service().consumer(kit.connection(), consumeOptions(`/${prefix.replace(/[.-]/g, '\\$&')}\\.orders\\..*/`, uniqueName('g'))));
    await until('2 deliveries', () => run.deliveries.length >= 2);
    const later = await kit.createTopic('', 1, `${prefix}.orders.apac`);
    await kit.publish(later, [{ key: 'later', value: 'later' }]);
    await until('the record of the new topic', () => run.deliveries.some((d) => d.key === 'later'), 60_000);
    await run.stop();
    expect(run.deliveries.map((d) => d.key).sort()).toEqual(['a1', 'a2', 'later']);
    expect(run.deliveries.find((d) => d.key === 'later')?.meta.topic).toBe(later);
  });

  it('bounds the deliveries in flight and resumes as they settle', async () => {
    const topic = await kit.createTopic('inflight', 1);
    await kit.publish(topic, Array.from({ length: 30 }, (_, n) => ({ value: `v${n}` })));
    const held: Delivery[] = [];
    const run = start(kit.service().consumer(kit.connection(), consumeOptions(topic, uniqueName('g'), { maxInFlight: 5 })), (d) => void held.push(d));
    await until('5 deliveries', () => run.deliveries.length === 5);
    // With 5 unsettled nothing more is handed over; settling 2 lets exactly 2 more through.
    await new Promise((r) => setTimeout(r, 500));
    expect(run.deliveries).toHaveLength(5);
    held.splice(0, 2).forEach((d) => d.settle.ack());
    await until('7 deliveries', () => run.deliveries.length === 7);
    for (;;) {
      const next = held.shift();
      if (next) next.settle.ack();
      else if (run.deliveries.length === 30) break;
      else await new Promise((r) => setTimeout(r, 20));
    }
    await run.stop();
    expect(run.offsets()).toEqual([...Array(30).keys()]);
  });

  it('shares partitions with a second member: rebalance without loss, offsets committed to the end', async () => {
    const topic = await kit.createTopic('rebalance', 4);
    const group = uniqueName('g');
    let produced = 0;
    let producing = true;
    // Records keep arriving while the second member joins, so both have work.
    const feeding = (async () => {
      while (producing) {
        await kit.publish(topic, Array.from({ length: 50 }, (_, i) => ({ key: `k${(produced + i) % 16}`, value: json({ id: produced + i }) })));
        produced += 50;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const acked = new Set<number>();
    let deliveries = 0;
    // Acks a little later, as a flow would; the returned promise is the backpressure.
    const handle = (d: Delivery) => {
      deliveries++;
      const id = (JSON.parse(text(d.value)) as { id: number }).id;
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          d.settle.ack();
          acked.add(id);
          resolve();
        }, 1),
      );
    };
    const logA = memoryLogger();
    const logB = memoryLogger();
    const run = (log: ReturnType<typeof memoryLogger>) => {
      const service = kit.service({}, log);
      const consumer = service.consumer(kit.connection(), consumeOptions(topic, group, { maxInFlight: 20 }));
      const abort = new AbortController();
      let count = 0;
      const done = consumer.run((d) => {
        count++;
        return handle(d);
      }, abort.signal);
      return { count: () => count, stop: async () => (abort.abort(), await done, await consumer.close()), stats: () => JSON.stringify(service.connections()) };
    };
    const a = run(logA);
    await until('member A to be busy', () => a.count() >= 200);
    const b = run(logB);
    try {
      await until('member B to get records', () => b.count() >= 200, 60_000);
    } finally {
      producing = false;
      await feeding;
    }
    const N = produced;
    await until(`all ${N} records acknowledged`, () => acked.size === N, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${acked.size} acknowledged, ${deliveries} deliveries\nA: ${a.stats()}\n${logA.text()}\nB: ${b.stats()}\nB:\n${logB.text()}`);
    });
    await until('offsets committed to the end', async () => {
      const c = await kit.committed(group, topic);
      return [0, 1, 2, 3].reduce((n, p) => n + Math.max(0, c[p] ?? 0), 0) === N;
    });
    await Promise.all([a.stop(), b.stop()]);
    expect(logA.lines.some((l) => l.msg === 'kafka group is rebalancing'), logA.text()).toBe(true);
    expect(a.count() + b.count()).toBe(deliveries);
    // At least once: every record acknowledged; delivered again only what was in flight at the rebalance.
    expect(deliveries - N, `${deliveries} deliveries of ${N} records\nA:\n${logA.text()}\nB:\n${logB.text()}`).toBeLessThanOrEqual(2 * 20);
  });

  it('materialises a table: latest value per key, tombstones delete, updates are followed', async () => {
    const topic = await kit.createTopic('table', 2, undefined, [{ name: 'cleanup.policy', value: 'compact' }]);
    await kit.publish(topic, [
      { key: 'DE', value: json({ region: 'EU', v: 1 }) },
      { key: 'US', value: json({ region: 'NA' }) },
      { key: 'FR', value: json({ region: 'EU' }) },
      { key: 'DE', value: json({ region: 'EU', v: 2 }) },
      { key: 'FR', value: '', tombstone: true },
    ]);
    const table = kit.service().table(kit.connection(), { topic });
    await table.ready();
    expect(text(table.get('DE') as Uint8Array)).toBe('{"region":"EU","v":2}');
    expect(text(table.get('US') as Uint8Array)).toBe('{"region":"NA"}');
    expect(table.get('FR')).toBeUndefined();
    expect(table.size()).toBe(2);

    await kit.publish(topic, [
      { key: 'US', value: '', tombstone: true },
      { key: 'JP', value: json({ region: 'APAC' }) },
      { key: 'DE', value: json({ region: 'EU', v: 3 }) },
    ]);
    await until('the table to follow', () => table.get('US') === undefined && table.get('JP') !== undefined && text(table.get('DE') as Uint8Array).includes('"v":3'));
    expect(table.size()).toBe(2);
    await table.close();
  });

  it('a table of an empty topic is ready at once; of a missing topic it rejects', async () => {
    const service = kit.service();
    const empty = service.table(kit.connection(), { topic: await kit.createTopic('empty', 3) });
    await empty.ready();
    expect(empty.size()).toBe(0);
    await empty.close();
    const missing = service.table(kit.connection(), { topic: uniqueName('missing') });
    await expect(missing.ready()).rejects.toThrow(/does not exist/);
    await missing.close();
  });

  it('retries with backoff and logs the state while the broker is unreachable', async () => {
    const log = memoryLogger();
    const service = kit.service({ backoffInitialMs: 50, backoffMaxMs: 200, connectionTimeoutMs: 300, clientRetries: 0 }, log);
    const consumer = service.consumer({ brokers: ['127.0.0.1:1'] }, { topics: ['t'], group: uniqueName('g'), start: 'earliest' });
    const abort = new AbortController();
    const done = consumer.run(() => undefined, abort.signal);
    await until('2 reconnects', () => (service.connections().find((c) => c.kind === 'consumer')?.reconnects ?? 0) >= 2, 60_000);
    abort.abort();
    await done;
    await consumer.close();
    const warnings = log.lines.filter((l) => l.msg === 'kafka consumer lost its connection; reconnecting');
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings[0]?.fields).toMatchObject({ state: 'reconnecting', brokers: '127.0.0.1:1', attempt: 1 });
    expect(String(warnings[0]?.fields?.error)).toMatch(/connect|ECONNREFUSED/i);
  });
});
