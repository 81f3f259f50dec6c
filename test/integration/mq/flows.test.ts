import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileFlow } from '../../../runtime/compiler/compile';
import { createAmqpService, type AmqpService } from '../../../runtime/connectors/amqp';
import { startFlow, type RunningFlow } from '../../../runtime/engine/engine';
import type { FlowDocument } from '../../../shared/flow/document';
import { DEAD_LETTER_HEADERS, type BrokerServices } from '../../../shared/node-kit/brokers';
import { defineNode, type NodeDefinition } from '../../../shared/node-kit/define';
import type { Message } from '../../../shared/node-kit/message';
import { createRegistry } from '../../../shared/node-kit/registry';
import { NODE_TYPES, RESOURCE_TYPES } from '../../../shared/nodes';
import { validateFlow } from '../../../shared/validate';
import { json, memoryLogger, waitFor } from '../kit';
import { amqpUrl, connectionConfig, connectionEnv, declareQueue, publish, queueDepth, take, text } from './broker';

/**
 * MQ flows end to end on the real RabbitMQ, through the compiler and the engine: a source
 * message is accepted only once its sink accepted, a hard stop hands it back for redelivery,
 * the link credit bounds what the flow holds, and a message delivered too often is
 * dead-lettered into an MQ queue without holding up the messages behind it.
 */

/** A sink that holds every write until the test opens it, so a record can be kept "in the sink". */
function gate() {
  const g = {
    writes: [] as Message[],
    open: false,
    waiting: [] as Array<() => void>,
    release() {
      g.open = true;
      for (const w of g.waiting.splice(0)) w();
    },
    def: undefined as unknown as NodeDefinition,
  };
  g.def = defineNode({
    type: 'test.gate',
    version: 1,
    category: 'sink',
    title: 'gate',
    summary: 'holds writes until opened',
    docs: '',
    icon: 'test',
    ports: { inputs: [{ name: 'in' }], outputs: [] },
    config: z.object({}).passthrough(),
    create: () => ({
      role: 'sink',
      write(msg) {
        g.writes.push(msg);
        if (g.open) return;
        return new Promise<void>((resolve) => g.waiting.push(resolve));
      },
    }),
    examples: [],
  });
  return g;
}

const running: RunningFlow[] = [];
afterAll(async () => {
  await Promise.all(running.map((f) => f.stop(5_000)));
});

function amqpOnly(amqp: AmqpService): BrokerServices {
  const refuse = (): never => {
    throw new Error('this MQ flow test has only AMQP');
  };
  return { amqp, kafka: { consumer: refuse, producer: refuse, table: refuse }, nats: { consumer: refuse, publisher: refuse } };
}

async function run(
  nodes: FlowDocument['nodes'],
  edges: Array<[string, string]>,
  options: { errors?: FlowDocument['errors']; extra?: NodeDefinition[]; amqp?: AmqpService } = {},
) {
  const registry = createRegistry([...NODE_TYPES, ...(options.extra ?? [])], RESOURCE_TYPES);
  const doc: FlowDocument = {
    format: 1,
    id: 'mq-flow',
    resources: { mq: { type: 'mq.connection', version: 1, config: connectionConfig() } },
    nodes,
    edges: edges.map(([from, to]) => ({ from, to })),
    ...(options.errors ? { errors: options.errors } : {}),
  };
  const problems = validateFlow(doc, registry).filter((d) => d.severity === 'error');
  expect(problems, 'the test flow must be valid').toEqual([]);
  const logger = memoryLogger();
  const amqp = options.amqp ?? createAmqpService(logger, { initialBackoffMs: 50, maxBackoffMs: 500 });
  const flow = await startFlow(compileFlow(doc, registry), {
    logger,
    env: { ...process.env, ...connectionEnv() },
    brokers: amqpOnly(amqp),
    stdout: { writeLine() {} },
  });
  running.push(flow);
  return { flow, logger, amqp };
}

const receiveNode = (queue: string, extra: Record<string, unknown> = {}) => ({ type: 'mq.receive', version: 1, config: { connection: 'mq', queue, ...extra } });
const sendNode = (queue: string, extra: Record<string, unknown> = {}) => ({ type: 'mq.send', version: 1, config: { connection: 'mq', queue, ...extra } });

