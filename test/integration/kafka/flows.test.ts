import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../../shared/flow/document';
import { DEAD_LETTER_HEADERS } from '../../../shared/node-kit/brokers';
import { registry } from '../../../shared/nodes';
import { validateFlow } from '../../../shared/validate';
import { compileFlow } from '../../../runtime/compiler/compile';
import { startFlow, type RunningFlow } from '../../../runtime/engine/engine';
import { uniqueName } from '../env';
import { json, memoryLogger, text, until } from '../kit';
import { KafkaKit } from './kit';

/**
 * Kafka flows through the real compiler, engine, registry and connector (the one `sluice run`
 * uses): consume → filter → produce with a dead-letter topic, and enrichment from a table topic.
 */
let kit: KafkaKit;
const running: RunningFlow[] = [];

beforeAll(() => {
  kit = new KafkaKit();
});
afterAll(async () => {
  await Promise.all(running.map((f) => f.stop(10_000)));
  await kit.close();
});

async function start(doc: Omit<FlowDocument, 'format' | 'resources'>) {
  const full: FlowDocument = {
    format: 1,
    resources: { cluster: { type: 'kafka.connection', version: 1, config: { brokers: '${env:KAFKA_BROKERS}', zone: 'eu' } } },
    ...doc,
  };
  const problems = validateFlow(full, registry).filter((d) => d.severity === 'error');
  expect(problems, 'the flow must be valid').toEqual([]);
  const logger = memoryLogger();
  const flow = await startFlow(compileFlow(full, registry), { logger, env: { KAFKA_BROKERS: kit.brokers.join(',') }, stdout: { writeLine() {} } });
  running.push(flow);
  return { flow, logger };
}

