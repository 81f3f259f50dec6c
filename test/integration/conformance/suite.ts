import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../../shared/flow/document';
import type { Delivery, OutboundMessage } from '../../../shared/node-kit/brokers';
import { DEAD_LETTER_HEADERS } from '../../../shared/node-kit/brokers';
import { registry } from '../../../shared/nodes';
import { validateFlow } from '../../../shared/validate';
import { compileFlow } from '../../../runtime/compiler/compile';
import { startFlow, type RunningFlow } from '../../../runtime/engine/engine';
import { uniqueName } from '../env';
import { json, memoryLogger, text } from '../kit';
import type { ConformanceHarness, NodeSpec } from './harness';

/**
 * The one conformance suite every connector passes, through the same node types and engine a
 * user runs: open and close; keys and headers round-trip; order per key (or per channel); a
 * nack is redelivered; a poison record is dead-lettered without blocking the records behind
 * it; a busy flow stops cleanly within its deadline.
 */
const parse = (bytes: Uint8Array): unknown => JSON.parse(text(bytes));

export function conformanceSuite(makeHarness: () => Promise<ConformanceHarness>): void {
  let h: ConformanceHarness;
  const running: RunningFlow[] = [];

  beforeAll(async () => {
    h = await makeHarness();
  });

  afterAll(async () => {
    await Promise.all(running.map((f) => f.stop(10_000)));
    await h?.close();
  });

  async function run(nodes: Record<string, NodeSpec>, edges: Array<[string, string]>, errors?: FlowDocument['errors']) {
    const doc: FlowDocument = {
      format: 1,
      id: 'conformance',
      resources: h.resources(),
      nodes,
      edges: edges.map(([from, to]) => ({ from, to })),
      ...(errors ? { errors } : {}),
    };
    const problems = validateFlow(doc, registry).filter((d) => d.severity === 'error');
    expect(problems, 'the conformance flow must be valid').toEqual([]);
    const logger = memoryLogger();
    const flow = await startFlow(compileFlow(doc, registry), { logger, env: process.env, stdout: { writeLine() {} } });
    running.push(flow);
    return { flow, logger };
  }

  describe(`connector conformance`, () => {
    it('opens, moves records and closes cleanly', async () => {
      const input = await h.createChannel();
      const output = await h.createChannel();
      await h.publish(input, Array.from({ length: 10 }, (_, n) => ({ key: `k${n}`, value: json({ n }) })));
      const { flow } = await run({ src: h.sourceNode(input, uniqueName('g')), out: h.sinkNode(output) }, [['src:out', 'out:in']]);
      const got = await h.readAll(output, 10);
      expect(got.map((m) => (parse(m.value) as { n: number }).n).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
      const summary = await flow.stop(20_000);
      expect(summary.error).toBeUndefined();
      expect(summary.abandoned).toBe(0);
      expect(summary.counters.nodes.out?.out).toBe(10);
    });

    it('carries keys and headers through unchanged', async () => {
      const input = await h.createChannel();
      const output = await h.createChannel();
      const sent: OutboundMessage[] = [
        { key: 'order-1', value: json({ id: 1 }), headers: { 'trace-id': 'abc-123', tenant: 'eu-1' } },
        { key: 'order-2', value: json({ id: 2 }), headers: { 'trace-id': 'def-456', 'content-kind': 'order' } },
      ];
      await h.publish(input, sent);
      await run({ src: h.sourceNode(input, uniqueName('g')), out: h.sinkNode(output) }, [['src:out', 'out:in']]);
      const got = await h.readAll(output, 2);
      const byId = new Map(got.map((m) => [(parse(m.value) as { id: number }).id, m]));
      for (const m of sent) {
        const id = (parse(m.value as Uint8Array) as { id: number }).id;
        const out = byId.get(id);
        expect(out, `record ${id} arrived`).toBeDefined();
        expect(out?.headers).toMatchObject(m.headers as Record<string, string>);
        if (h.ordering === 'per-key') expect(out?.key).toBe(m.key);
      }
    });

    it('keeps the order of records per key (or per channel)', async () => {
      const input = await h.createChannel({ partitions: 4 });
      const output = await h.createChannel({ partitions: 4 });
      const keys = ['a', 'b', 'c', 'd'];
      const messages = Array.from({ length: 400 }, (_, n) => ({ key: keys[n % 4] as string, value: json({ k: keys[n % 4], n }) }));
      await h.publish(input, messages);
      await run({ src: h.sourceNode(input, uniqueName('g')), out: h.sinkNode(output) }, [['src:out', 'out:in']]);
      const got = (await h.readAll(output, 400)).map((m) => parse(m.value) as { k: string; n: number });
      if (h.ordering === 'channel') {
        expect(got.map((r) => r.n)).toEqual([...Array(400).keys()]);
      } else {
        for (const k of keys) {
          const seq = got.filter((r) => r.k === k).map((r) => r.n);
          expect(seq, `order of key ${k}`).toEqual([...seq].sort((a, b) => a - b));
          expect(seq).toHaveLength(100);
        }
      }
    });

    it('redelivers a record that was nacked', async () => {
      const channel = await h.createChannel();
      await h.publish(channel, [0, 1, 2].map((n) => ({ key: `k${n}`, value: json({ n }) })));
      const consumer = h.consume(channel, uniqueName('g'));
      const seen: number[] = [];
      const abort = new AbortController();
      let nacked = false;
      const done = consumer.run((d: Delivery) => {
        const n = (parse(d.value) as { n: number }).n;
        seen.push(n);
        if (n === 1 && !nacked) {
          nacked = true;
          d.settle.nack(new Error('not yet'));
          return;
        }
        d.settle.ack();
        if (seen.filter((x) => x === 1).length >= 2 && [0, 2].every((x) => seen.includes(x))) abort.abort();
      }, abort.signal);
      const deadline = setTimeout(() => abort.abort(), 60_000);
      await done;
      clearTimeout(deadline);
      await consumer.close();
      expect(seen.filter((x) => x === 1).length, `deliveries seen: ${seen.join(',')}`).toBeGreaterThanOrEqual(2);
      expect(seen).toContain(0);
      expect(seen).toContain(2);
    });

    it('dead-letters a poison record with its bytes and the reason, without blocking the records behind it', async () => {
      const input = await h.createChannel();
      const output = await h.createChannel();
      const dead = await h.createChannel();
      const poison = json({ n: 'not a number' });
      await h.publish(input, [
        { key: 'k0', value: json({ n: 0 }) },
        { key: 'k1', value: poison, headers: { origin: 'test' } },
        ...[2, 3, 4, 5].map((n) => ({ key: `k${n}`, value: json({ n }) })),
      ]);
      const { flow } = await run(
        {
          src: h.sourceNode(input, uniqueName('g')),
          keep: { type: 'core.filter', version: 1, config: { when: 'n >= 0.0' } },
          out: h.sinkNode(output),
          dlq: h.sinkNode(dead),
        },
        [
          ['src:out', 'keep:in'],
          ['keep:out', 'out:in'],
        ],
        { retry: { attempts: 1, backoff: '10ms' }, deadLetter: 'dlq' },
      );
      const good = await h.readAll(output, 5);
      expect(good.map((m) => (parse(m.value) as { n: number }).n).sort()).toEqual([0, 2, 3, 4, 5]);
      const [letter] = await h.readAll(dead, 1);
      expect(letter).toBeDefined();
      expect(text(letter?.value ?? new Uint8Array())).toBe(text(poison));
      expect(letter?.headers[DEAD_LETTER_HEADERS.node]).toBe('keep');
      expect(letter?.headers[DEAD_LETTER_HEADERS.flow]).toBe('conformance');
      expect(letter?.headers[DEAD_LETTER_HEADERS.attempts]).toBe('2');
      expect(letter?.headers[DEAD_LETTER_HEADERS.error]).toMatch(/n/);
      expect(letter?.headers.origin).toBe('test');
      expect(flow.counters().nodes.keep?.deadLettered).toBe(1);
    });

    it('stops a busy flow within its deadline, leaving nothing unsettled', async () => {
      const input = await h.createChannel();
      const output = await h.createChannel();
      await h.publish(input, Array.from({ length: 500 }, (_, n) => ({ key: `k${n % 8}`, value: json({ n }) })));
      const { flow } = await run({ src: h.sourceNode(input, uniqueName('g')), out: h.sinkNode(output) }, [['src:out', 'out:in']]);
      await h.readAll(output, 1);
      const summary = await flow.stop(15_000);
      expect(summary.outcome).toBe('stopped');
      expect(summary.abandoned).toBe(0);
      expect(summary.error).toBeUndefined();
    });
  });
}
