import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../../shared/node-kit/brokers';
import { createKafkaService } from '../../../runtime/connectors/kafka';
import { json, memoryLogger, text, until } from '../kit';
import { TEST_SETTINGS } from './kit';
import { PrivateBroker } from './private-broker';

/**
 * The connector when the broker dies under it (SIGKILL) and comes back: the consumer and the
 * producer log the state, count reconnects, retry with backoff, and nothing is lost. Runs on a
 * broker of its own so the shared one is never disturbed.
 */
let broker: PrivateBroker;
beforeAll(async () => {
  broker = await PrivateBroker.create();
}, 120_000);
afterAll(async () => {
  await broker?.destroy();
});

describe('kafka connector across a broker restart', () => {
  it('consumer and producer reconnect with backoff after the broker was killed, losing nothing', async () => {
    const admin = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();

    const log = memoryLogger();
    const service = createKafkaService(log, { ...TEST_SETTINGS, clientRetries: 1, backoffInitialMs: 100, backoffMaxMs: 1_000, connectionTimeoutMs: 500, requestTimeoutMs: 3_000 });
    const connection = { brokers: broker.brokers, clientId: 'reconnect-test' };
    const producer = service.producer(connection, { topic: 'events' });
    await Promise.all(Array.from({ length: 100 }, (_, id) => producer.send({ key: `k${id % 7}`, value: json({ id }) })));

    const seen = new Set<number>();
    const abort = new AbortController();
    const consumer = service.consumer(connection, { topics: ['events'], group: 'reconnect', start: 'earliest' });
    const running = consumer.run((d: Delivery) => {
      seen.add((JSON.parse(text(d.value)) as { id: number }).id);
      d.settle.ack();
    }, abort.signal);
    await until('the first 100 records', () => seen.size === 100);

    await broker.kill();
    // Sends while the broker is down wait (retrying) instead of failing.
    let rejected: unknown;
    const pending = Promise.all(Array.from({ length: 50 }, (_, i) => producer.send({ key: `k${i % 7}`, value: json({ id: 100 + i }) }))).catch((err: unknown) => {
      rejected = err;
    });
    const stats = () => Object.fromEntries(service.connections().map((c) => [c.kind, c]));
    await until('both clients to notice and retry', () => (stats().consumer?.reconnects ?? 0) >= 1 && (stats().producer?.reconnects ?? 0) >= 1, 60_000);
    expect(stats().consumer?.state).toBe('reconnecting');

    await broker.start();
    await pending;
    expect(rejected).toBeUndefined();
    await until('all 150 records consumed after the restart', () => seen.size === 150, 90_000);
    abort.abort();
    await running;
    await consumer.close();
    await producer.close();

    const warnings = log.lines.filter((l) => l.level === 'warn' && /reconnecting/.test(l.msg));
    expect(warnings.some((l) => l.msg === 'kafka consumer lost its connection; reconnecting' && l.fields?.state === 'reconnecting')).toBe(true);
    expect(warnings.some((l) => l.msg === 'kafka produce failed; reconnecting and sending again' && typeof l.fields?.delayMs === 'number')).toBe(true);
    expect(log.lines.some((l) => l.msg === 'kafka connection state' && l.fields?.kind === 'consumer' && l.fields?.state === 'connected' && l.fields?.from !== 'connecting')).toBe(true);
  });
});
