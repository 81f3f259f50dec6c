import { afterAll, describe, expect, it } from 'vitest';
import { AmqpConfigError, AmqpSendError, createAmqpService, type AmqpService } from '../../../runtime/connectors/amqp';
import type { Delivery } from '../../../shared/node-kit/brokers';
import { uniqueName } from '../env';
import { freePort, json, memoryLogger, waitFor } from '../kit';
import { amqpUrl, closeAllConnections, createVhost, declareQueue, deleteVhost, publish, queueDepth, take, text } from './broker';

/**
 * The AMQP 1.0 connector against the real RabbitMQ 3.10 (rabbitmq_amqp1_0) of test/env: what it
 * hands over, how it settles, credit, reconnects and the errors retrying cannot fix.
 */
const log = memoryLogger();
const services: AmqpService[] = [];
function service(): AmqpService {
  const s = createAmqpService(log, { initialBackoffMs: 50, maxBackoffMs: 500, operationTimeoutMs: 10_000 });
  services.push(s);
  return s;
}
const conn = () => ({ url: amqpUrl() });
const decoder = new TextDecoder();

afterAll(() => {
  for (const s of services) {
    const open = s.stats();
    expect(open.receivers.filter((r) => r.state !== 'closed' && r.state !== 'idle'), 'receivers left running').toEqual([]);
  }
});

/** Runs a receiver until `until` says so (checked after each delivery); bounded by `timeoutMs`. */
async function receive(
  svc: AmqpService,
  address: string,
  handle: (d: Delivery, all: Delivery[]) => void | Promise<void>,
  until: (all: Delivery[]) => boolean,
  options: { credit?: number; timeoutMs?: number } = {},
): Promise<Delivery[]> {
  const r = svc.receiver(conn(), { address, ...(options.credit ? { credit: options.credit } : {}) });
  const abort = new AbortController();
  const all: Delivery[] = [];
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 30_000);
  try {
    await r.run(async (d) => {
      all.push(d);
      await handle(d, all);
      if (until(all)) abort.abort();
    }, abort.signal);
  } finally {
    clearTimeout(timer);
    await r.close();
  }
  if (!until(all)) throw new Error(`${address}: stopped after ${all.length} deliveries without reaching the expected state: ${all.map((d) => decoder.decode(d.value)).join(' | ')}\n${log.text()}`);
  return all;
}

