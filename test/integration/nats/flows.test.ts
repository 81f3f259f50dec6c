import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckPolicy } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { FlowDocument } from '../../../shared/flow/document';
import { DEAD_LETTER_HEADERS } from '../../../shared/node-kit/brokers';
import { registry } from '../../../shared/nodes';
import { validateFlow } from '../../../shared/validate';
import { compileFlow } from '../../../runtime/compiler/compile';
import { startFlow, type RunningFlow } from '../../../runtime/engine/engine';
import { headerRecord } from '../../../runtime/connectors/nats/consumer';
import { testEnv, uniqueName } from '../env';
import { memoryLogger, waitFor } from '../kit';
import { admin, type Admin } from './helpers';

/**
 * NATS flows end to end through validateFlow, compileFlow and startFlow with the real registry
 * and the real connector: filter between two JetStream subjects, max deliveries to a dead-letter
 * subject, a dead-letter target that is down, de-duplication of replays, stop and restart, core
 * subjects and subject placeholders.
 */
const enc = new TextEncoder();
const dec = new TextDecoder();
const json = (v: unknown) => enc.encode(JSON.stringify(v));

describe('NATS flows', () => {
  const servers = testEnv().nats.servers;
  let a: Admin;
  const running: RunningFlow[] = [];

  beforeAll(async () => {
    a = await admin(servers);
  });

  afterAll(async () => {
    await Promise.all(running.map((f) => f.stop(10_000)));
    await a?.close();
  });

  const resources = { edge: { type: 'nats.connection', version: 1, config: { servers: '${env:TEST_NATS_URL}', zone: 'eu' } } };

  async function start(nodes: FlowDocument['nodes'], edges: Array<[string, string]>, errors?: FlowDocument['errors']) {
    const doc: FlowDocument = { format: 1, id: 'nats-flow', resources, nodes, edges: edges.map(([from, to]) => ({ from, to })), ...(errors ? { errors } : {}) };
    const problems = validateFlow(doc, registry).filter((d) => d.severity === 'error');
    expect(problems, 'the flow must be valid').toEqual([]);
    const logger = memoryLogger();
    const flow = await startFlow(compileFlow(doc, registry), { logger, env: { TEST_NATS_URL: servers.join(',') }, stdout: { writeLine() {} } });
    running.push(flow);
    return { flow, logger };
  }

  async function publish(subject: string, values: unknown[], headers?: Record<string, string>) {
    const js = a.jsm.jetstream();
    for (const v of values) {
      const h = natsHeaders();
      for (const [k, val] of Object.entries(headers ?? {})) h.set(k, val);
      await js.publish(subject, typeof v === 'string' ? enc.encode(v) : json(v), { headers: h });
    }
  }

  /** Every message in a stream, in order. */
  async function stored(stream: string) {
    const info = await a.jsm.streams.info(stream);
    const out: Array<{ subject: string; text: string; headers: Record<string, string> }> = [];
    for (let seq = info.state.first_seq; seq > 0 && seq <= info.state.last_seq; seq++) {
      const m = await a.jsm.streams.getMessage(stream, { seq });
      if (m) out.push({ subject: m.subject, text: dec.decode(m.data), headers: headerRecord(m.header) });
    }
    return out;
  }

  async function waitStored(stream: string, count: number, timeoutMs = 30_000, logger?: { text(): string }) {
    let last = 0;
    await waitFor(`${count} messages in stream ${stream}`, async () => (last = (await a.jsm.streams.info(stream)).state.messages) >= count, {
      timeoutMs,
      describe: () => `${last} stored\n${logger?.text() ?? ''}`,
    });
    return stored(stream);
  }

  async function allAcked(stream: string, durable: string) {
    await waitFor(`durable ${durable} to have acked everything`, async () => {
      const info = await a.jsm.consumers.info(stream, durable);
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
  }

  it('consumes, filters and publishes JetStream messages with their headers, acking filtered ones too', async () => {
    const input = await a.stream('in');
    const output = await a.stream('out');
    const durable = uniqueName('d');
    await publish(`${input}.orders`, [
      { id: 'o-1', total: 1500.0 },
      { id: 'o-2', total: 20.0 },
      { id: 'o-3', total: 2500.5 },
    ], { 'trace-id': 'tr-9' });
    const { flow, logger } = await start(
      {
        read: { type: 'nats.consume', version: 1, config: { connection: 'edge', subject: `${input}.>`, stream: input, durable } },
        big: { type: 'core.filter', version: 1, config: { when: 'total > 1000.0' } },
        write: { type: 'nats.publish', version: 1, config: { connection: 'edge', subject: `${output}.large`, msgId: 'id' } },
      },
      [
        ['read:out', 'big:in'],
        ['big:out', 'write:in'],
      ],
    );
    const got = await waitStored(output, 2, 30_000, logger);
    expect(got.map((m) => JSON.parse(m.text))).toEqual([
      { id: 'o-1', total: 1500.0 },
      { id: 'o-3', total: 2500.5 },
    ]);
    expect(got[0]).toMatchObject({ subject: `${output}.large`, headers: { 'trace-id': 'tr-9', 'Nats-Msg-Id': 'o-1' } });
    await allAcked(input, durable);
    const summary = await flow.stop(10_000);
    expect(summary).toMatchObject({ outcome: 'stopped', abandoned: 0 });
    expect(summary.counters.sources.read).toEqual({ inFlight: 0, acked: 3, nacked: 0 });
    expect(summary.counters.nodes.big).toMatchObject({ in: 3, out: 2, dropped: 1 });
  });

  it('dead-letters a message delivered more than max deliveries to a NATS subject, without blocking the messages behind it', async () => {
    const input = await a.stream('poison');
    const output = await a.stream('ok');
    const dead = await a.stream('dlq');
    const durable = uniqueName('d');
    await publish(input, [{ id: 'poison', total: 1 }], { origin: 'edge-7' });
    // Deliver the poison message twice without processing it, as two crashed runtimes would
    // (one-message pulls, so no pull request is left open afterwards).
    await a.jsm.consumers.add(input, { durable_name: durable, ack_policy: AckPolicy.Explicit, filter_subject: input, max_deliver: -1 });
    const early = await a.jsm.jetstream().consumers.get(input, durable);
    for (const expected of [1, 2]) {
      const m = await early.next({ expires: 5_000 });
      expect(m?.info.deliveryCount, `pre-delivery ${expected}`).toBe(expected);
      m?.nak();
    }
    await a.nc.flush();
    await publish(input, [1, 2, 3].map((n) => ({ id: `good-${n}`, total: n })));

    const { flow, logger } = await start(
      {
        read: { type: 'nats.consume', version: 1, config: { connection: 'edge', subject: input, stream: input, durable, maxDeliver: 2, nakDelay: '100ms' } },
        write: { type: 'nats.publish', version: 1, config: { connection: 'edge', subject: output } },
        dead: { type: 'nats.publish', version: 1, config: { connection: 'edge', subject: `${dead}.read`, format: 'raw' } },
      },
      [['read:out', 'write:in']],
      { deadLetter: 'dead' },
    );
    const good = await waitStored(output, 3, 30_000, logger);
    expect(good.map((m) => (JSON.parse(m.text) as { id: string }).id)).toEqual(['good-1', 'good-2', 'good-3']);
    const [letter] = await waitStored(dead, 1, 30_000, logger);
    expect(letter?.text, 'the dead letter carries the original bytes').toBe(JSON.stringify({ id: 'poison', total: 1 }));
    expect(letter?.headers).toMatchObject({
      origin: 'edge-7',
      [DEAD_LETTER_HEADERS.error]: 'MaxDeliveriesError: delivered 2 times without being processed (max deliveries 2)',
      [DEAD_LETTER_HEADERS.node]: 'read',
      [DEAD_LETTER_HEADERS.flow]: 'nats-flow',
      [DEAD_LETTER_HEADERS.attempts]: '1',
    });
    await allAcked(input, durable);
    const summary = await flow.stop(10_000);
    expect(summary.counters.sources.read).toEqual({ inFlight: 0, acked: 4, nacked: 0 });
  });

  it('holds a record whose dead letter cannot be written yet: not acked, not redelivered meanwhile, dead-lettered once the target exists', async () => {
    const input = await a.stream('dlqdown');
    const durable = uniqueName('d');
    const deadName = uniqueName('dlq-later');
    await publish(input, ['not json', { id: 'behind' }]);
    const { flow, logger } = await start(
      {
        read: { type: 'nats.consume', version: 1, config: { connection: 'edge', subject: input, stream: input, durable, ackWait: '3s' } },
        log: { type: 'core.log', version: 1 },
        dead: { type: 'nats.publish', version: 1, config: { connection: 'edge', subject: deadName, format: 'raw' } },
      },
      [['read:out', 'log:in']],
      { retry: { attempts: 1, backoff: '10ms', maxBackoff: '300ms' }, deadLetter: 'dead' },
    );
    const failing = () => logger.lines.filter((l) => l.msg.startsWith('dead-letter node failing')).length;
    await waitFor('the dead-letter node to fail twice', () => failing() >= 2, { describe: () => logger.text() });
    let info = await a.jsm.consumers.info(input, durable);
    expect(info.ack_floor.stream_seq, 'the undecodable record is not acked while its dead letter is not written').toBe(0);
    // Longer than the ack wait: the record held in the flow is reported as in progress, not redelivered.
    await new Promise((r) => setTimeout(r, 4_500));
    info = await a.jsm.consumers.info(input, durable);
    expect(info.num_redelivered).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(0);

    await a.jsm.streams.add({ name: deadName, subjects: [deadName] });
    try {
      const [letter] = await waitStored(deadName, 1, 30_000, logger);
      expect(letter?.text).toBe('not json');
      expect(letter?.headers[DEAD_LETTER_HEADERS.error]).toMatch(/^PayloadError: the payload is not valid JSON/);
      await allAcked(input, durable);
      expect((await a.jsm.consumers.info(input, durable)).num_redelivered).toBe(0);
      const summary = await flow.stop(10_000);
      expect(summary.counters.sources.read).toEqual({ inFlight: 0, acked: 2, nacked: 0 });
      expect((await stored(deadName)).length, 'the dead letter was written once').toBe(1);
    } finally {
      await a.jsm.streams.delete(deadName).catch(() => undefined);
    }
  });

  it('stores each record once when a stopped flow is restarted mid-stream (acks plus message ids)', async () => {
    const input = await a.stream('restart');
    const output = await a.stream('restart-out');
    const durable = uniqueName('d');
    const total = 300;
    await publish(input, Array.from({ length: total }, (_, n) => ({ id: `r-${n}`, n })));
    const nodes: FlowDocument['nodes'] = {
      read: { type: 'nats.consume', version: 1, config: { connection: 'edge', subject: input, stream: input, durable } },
      write: { type: 'nats.publish', version: 1, config: { connection: 'edge', subject: output, msgId: 'id' } },
    };
    const first = await start(nodes, [['read:out', 'write:in']]);
    await waitStored(output, 50, 30_000, first.logger);
    const stopped = await first.flow.stop(10_000);
    expect(stopped).toMatchObject({ outcome: 'stopped', abandoned: 0 });
    const afterStop = (await a.jsm.streams.info(output)).state.messages;
    const second = await start(nodes, [['read:out', 'write:in']]);
    const all = await waitStored(output, total, 60_000, second.logger);
    await allAcked(input, durable);
    await second.flow.stop(10_000);
    const ids = all.map((m) => (JSON.parse(m.text) as { id: string }).id);
    expect(new Set(ids).size, 'nothing missing').toBe(total);
    expect(ids.length, `no duplicates stored (first run stored ${afterStop} before stopping)`).toBe(total);
    expect(ids).toEqual(Array.from({ length: total }, (_, n) => `r-${n}`));
  });

  it('moves core NATS messages (at most once) and fills subject placeholders from the record', async () => {
    const base = uniqueName('core');
    const out = await a.stream('core-out');
    const { flow, logger } = await start(
      {
        read: { type: 'nats.consume', version: 1, config: { connection: 'edge', mode: 'core', subject: `${base}.>` } },
        write: { type: 'nats.publish', version: 1, config: { connection: 'edge', subject: `${out}.{region}` } },
      },
      [['read:out', 'write:in']],
    );
    await waitFor('the core subscription', () => logger.lines.some((l) => l.msg.startsWith('core NATS subscription started')), { describe: () => logger.text() });
    for (const region of ['eu', 'us', 'eu']) a.nc.publish(`${base}.reading`, json({ region, v: 1 }));
    a.nc.publish(`${base}.reading`, json({ region: 'a.b', v: 2 }));
    await a.nc.flush();
    const got = await waitStored(out, 3, 30_000, logger);
    expect(got.map((m) => m.subject)).toEqual([`${out}.eu`, `${out}.us`, `${out}.eu`]);
    await waitFor('the bad region to fail', () => logger.lines.some((l) => /not one subject token/.test(JSON.stringify(l.fields ?? {}))), { describe: () => logger.text() });
    await expect(flow.done).rejects.toThrow(/subject placeholder \{region\} is "a.b"/);
  });
});