describe('MQ flows on RabbitMQ', () => {
  it('moves messages between durable queues with key, application properties and a computed message id', async () => {
    const input = declareQueue('flow-in');
    const output = declareQueue('flow-out');
    await publish(input, [
      { value: json({ paymentId: 'p-1', amount: 10 }), key: 'corr-1', headers: { 'trace-id': 't-1' } },
      { value: json({ paymentId: 'p-2', amount: 20 }), key: 'corr-2', headers: { 'trace-id': 't-2' } },
      { value: json({ paymentId: 'p-3', amount: 30 }) },
    ]);
    const { flow, logger } = await run({ in: receiveNode(input), out: sendNode(output, { messageId: 'paymentId' }) }, [['in:out', 'out:in']]);
    const got = await take(output, 3);
    expect(got.map(text)).toEqual(['{"paymentId":"p-1","amount":10}', '{"paymentId":"p-2","amount":20}', '{"paymentId":"p-3","amount":30}']);
    expect(got.map((m) => m.key)).toEqual(['corr-1', 'corr-2', null]);
    expect(got.map((m) => m.headers['trace-id'])).toEqual(['t-1', 't-2', undefined]);
    expect(got.map((m) => m.meta.messageId)).toEqual(['p-1', 'p-2', 'p-3']);
    const summary = await flow.stop(10_000);
    expect(summary.error).toBeUndefined();
    expect(summary.counters.sources.in).toMatchObject({ acked: 3, nacked: 0, inFlight: 0 });
    expect(queueDepth(input)).toEqual({ ready: 0, unacked: 0 });
    expect(logger.text(), 'the password never reaches the logs').not.toContain(`:${connectionEnv().SLUICE_TEST_MQ_PASSWORD}@`);
  });

  it('accepts a message only after its sink accepted it; stopped hard before that, the broker delivers it again', async () => {
    const input = declareQueue('slow-sink');
    await publish(input, [{ value: json({ id: 'slow-1' }), id: 'slow-1' }]);

    const first = gate();
    const a = await run({ in: receiveNode(input), slow: { type: 'test.gate', version: 1 } }, [['in:out', 'slow:in']], { extra: [first.def] });
    await waitFor('the record to reach the slow sink', () => first.writes.length === 1);
    // While the sink works on it, the message is delivered but not accepted.
    await waitFor('the broker to hold it unacknowledged', () => queueDepth(input).unacked === 1, { describe: () => JSON.stringify(queueDepth(input)) });
    expect(queueDepth(input)).toEqual({ ready: 0, unacked: 1 });
    const stopped = await a.flow.stop(300);
    expect(stopped.abandoned).toBe(1);
    expect(stopped.counters.sources.in).toMatchObject({ acked: 0, nacked: 1 });
    await waitFor('the message to be back on the queue', () => queueDepth(input).ready === 1, { describe: () => JSON.stringify(queueDepth(input)) });

    const second = gate();
    const b = await run({ in: receiveNode(input), slow: { type: 'test.gate', version: 1 } }, [['in:out', 'slow:in']], { extra: [second.def] });
    await waitFor('the record to reach the sink again', () => second.writes.length === 1);
    const again = second.writes[0]!;
    expect(again.value).toEqual({ id: 'slow-1' });
    expect(again.meta?.deliveries, 'RabbitMQ marks it redelivered').toBe(2);
    expect(queueDepth(input)).toEqual({ ready: 0, unacked: 1 });
    second.release();
    await waitFor('the source to be acked', () => b.flow.counters().sources.in?.acked === 1);
    await waitFor('the broker to drop the accepted message', () => queueDepth(input).unacked === 0, { describe: () => JSON.stringify(queueDepth(input)) });
    expect(queueDepth(input)).toEqual({ ready: 0, unacked: 0 });
    const summary = await b.flow.stop(10_000);
    expect(summary.abandoned).toBe(0);
  });

  it('never holds more messages from the queue than maxInFlight', async () => {
    const input = declareQueue('window');
    await publish(input, Array.from({ length: 30 }, (_, n) => ({ value: json({ n }) })));
    const g = gate();
    const { flow, amqp } = await run({ in: receiveNode(input, { maxInFlight: 4 }), slow: { type: 'test.gate', version: 1 } }, [['in:out', 'slow:in']], { extra: [g.def] });
    await waitFor('4 records in the sink', () => g.writes.length === 4);
    await waitFor('the broker to show 4 unacknowledged', () => queueDepth(input).unacked === 4, { describe: () => JSON.stringify(queueDepth(input)) });
    expect(queueDepth(input)).toEqual({ ready: 26, unacked: 4 });
    expect(g.writes).toHaveLength(4);
    g.release();
    await waitFor('all 30 acked', () => flow.counters().sources.in?.acked === 30, { describe: () => JSON.stringify(flow.counters().sources) });
    expect(g.writes.map((m) => (m.value as { n: number }).n)).toEqual([...Array(30).keys()]);
    expect(amqp.stats().receivers[0]).toMatchObject({ credit: 4, maxUnsettled: 4, accepted: 30 });
    await flow.stop(10_000);
    expect(queueDepth(input)).toEqual({ ready: 0, unacked: 0 });
  });

  it('dead-letters a message delivered more than maxDeliveries times, and an unreadable one, into an MQ queue; the messages behind them go through', async () => {
    const input = declareQueue('poison-in');
    const output = declareQueue('poison-out');
    const dead = declareQueue('poison-dead');
    const poison = json({ n: 0, note: 'crashed the runtime before' });
    await publish(input, [
      { value: poison, id: 'poison-1', key: 'corr-p', headers: { origin: 'bank' } },
      { value: json({ n: 1 }), id: 'good-1' },
      { value: '{"n": 2,', id: 'bad-1' },
      { value: json({ n: 3 }), id: 'good-3' },
      { value: json({ n: 4 }), id: 'good-4' },
    ]);
    // Three deliveries of the poison message that were not processed (in production: runs that
    // crashed on it, or a flow that could not keep it). RabbitMQ reports no count, so the runtime
    // counts them; the flow below uses the same connector service, as one runtime process would.
    const logger = memoryLogger();
    const amqp = createAmqpService(logger, { initialBackoffMs: 50, maxBackoffMs: 500 });
    const prelude = amqp.receiver({ url: amqpUrl() }, { address: input, credit: 1 });
    const abort = new AbortController();
    const seen: Array<[string, number]> = [];
    await prelude.run((d) => {
      seen.push([String(d.meta.messageId), d.meta.deliveries as number]);
      d.settle.nack(new Error('the runtime went down with it'));
      if (seen.length === 3) abort.abort();
    }, abort.signal);
    await prelude.close();
    expect(seen).toEqual([
      ['poison-1', 1],
      ['poison-1', 2],
      ['poison-1', 3],
    ]);

    const { flow } = await run(
      {
        in: receiveNode(input, { maxDeliveries: 3 }),
        keep: { type: 'core.filter', version: 1, config: { when: 'n >= 0.0' } },
        out: sendNode(output),
        dlq: sendNode(dead, { format: 'raw' }),
      },
      [
        ['in:out', 'keep:in'],
        ['keep:out', 'out:in'],
      ],
      { errors: { deadLetter: 'dlq' }, amqp },
    );
    const good = await take(output, 3);
    expect(good.map((m) => (JSON.parse(text(m)) as { n: number }).n)).toEqual([1, 3, 4]);
    const letters = await take(dead, 2);
    const byId = new Map(letters.map((m) => [text(m), m]));
    const p = byId.get(text({ value: poison }));
    expect(p, `dead letters: ${letters.map(text).join(' | ')}`).toBeDefined();
    expect(p!.key).toBe('corr-p');
    expect(p!.headers).toMatchObject({
      origin: 'bank',
      [DEAD_LETTER_HEADERS.node]: 'in',
      [DEAD_LETTER_HEADERS.flow]: 'mq-flow',
      [DEAD_LETTER_HEADERS.attempts]: '1',
      [DEAD_LETTER_HEADERS.error]: 'MaxDeliveriesError: delivered 3 times without being processed (max deliveries 3)',
    });
    const bad = byId.get('{"n": 2,');
    expect(bad, `dead letters: ${letters.map(text).join(' | ')}`).toBeDefined();
    expect(bad!.headers[DEAD_LETTER_HEADERS.error]).toMatch(/^PayloadError: the payload is not valid JSON/);
    const summary = await flow.stop(10_000);
    expect(summary.error).toBeUndefined();
    expect(summary.counters.sources.in).toMatchObject({ acked: 5, nacked: 0 });
    expect(queueDepth(input)).toEqual({ ready: 0, unacked: 0 });
  });
});