describe('AMQP connector on RabbitMQ', () => {
  it('round-trips body bytes, key (correlation-id), message id and application properties', async () => {
    const svc = service();
    const address = declareQueue('rt');
    const sender = svc.sender(conn(), { address });
    const binary = new Uint8Array([0, 1, 2, 0xff, 0xfe]);
    await sender.send({ value: json({ n: 1 }), key: 'order-1', id: 'msg-1', headers: { 'trace-id': 'abc', tenant: 'eu-1' } });
    await sender.send({ value: binary, key: null, headers: {} });
    await sender.send({ value: 'plain text' });
    await sender.flush();
    expect(sender.stats()).toMatchObject({ accepted: 3, refused: 0, unconfirmed: 0, queued: 0 });
    await sender.close();

    const got = await receive(svc, address, (d) => d.settle.ack(), (all) => all.length >= 3);
    expect(decoder.decode(got[0]!.value)).toBe('{"n":1}');
    expect(got[0]!.key).toBe('order-1');
    expect(got[0]!.headers).toEqual({ 'trace-id': 'abc', tenant: 'eu-1' });
    expect(got[0]!.meta).toMatchObject({ address, messageId: 'msg-1', deliveries: 1 });
    expect(typeof got[0]!.meta.timestamp).toBe('number');
    expect([...got[1]!.value]).toEqual([...binary]);
    expect(got[1]!.key).toBeNull();
    expect(got[1]!.headers).toEqual({});
    expect(decoder.decode(got[2]!.value)).toBe('plain text');
    expect(queueDepth(address)).toEqual({ ready: 0, unacked: 0 });
  });

  it('turns amqp-value bodies and typed properties from other clients into bytes and text', async () => {
    const svc = service();
    const address = `/queue/${uniqueName('bodies')}`;
    await publish(address, [
      { raw: true, body: 'text value', headers: { count: 7, ok: true, missing: null } },
      { raw: true, body: { a: 1, b: [true, 'x'] } },
      { raw: true, body: Buffer.from([1, 2, 3]) },
    ]);
    const got = await receive(svc, address, (d) => d.settle.ack(), (all) => all.length >= 3);
    expect(decoder.decode(got[0]!.value)).toBe('text value');
    expect(got[0]!.headers).toEqual({ count: '7', ok: 'true' });
    expect(JSON.parse(decoder.decode(got[1]!.value))).toEqual({ a: 1, b: [true, 'x'] });
    expect([...got[2]!.value]).toEqual([1, 2, 3]);
  });

  it('never hands over more unsettled deliveries than the credit, and the broker holds the rest', async () => {
    const svc = service();
    const address = declareQueue('credit');
    await publish(address, Array.from({ length: 40 }, (_, n) => ({ value: json({ n }) })));
    const r = svc.receiver(conn(), { address, credit: 5 });
    const abort = new AbortController();
    const held: Delivery[] = [];
    let settled = 0;
    const running = r.run((d) => void held.push(d), abort.signal);
    try {
      await waitFor('5 deliveries handed over', () => held.length >= 5, { describe: () => JSON.stringify(r.stats()) });
      // Nothing is settled, so the broker may not send more: 5 unacknowledged, 35 ready.
      await waitFor('the broker to show 5 unacknowledged messages', () => queueDepth(address).unacked === 5, { describe: () => JSON.stringify(queueDepth(address)) });
      expect(queueDepth(address)).toEqual({ ready: 35, unacked: 5 });
      expect(held).toHaveLength(5);
      // Settle in a scrambled order, a few at a time, until all 40 went through.
      while (settled < 40) {
        const batch = held.splice(0).reverse();
        for (const d of batch) {
          d.settle.ack();
          settled++;
        }
        if (settled < 40) await waitFor(`more deliveries after ${settled} settled`, () => held.length > 0, { describe: () => JSON.stringify(r.stats()) });
        expect(r.stats().unsettled).toBeLessThanOrEqual(5);
      }
    } finally {
      abort.abort();
      await running;
      await r.close();
    }
    expect(r.stats()).toMatchObject({ handedOver: 40, accepted: 40, maxUnsettled: 5, credit: 5 });
    expect(queueDepth(address)).toEqual({ ready: 0, unacked: 0 });
  });

  it('settles a nack as released on RabbitMQ 3.x, counts the redeliveries in meta.deliveries, and accepts only on ack', async () => {
    const svc = service();
    const address = declareQueue('nack');
    await publish(address, [{ value: json({ n: 0 }), id: 'm-0' }, { value: json({ n: 1 }), id: 'm-1' }]);
    const seen: Array<[number, number]> = [];
    const r = svc.receiver(conn(), { address, credit: 1 });
    const abort = new AbortController();
    await r.run((d) => {
      const n = (JSON.parse(decoder.decode(d.value)) as { n: number }).n;
      seen.push([n, d.meta.deliveries as number]);
      if (n === 0 && (d.meta.deliveries as number) < 3) d.settle.nack(new Error('not yet'));
      else d.settle.ack();
      if (seen.filter(([x]) => x === 1).length === 1 && seen.filter(([x]) => x === 0).length === 3) abort.abort();
    }, abort.signal);
    await r.close();
    // RabbitMQ puts a released message back at the head of a classic queue.
    expect(seen).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 1],
    ]);
    expect(r.stats()).toMatchObject({ released: 2, modified: 0, accepted: 2 });
    expect(log.lines.some((l) => l.msg === 'AMQP receiver open' && l.fields?.nack === 'released' && l.fields.address === address)).toBe(true);
    expect(queueDepth(address)).toEqual({ ready: 0, unacked: 0 });
  });

  it('keeps the outcome of each delivery when acks and nacks of neighbouring deliveries happen in the same tick', async () => {
    // rhea alone would write ack(0), nack(1), ack(2) made in one tick as "0..1 accepted, 2 accepted":
    // message 1 would be lost (see amqp/dispositions.ts).
    const svc = service();
    const address = declareQueue('same-tick');
    await publish(address, [0, 1, 2, 3].map((n) => ({ value: json({ n }), id: `m-${n}` })));
    const seen: Array<[number, number]> = [];
    const held: Delivery[] = [];
    const r = svc.receiver(conn(), { address, credit: 4 });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 20_000);
    await r.run((d) => {
      const n = (JSON.parse(decoder.decode(d.value)) as { n: number }).n;
      seen.push([n, d.meta.deliveries as number]);
      if (seen.length <= 4) {
        held.push(d);
        if (held.length === 4) {
          const [d0, d1, d2, d3] = held as [Delivery, Delivery, Delivery, Delivery];
          d0.settle.ack();
          d1.settle.nack(new Error('again'));
          d2.settle.ack();
          d3.settle.nack(new Error('again'));
        }
        return;
      }
      d.settle.ack();
      if (seen.length === 6) abort.abort();
    }, abort.signal);
    clearTimeout(timer);
    await r.close();
    expect(seen.slice(0, 4)).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(seen.slice(4).sort(), 'the nacked messages 1 and 3 come again, nothing else').toEqual([
      [1, 2],
      [3, 2],
    ]);
    expect(queueDepth(address)).toEqual({ ready: 0, unacked: 0 });
  });

  it('resolves run only after the deliveries handed over were settled, and gives back what was not handed over', async () => {
    const svc = service();
    const address = declareQueue('drain');
    await publish(address, Array.from({ length: 10 }, (_, n) => ({ value: json({ n }) })));
    const r = svc.receiver(conn(), { address, credit: 4 });
    const abort = new AbortController();
    const events: string[] = [];
    const held: Delivery[] = [];
    const running = r.run((d) => void held.push(d), abort.signal).then(() => events.push('run resolved'));
    await waitFor('4 deliveries handed over', () => held.length === 4);
    abort.abort();
    setTimeout(() => {
      events.push('settled');
      for (const d of held) d.settle.ack();
    }, 100);
    await running;
    await r.close();
    expect(events).toEqual(['settled', 'run resolved']);
    expect(r.stats()).toMatchObject({ handedOver: 4, accepted: 4, lostSettlements: 0 });
    expect(queueDepth(address)).toEqual({ ready: 6, unacked: 0 });
  });

  it('reconnects after the broker drops the connection; what was not settled comes again; the sender resends what was not confirmed', async () => {
    const svc = service();
    // A virtual host of this test's own, so dropping its connections disturbs no one else (and the vhost option is exercised).
    const vhost = createVhost('reconnect');
    const vconn = { url: amqpUrl(), vhost };
    const address = declareQueue('reconnect', { vhost });
    await publish(address, Array.from({ length: 6 }, (_, n) => ({ value: json({ n }), id: `m-${n}` })), { vhost });
    const r = svc.receiver(vconn, { address, credit: 3 });
    const abort = new AbortController();
    const seen: Array<{ n: number; deliveries: number }> = [];
    let dropped = false;
    let staleAcked = false;
    const maybeDone = () => {
      const accepted = new Set(seen.map((s) => s.n));
      if (staleAcked && accepted.size === 6 && seen.filter((s) => s.n === 1).length >= 2) abort.abort();
    };
    const running = r.run((d) => {
      const n = (JSON.parse(decoder.decode(d.value)) as { n: number }).n;
      seen.push({ n, deliveries: d.meta.deliveries as number });
      if (n === 1 && !dropped) {
        dropped = true;
        // Leave n=1 unsettled and drop every connection: the broker takes it back. The late ack
        // cannot reach the broker any more and is counted as a lost settlement.
        setTimeout(() => {
          closeAllConnections(vhost);
          setTimeout(() => {
            d.settle.ack();
            staleAcked = true;
            maybeDone();
          }, 200);
        }, 10);
        return;
      }
      d.settle.ack();
      maybeDone();
    }, abort.signal);
    const timer = setTimeout(() => abort.abort(), 60_000);
    await running;
    clearTimeout(timer);
    await r.close();
    const stats = r.stats();
    expect(stats.disconnects, log.text()).toBeGreaterThanOrEqual(1);
    expect(stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(stats.connects).toBeGreaterThanOrEqual(2);
    expect(stats.lostSettlements).toBeGreaterThanOrEqual(1);
    const again = seen.filter((s) => s.n === 1);
    expect(again.length, JSON.stringify(seen)).toBeGreaterThanOrEqual(2);
    expect(again[1]!.deliveries).toBe(2);
    expect(new Set(seen.map((s) => s.n))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(log.lines.some((l) => l.msg === 'AMQP receiver lost its connection; reconnecting' && l.fields?.address === address)).toBe(true);
    expect(queueDepth(address, vhost)).toEqual({ ready: 0, unacked: 0 });

    // The sender: the connection is dropped under it, sends still resolve.
    const sender = svc.sender(vconn, { address });
    await sender.send({ value: 'before' });
    closeAllConnections(vhost);
    await Promise.all([sender.send({ value: 'after-1' }), sender.send({ value: 'after-2' })]);
    expect(sender.stats().disconnects, log.text()).toBeGreaterThanOrEqual(1);
    expect(sender.stats().connects).toBeGreaterThanOrEqual(2);
    await sender.close();
    const bodies = (await take(address, 3, { vhost })).map(text);
    expect(bodies.slice(0, 1)).toEqual(['before']);
    expect(bodies.slice(1).sort()).toEqual(['after-1', 'after-2']);
    deleteVhost(vhost);
  });

  it('rejects run with an AmqpConfigError naming the queue when it does not exist', async () => {
    const svc = service();
    const r = svc.receiver(conn(), { address: '/amq/queue/sluice-missing-queue' });
    const err = await r.run(() => undefined, new AbortController().signal).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    await r.close();
    expect(err).toBeInstanceOf(AmqpConfigError);
    expect(err?.message).toMatch(/cannot receive from "\/amq\/queue\/sluice-missing-queue".*amqp:not-found/);
  });

  it('refuses to send to a missing durable queue (which RabbitMQ 3.x would silently drop), and to refused credentials', async () => {
    const svc = service();
    const missing = svc.sender(conn(), { address: '/amq/queue/sluice-missing-queue' });
    await expect(missing.send({ value: 'lost?' })).rejects.toThrow(/queue "sluice-missing-queue" does not exist/);
    await missing.close();
    const url = new URL(amqpUrl());
    url.password = 'wrong-password';
    const bad = svc.sender({ url: url.toString() }, { address: `/queue/${uniqueName('auth')}` });
    const err = await bad.send({ value: 'x' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    await bad.close();
    expect(err).toBeInstanceOf(AmqpConfigError);
    expect(err?.message).toMatch(/amqp:unauthorized-access/);
    expect(err?.message).not.toContain('wrong-password');
  });

  it('keeps retrying an unreachable broker with backoff, counting the failures, until closed', async () => {
    const svc = service();
    const port = await freePort();
    const sender = svc.sender({ url: `amqp://guest:guest@127.0.0.1:${port}` }, { address: 'q' });
    const pending = sender.send({ value: 'waits' }).then(
      () => 'sent',
      (e: Error) => e.message,
    );
    await waitFor('three failed connection attempts', () => sender.stats().failedConnects >= 3, { describe: () => JSON.stringify(sender.stats()) });
    expect(sender.stats()).toMatchObject({ connects: 0, queued: 1 });
    await sender.close();
    expect(await pending).toMatch(/closed before the broker confirmed/);
    expect(log.lines.filter((l) => l.msg === 'AMQP sender cannot connect; retrying' && l.fields?.broker === `amqp://127.0.0.1:${port}`).length).toBeGreaterThanOrEqual(3);
  });

  it("fails a send the broker never answers (RabbitMQ 3.x drops the connection for a full queue that rejects publishes)", async () => {
    const svc = service();
    const address = declareQueue('full', { arguments: [['x-max-length', 'long', 1], ['x-overflow', 'longstr', 'reject-publish']] });
    const sender = svc.sender(conn(), { address });
    await sender.send({ value: 'fits' });
    const err = await sender.send({ value: 'does not fit' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    await sender.close();
    expect(err).toBeInstanceOf(AmqpSendError);
    expect((err as AmqpSendError).outcome).toBe('unanswered');
    expect(err?.message).toMatch(/lost 5 times/);
    expect(queueDepth(address)).toEqual({ ready: 1, unacked: 0 });
  });
});