describe('kafka flows through the engine', () => {
  it('dead-letters a poison record to a DLQ topic with its original bytes and sluice-* headers, while the records behind it arrive', async () => {
    const input = await kit.createTopic('orders-in', 2);
    const output = await kit.createTopic('orders-out', 2);
    const dlq = await kit.createTopic('orders-dlq', 1);
    const group = uniqueName('flow');
    const poison = '{"id":"o-2",  "total": "lots"}';
    const notJson = 'total: 12';
    await kit.publish(input, [
      { key: 'o-1', value: json({ id: 'o-1', total: 1500 }), partition: 0 },
      { key: 'o-2', value: poison, headers: { trace: 'tr-2' }, partition: 0 },
      { key: 'o-3', value: json({ id: 'o-3', total: 20 }), partition: 0 },
      { key: 'o-4', value: json({ id: 'o-4', total: 2500 }), headers: { trace: 'tr-4' }, partition: 0 },
      { key: 'o-5', value: notJson, partition: 1 },
      { key: 'o-6', value: json({ id: 'o-6', total: 9000 }), partition: 1 },
    ]);
    const { flow, logger } = await start({
      id: 'orders-filter',
      nodes: {
        read: { type: 'kafka.consume', version: 1, config: { connection: 'cluster', topics: [input], group, start: 'earliest' } },
        big: { type: 'core.filter', version: 1, config: { when: 'total > 1000.0' } },
        write: { type: 'kafka.produce', version: 1, config: { connection: 'cluster', topic: output } },
        'dead-letters': { type: 'kafka.produce', version: 1, config: { connection: 'cluster', topic: dlq, format: 'raw' } },
      },
      edges: [
        { from: 'big:out', to: 'write:in' },
        { from: 'read:out', to: 'big:in' },
      ],
      errors: { retry: { attempts: 2, backoff: '10ms' }, deadLetter: 'dead-letters' },
    });

    const out = await kit.readCount(output, 3);
    expect(out.map((m) => m.key).sort()).toEqual(['o-1', 'o-4', 'o-6']);
    expect(out.find((m) => m.key === 'o-4')?.headers).toEqual({ trace: 'tr-4' });
    expect(JSON.parse(text(out.find((m) => m.key === 'o-4')?.value as Uint8Array))).toEqual({ id: 'o-4', total: 2500 });

    const letters = await kit.readCount(dlq, 2);
    const filterLetter = letters.find((m) => m.key === 'o-2');
    expect(text(filterLetter?.value as Uint8Array), 'the original bytes, unchanged').toBe(poison);
    expect(filterLetter?.headers).toMatchObject({
      trace: 'tr-2',
      [DEAD_LETTER_HEADERS.node]: 'big',
      [DEAD_LETTER_HEADERS.flow]: 'orders-filter',
      [DEAD_LETTER_HEADERS.attempts]: '3',
    });
    expect(filterLetter?.headers[DEAD_LETTER_HEADERS.error]).toMatch(/total|overload|string/i);
    expect(Number.isNaN(Date.parse(filterLetter?.headers[DEAD_LETTER_HEADERS.failedAt] ?? ''))).toBe(false);
    const sourceLetter = letters.find((m) => m.key === 'o-5');
    expect(text(sourceLetter?.value as Uint8Array)).toBe(notJson);
    expect(sourceLetter?.headers).toMatchObject({ [DEAD_LETTER_HEADERS.node]: 'read', [DEAD_LETTER_HEADERS.attempts]: '1' });
    expect(sourceLetter?.headers[DEAD_LETTER_HEADERS.error]).toMatch(/not valid JSON/);

    // Everything is settled, so the group's offsets reach the end of both partitions.
    await until('offsets committed to the end', async () => {
      const c = await kit.committed(group, input);
      return c[0] === 4 && c[1] === 2;
    });
    const summary = await flow.stop(20_000);
    expect(summary.outcome, logger.text()).toBe('stopped');
    expect(summary.abandoned).toBe(0);
    expect(summary.counters.nodes.big?.deadLettered).toBe(1);
    expect(summary.counters.sources.read).toMatchObject({ acked: 6, nacked: 0, inFlight: 0 });
  });

  it('enriches records from a table topic and follows its updates', async () => {
    const customers = await kit.createTopic('customers', 2, undefined, [{ name: 'cleanup.policy', value: 'compact' }]);
    const input = await kit.createTopic('payments-in', 1);
    const output = await kit.createTopic('payments-out', 1);
    await kit.publish(customers, [
      { key: 'c-1', value: json({ name: 'Ada', tier: 'gold' }) },
      { key: 'c-2', value: json({ name: 'Grace', tier: 'silver' }) },
    ]);
    await kit.publish(input, [
      { key: 'p-1', value: json({ id: 'p-1', customerId: 'c-1' }) },
      { key: 'p-2', value: json({ id: 'p-2', customerId: 'c-9' }) },
    ]);
    const { flow } = await start({
      id: 'payments-enriched',
      nodes: {
        read: { type: 'kafka.consume', version: 1, config: { connection: 'cluster', topics: [input], group: uniqueName('flow'), start: 'earliest' } },
        customer: { type: 'enrich.table', version: 1, config: { connection: 'cluster', topic: customers, key: 'customerId', into: 'customer' } },
        write: { type: 'kafka.produce', version: 1, config: { connection: 'cluster', topic: output } },
      },
      edges: [
        { from: 'customer:out', to: 'write:in' },
        { from: 'read:out', to: 'customer:in' },
      ],
    });
    const first = await kit.readCount(output, 2);
    expect(first.map((m) => JSON.parse(text(m.value)))).toEqual([
      { id: 'p-1', customerId: 'c-1', customer: { name: 'Ada', tier: 'gold' } },
      { id: 'p-2', customerId: 'c-9' },
    ]);

    await kit.publish(customers, [
      { key: 'c-9', value: json({ name: 'Linus', tier: 'bronze' }) },
      { key: 'c-1', value: '', tombstone: true },
    ]);
    // The table follows the topic: keep sending a probe until the update is visible.
    let n = 0;
    await until('the table update to show in the output', async () => {
      await kit.publish(input, [{ key: `probe-${n}`, value: json({ id: `probe-${n++}`, customerId: 'c-9' }) }]);
      const all = await kit.readToEnd(output);
      return all.some((m) => JSON.parse(text(m.value)).customer?.name === 'Linus');
    });
    await kit.publish(input, [{ key: 'p-3', value: json({ id: 'p-3', customerId: 'c-1' }) }]);
    const all = await kit.readCount(output, 3 + n);
    expect(JSON.parse(text(all.find((m) => m.key === 'p-3')?.value as Uint8Array))).toEqual({ id: 'p-3', customerId: 'c-1' });
    const summary = await flow.stop(20_000);
    expect(summary.outcome).toBe('stopped');
  });
});
