import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { Delivery } from '../../../shared/node-kit/brokers';
import { createNatsService, NatsConfigError, type NatsService } from '../../../runtime/connectors/nats';
import { testEnv, uniqueName } from '../env';
import { memoryLogger, waitFor } from '../kit';
import { admin, OwnServer, type Admin } from './helpers';

/**
 * The NATS connector against the real server of test/env/up.sh (and, for restarts and
 * authentication, nats-server processes of its own): JetStream round trip, ack, nak with
 * delay, backpressure, de-duplication, core subjects, configuration errors, reconnects.
 */
const text = new TextDecoder();
const bytes = (s: string) => new TextEncoder().encode(s);

describe('NATS connector', () => {
  const servers = testEnv().nats.servers;
  let a: Admin;
  let log: ReturnType<typeof memoryLogger>;
  let nats: NatsService;

  beforeAll(async () => {
    a = await admin(servers);
    log = memoryLogger();
    nats = createNatsService(log);
  });

  afterAll(async () => {
    await a?.close();
  });

  /** Runs a consumer until `until(deliveries)` holds, then aborts and returns what it saw. */
  async function consumeUntil(
    consumer: ReturnType<NatsService['consumer']>,
    handle: (d: Delivery, all: Delivery[]) => void | Promise<void>,
    until: (all: Delivery[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<Delivery[]> {
    const all: Delivery[] = [];
    const abort = new AbortController();
    const run = consumer.run(async (d) => {
      all.push(d);
      await handle(d, all);
    }, abort.signal);
    try {
      await Promise.race([
        waitFor('the expected deliveries', () => until(all), { timeoutMs, describe: () => `${all.length} deliveries: ${all.map((d) => text.decode(d.value)).join(' | ')}\n${log.text()}` }),
        run.then(() => {
          throw new Error('the consumer stopped by itself');
        }),
      ]);
    } finally {
      abort.abort();
    }
    await run;
    await consumer.close();
    return all;
  }

  it('round-trips JetStream messages with headers, PubAck-confirmed, with subject, stream, sequence and delivery meta', async () => {
    const stream = await a.stream('rt');
    const publisher = nats.publisher({ servers }, { mode: 'jetstream', subject: `${stream}.orders` });
    await publisher.send({ value: bytes('{"n":1}'), headers: { 'trace-id': 'abc-1', tenant: 'eu' } });
    await publisher.send({ value: '{"n":2}' });
    await publisher.close();
    expect((await a.jsm.streams.info(stream)).state.messages, 'both sends were stored before they resolved').toBe(2);

    const durable = uniqueName('d');
    const consumer = nats.consumer({ servers }, { mode: 'jetstream', subject: `${stream}.>`, stream, durable });
    const got = await consumeUntil(consumer, (d) => d.settle.ack(), (all) => all.length >= 2);
    expect(got.map((d) => text.decode(d.value))).toEqual(['{"n":1}', '{"n":2}']);
    expect(got[0]?.headers).toEqual({ 'trace-id': 'abc-1', tenant: 'eu' });
    expect(got[1]?.headers).toEqual({});
    expect(got[0]?.key).toBeNull();
    expect(got[0]?.meta).toMatchObject({ subject: `${stream}.orders`, stream, sequence: 1, deliveries: 1 });
    expect(got[1]?.meta.sequence).toBe(2);
    expect(typeof got[0]?.meta.timestamp).toBe('number');
    const info = await a.jsm.consumers.info(stream, durable);
    expect(info.num_ack_pending, 'run resolved after the acks were flushed to the server').toBe(0);
    expect(info.ack_floor.stream_seq).toBe(2);
  });

  it('creates the durable with explicit ack and the filter subject, updates its ack wait, and refuses a new subject for it', async () => {
    const stream = await a.stream('dur');
    const durable = uniqueName('d');
    await a.jsm.jetstream().publish(`${stream}.x`, bytes('x1'));
    const first = nats.consumer({ servers }, { mode: 'jetstream', subject: `${stream}.x`, stream, durable, ackWaitMs: 10_000 });
    await consumeUntil(first, (d) => d.settle.ack(), (all) => all.length >= 1);
    let info = await a.jsm.consumers.info(stream, durable);
    expect(info.config).toMatchObject({ ack_policy: 'explicit', filter_subject: `${stream}.x`, ack_wait: 10_000_000_000, max_deliver: -1 });

    await a.jsm.jetstream().publish(`${stream}.x`, bytes('x2'));
    const second = nats.consumer({ servers }, { mode: 'jetstream', subject: `${stream}.x`, stream, durable, ackWaitMs: 20_000 });
    const got = await consumeUntil(second, (d) => d.settle.ack(), (all) => all.length >= 1);
    expect(text.decode(got[0]!.value), 'the durable continued after the message it had acked').toBe('x2');
    info = await a.jsm.consumers.info(stream, durable);
    expect(info.config.ack_wait).toBe(20_000_000_000);

    const moved = nats.consumer({ servers }, { mode: 'jetstream', subject: `${stream}.>`, stream, durable });
    await expect(moved.run(() => undefined, new AbortController().signal)).rejects.toThrow(new RegExp(`reads subject ${stream}\\.x, not "${stream}\\.>": use a new durable name`));
  });

  it('finds the stream by subject when none is named', async () => {
    const stream = await a.stream('find');
    await a.nc.publish(`${stream}.a`, bytes('found'));
    const consumer = nats.consumer({ servers }, { mode: 'jetstream', subject: `${stream}.a`, durable: uniqueName('d') });
    const got = await consumeUntil(consumer, (d) => d.settle.ack(), (all) => all.length >= 1);
    expect(got[0]?.meta.stream).toBe(stream);
  });

  it('acks only what was settled with ack, and redelivers a nak\'ed message after the nak delay with a higher delivery count', async () => {
    const stream = await a.stream('nak');
    for (const n of [0, 1, 2]) await a.jsm.jetstream().publish(stream, bytes(String(n)));
    const durable = uniqueName('d');
    const nakAt = new Map<number, number>();
    const consumer = nats.consumer({ servers }, { mode: 'jetstream', subject: stream, stream, durable, nakDelayMs: 1_500 });
    const got = await consumeUntil(
      consumer,
      (d) => {
        if (text.decode(d.value) === '1' && d.meta.deliveries === 1) {
          nakAt.set(d.meta.sequence as number, Date.now());
          d.settle.nack(new Error('not yet'));
        } else d.settle.ack();
      },
      (all) => all.some((d) => text.decode(d.value) === '1' && d.meta.deliveries === 2),
    );
    const again = got.find((d) => text.decode(d.value) === '1' && d.meta.deliveries === 2)!;
    const firstIndex = got.findIndex((d) => text.decode(d.value) === '1');
    expect(got.indexOf(again)).toBeGreaterThan(firstIndex);
    // A lower bound only: the server must not redeliver before the delay (it may be later).
    expect(Date.now() - (nakAt.get(again.meta.sequence as number) as number)).toBeGreaterThanOrEqual(1_400);
    expect(got.filter((d) => text.decode(d.value) !== '1').map((d) => [text.decode(d.value), d.meta.deliveries])).toEqual([
      ['0', 1],
      ['2', 1],
    ]);
    await waitFor('no unacknowledged messages left', async () => (await a.jsm.consumers.info(stream, durable)).num_ack_pending === 0);
    expect((await a.jsm.consumers.info(stream, durable)).num_pending).toBe(0);
  });

  it('hands over at most maxInFlight unsettled messages, and more only as they settle', async () => {
    const stream = await a.stream('bp');
    for (let n = 0; n < 10; n++) await a.jsm.jetstream().publish(stream, bytes(String(n)));
    const consumer = nats.consumer({ servers }, { mode: 'jetstream', subject: stream, stream, durable: uniqueName('d'), maxInFlight: 3 });
    const held: Delivery[] = [];
    const abort = new AbortController();
    const run = consumer.run((d) => void held.push(d), abort.signal);
    await waitFor('three deliveries', () => held.length === 3, { describe: () => `${held.length}` });
    // Nothing more may arrive while three are unsettled; give a fourth every chance to.
    await new Promise((r) => setTimeout(r, 500));
    expect(held.length).toBe(3);
    held[0]!.settle.ack();
    await waitFor('a fourth delivery after one settled', () => held.length === 4);
    await new Promise((r) => setTimeout(r, 300));
    expect(held.length).toBe(4);
    abort.abort();
    let resolved = false;
    void run.then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(resolved, 'run waits for the handed-over messages to be settled').toBe(false);
    for (const d of held.slice(1)) d.settle.nack(new Error('stopping'));
    await run;
    await consumer.close();
    expect(held.map((d) => text.decode(d.value))).toEqual(['0', '1', '2', '3']);
  });

  it('waits for onDelivery\'s promise before handing over the next message', async () => {
    const stream = await a.stream('await');
    for (let n = 0; n < 3; n++) await a.jsm.jetstream().publish(stream, bytes(String(n)));
    const consumer = nats.consumer({ servers }, { mode: 'jetstream', subject: stream, stream, durable: uniqueName('d') });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    const abort = new AbortController();
    const run = consumer.run((d) => {
      seen.push(text.decode(d.value));
      d.settle.ack();
      if (seen.length === 1) return gate;
    }, abort.signal);
    await waitFor('the first delivery', () => seen.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(['0']);
    release();
    await waitFor('the rest after the promise resolved', () => seen.length === 3);
    abort.abort();
    await run;
    await consumer.close();
  });

  it('de-duplicates JetStream publishes by message id (Nats-Msg-Id)', async () => {
    const stream = await a.stream('dedup');
    const publisher = nats.publisher({ servers }, { mode: 'jetstream', subject: stream });
    await publisher.send({ value: '{"orderId":"o-1"}', id: 'o-1' });
    await publisher.send({ value: '{"orderId":"o-1","again":true}', id: 'o-1' });
    await publisher.send({ value: '{"orderId":"o-2"}', id: 'o-2' });
    await publisher.close();
    const info = await a.jsm.streams.info(stream);
    expect(info.state.messages).toBe(2);
    const first = await a.jsm.streams.getMessage(stream, { seq: 1 });
    expect(first?.header.get('Nats-Msg-Id')).toBe('o-1');
    expect(first?.string()).toBe('{"orderId":"o-1"}');
  });

  it('rejects a JetStream send to a subject no stream stores, saying so', async () => {
    const publisher = nats.publisher({ servers }, { mode: 'jetstream', subject: uniqueName('nostream') });
    await expect(publisher.send({ value: 'x' })).rejects.toThrow(/no JetStream stream .* stores subject/);
    await publisher.close();
  });

  it('creates the stream for the subject when asked to (createStream)', async () => {
    const name = uniqueName('created');
    const publisher = nats.publisher({ servers }, { mode: 'jetstream', subject: `${name}.a`, createStream: name });
    const other = nats.publisher({ servers }, { mode: 'jetstream', subject: `${name}.b`, createStream: name });
    try {
      await publisher.send({ value: 'a' });
      await other.send({ value: 'b' });
      const info = await a.jsm.streams.info(name);
      expect(info.config.subjects).toEqual([`${name}.a`, `${name}.b`]);
      expect(info.state.messages).toBe(2);
    } finally {
      await publisher.close();
      await other.close();
      await a.jsm.streams.delete(name).catch(() => undefined);
    }
  });

  it('round-trips core subjects (at most once; settle does nothing), with a queue group', async () => {
    const subject = uniqueName('core');
    const consumer = nats.consumer({ servers }, { mode: 'core', subject: `${subject}.*`, durable: 'workers' });
    const publisher = nats.publisher({ servers }, { mode: 'core', subject: `${subject}.one` });
    const all: Delivery[] = [];
    const abort = new AbortController();
    const run = consumer.run((d) => {
      all.push(d);
      if (all.length === 1) d.settle.nack(new Error('cannot'));
      else d.settle.ack();
    }, abort.signal);
    await waitFor('the core subscription', () => log.lines.some((l) => l.msg.startsWith('core NATS subscription started') && l.fields?.subject === `${subject}.*`));
    await publisher.send({ value: 'first', headers: { h: '1' } });
    await publisher.send({ value: 'second' });
    await waitFor('two core messages', () => all.length === 2, { describe: () => log.text() });
    abort.abort();
    await run;
    await consumer.close();
    await publisher.close();
    expect(all.map((d) => [text.decode(d.value), d.meta.subject, d.meta.deliveries])).toEqual([
      ['first', `${subject}.one`, 1],
      ['second', `${subject}.one`, 1],
    ]);
    expect(all[0]?.headers).toEqual({ h: '1' });
    expect(log.lines.some((l) => l.level === 'warn' && /cannot be redelivered .*lost/.test(l.msg)), 'a nack in core mode is logged as a loss').toBe(true);
  });

  it('rejects run for a stream that does not exist, naming it', async () => {
    const missing = uniqueName('missing');
    const consumer = nats.consumer({ servers }, { mode: 'jetstream', subject: missing, stream: missing, durable: 'd' });
    const run = consumer.run(() => undefined, new AbortController().signal);
    await expect(run).rejects.toThrow(NatsConfigError);
    await expect(run).rejects.toThrow(new RegExp(`stream "${missing}" does not exist`));
  });

  it('rejects run when the durable name belongs to a push consumer', async () => {
    const stream = await a.stream('push');
    const durable = uniqueName('push');
    await a.jsm.consumers.add(stream, { durable_name: durable, deliver_subject: uniqueName('inbox'), ack_policy: 'explicit' as never });
    const consumer = nats.consumer({ servers }, { mode: 'jetstream', subject: stream, stream, durable });
    await expect(consumer.run(() => undefined, new AbortController().signal)).rejects.toThrow(/push consumer/);
  });

  it('stops promptly when aborted while the subject is idle, and close is idempotent', async () => {
    const stream = await a.stream('idle');
    const consumer = nats.consumer({ servers }, { mode: 'jetstream', subject: stream, stream, durable: uniqueName('d') });
    const abort = new AbortController();
    const run = consumer.run(() => undefined, abort.signal);
    await waitFor('the consumer to start', () => log.lines.some((l) => l.msg === 'JetStream consumer started' && l.fields?.stream === stream));
    abort.abort();
    await run;
    await consumer.close();
    await consumer.close();
  });

  it('hands messages pulled but not handed over back at stop, so another consumer gets them at once', async () => {
    const stream = await a.stream('handback');
    for (let n = 0; n < 20; n++) await a.jsm.jetstream().publish(stream, bytes(String(n)));
    const durable = uniqueName('d');
    const first = nats.consumer({ servers }, { mode: 'jetstream', subject: stream, stream, durable, maxInFlight: 2, ackWaitMs: 60_000 });
    const firstSeen = await consumeUntil(first, (d) => d.settle.ack(), (all) => all.length >= 2);
    const second = nats.consumer({ servers }, { mode: 'jetstream', subject: stream, stream, durable, ackWaitMs: 60_000 });
    const secondSeen = await consumeUntil(second, (d) => d.settle.ack(), (all) => new Set([...firstSeen, ...all].map((d) => text.decode(d.value))).size === 20, 20_000);
    expect(new Set([...firstSeen, ...secondSeen].map((d) => text.decode(d.value))).size).toBe(20);
  });

  it('restarts when its durable is deleted while running, creating it again (and says the stream is read again)', async () => {
    const stream = await a.stream('deleted');
    const durable = uniqueName('d');
    await a.jsm.jetstream().publish(stream, bytes('one'));
    const consumer = nats.consumer({ servers }, { mode: 'jetstream', subject: stream, stream, durable });
    const got = await consumeUntil(
      consumer,
      async (d, all) => {
        d.settle.ack();
        if (all.length === 1) {
          await a.jsm.consumers.delete(stream, durable);
          await a.jsm.jetstream().publish(stream, bytes('two'));
        }
      },
      (all) => all.some((d) => text.decode(d.value) === 'two'),
    );
    expect(got.map((d) => text.decode(d.value))).toEqual(['one', 'one', 'two']);
    expect(log.lines.some((l) => l.level === 'warn' && /deleted while the flow ran/.test(l.msg) && l.fields?.durable === durable)).toBe(true);
  });

  it('carries NATS multi-value headers as one comma-joined value', async () => {
    const stream = await a.stream('hdr');
    const h = natsHeaders();
    h.append('x-list', 'a');
    h.append('x-list', 'b');
    await a.jsm.jetstream().publish(stream, bytes('m'), { headers: h });
    const consumer = nats.consumer({ servers }, { mode: 'jetstream', subject: stream, stream, durable: uniqueName('d') });
    const got = await consumeUntil(consumer, (d) => d.settle.ack(), (all) => all.length >= 1);
    expect(got[0]?.headers).toEqual({ 'x-list': 'a, b' });
  });
});

describe('NATS connector with a server of its own', () => {
  it('keeps consuming and publishing across a server restart, logging and counting the reconnect', async () => {
    const server = await OwnServer.start();
    const log = memoryLogger();
    const nats = createNatsService(log, { initialBackoffMs: 50, maxBackoffMs: 500 });
    const a = await admin([server.url]);
    try {
      await a.jsm.streams.add({ name: 'RESTART', subjects: ['restart.>'] });
      await a.nc.close();
      const publisher = nats.publisher({ servers: [server.url] }, { mode: 'jetstream', subject: 'restart.in' });
      const consumer = nats.consumer({ servers: [server.url] }, { mode: 'jetstream', subject: 'restart.>', stream: 'RESTART', durable: 'r' });
      const seen: string[] = [];
      const abort = new AbortController();
      const run = consumer.run((d) => {
        seen.push(text.decode(d.value));
        d.settle.ack();
      }, abort.signal);
      await publisher.send({ value: 'before' });
      await waitFor('the message before the restart', () => seen.includes('before'), { describe: () => log.text() });
      expect(nats.stats(), 'the consumer and the publisher share one connection').toEqual([expect.objectContaining({ users: 2, state: 'connected' })]);
      await server.down();
      await waitFor('the disconnect to be logged', () => log.lines.some((l) => l.msg === 'NATS connection state' && l.fields?.to === 'reconnecting'));
      await server.up();
      await waitFor('the reconnect', () => nats.stats().some((s) => s.reconnects >= 1 && s.state === 'connected'), { describe: () => JSON.stringify(nats.stats()) });
      // A send during the first moments after the reconnect may time out; the engine would retry it.
      await waitFor('a publish after the restart', async () => publisher.send({ value: 'after' }).then(() => true, () => false));
      await waitFor('the message after the restart', () => seen.includes('after'), { timeoutMs: 60_000, describe: () => `${seen.join(',')}\n${log.text()}` });
      abort.abort();
      await run;
      await consumer.close();
      await publisher.close();
      const stats = nats.stats()[0]!;
      expect(stats).toMatchObject({ disconnects: 1, state: 'closed' });
      expect(stats.reconnects).toBeGreaterThanOrEqual(1);
    } finally {
      await a.nc.close().catch(() => undefined);
      await server.destroy();
    }
  });

  it('retries a first connection with backoff until the server comes up', async () => {
    const server = await OwnServer.start();
    await server.down();
    const log = memoryLogger();
    const nats = createNatsService(log, { initialBackoffMs: 50, maxBackoffMs: 400 });
    const publisher = nats.publisher({ servers: [server.url] }, { mode: 'core', subject: 'late.start' });
    try {
      const sent = publisher.send({ value: 'hello' });
      await waitFor('two failed connection attempts', () => log.lines.filter((l) => l.msg === 'NATS connection failed; retrying').length >= 2);
      await server.up();
      await sent;
      const failed = log.lines.filter((l) => l.msg === 'NATS connection failed; retrying').map((l) => l.fields?.retryInMs as number);
      expect(failed.every((ms) => ms >= 25 && ms <= 400), `retry delays ${failed.join(',')} stay within the backoff bounds`).toBe(true);
      expect(nats.stats()[0]).toMatchObject({ state: 'connected', connects: 1 });
      expect(nats.stats()[0]!.failedConnects).toBeGreaterThanOrEqual(2);
    } finally {
      await publisher.close();
      await server.destroy();
    }
  });

  it('reports refused credentials as a configuration error without retrying, and never logs the password', async () => {
    const server = await OwnServer.start(['--user', 'sluice', '--pass', 'right-secret']);
    const log = memoryLogger();
    const nats = createNatsService(log);
    try {
      const consumer = nats.consumer({ servers: [server.url], user: 'sluice', pass: 'wrong-secret' }, { mode: 'core', subject: 'x' });
      const run = consumer.run(() => undefined, new AbortController().signal);
      await expect(run).rejects.toThrow(NatsConfigError);
      await expect(run).rejects.toThrow(/refused the connection/);
      expect(log.text()).not.toContain('wrong-secret');

      const ok = nats.publisher({ servers: [server.url], user: 'sluice', pass: 'right-secret' }, { mode: 'core', subject: 'x' });
      await ok.send({ value: 'fine' });
      await ok.close();
    } finally {
      await server.destroy();
    }
  });
});
