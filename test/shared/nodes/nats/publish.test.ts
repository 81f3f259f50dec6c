import { describe, expect, it } from 'vitest';
import publish from '../../../../shared/nodes/nats/publish.node';
import { DEAD_LETTER_HEADERS, type DeadLetter } from '../../../../shared/node-kit';
import type { Message } from '../../../../shared/node-kit/message';
import type { SinkRuntime } from '../../../../shared/node-kit/runtime';
import { runNode, testContext } from '../../../helpers/run-node';
import { CONNECTION, fakeNats } from './fake-nats';

const base = { connection: 'edge-nats', subject: 'orders.large' };
const text = (v: Uint8Array | string | undefined) => (typeof v === 'string' ? v : new TextDecoder().decode(v));

function lintOf(config: Record<string, unknown>) {
  return publish.lint!(publish.config.parse(config));
}

describe('nats.publish', () => {
  it('publishes records as JSON with their headers, dropping NATS control headers and the key', async () => {
    const nats = fakeNats();
    const inputs: Message[] = [
      { value: { id: 'o-1', total: 1500 }, key: 'k1', headers: { 'trace-id': 't-1', 'Nats-Msg-Id': 'old', 'nats-expected-stream': 'X' } },
      { value: { id: 'o-2' } },
    ];
    const r = await runNode(publish, base, inputs, { brokers: nats.services, resources: CONNECTION, messages: true });
    expect(r.errors).toEqual([]);
    expect(nats.publishers).toHaveLength(1);
    expect(nats.publishers[0]!.connection).toEqual({ servers: ['nats://a:4222', 'nats://b:4222'], user: 'u', pass: 'p' });
    expect(nats.publishers[0]!.options).toEqual({ mode: 'jetstream', subject: 'orders.large', createStream: false });
    const sent = nats.sentTo('orders.large');
    expect(sent.map((m) => text(m.value))).toEqual(['{"id":"o-1","total":1500}', '{"id":"o-2"}']);
    expect(sent[0]).toEqual({ value: expect.any(Uint8Array), headers: { 'trace-id': 't-1' } });
    expect(sent[1]).toEqual({ value: expect.any(Uint8Array) });
    expect(nats.publishers[0]!.flushed).toBe(1);
    expect(nats.publishers[0]!.closed).toBe(true);
  });

  it('leaves headers out when told not to pass them on', async () => {
    const nats = fakeNats();
    await runNode(publish, { ...base, headers: false }, [{ value: { a: 1 }, headers: { h: '1' } }], { brokers: nats.services, resources: CONNECTION, messages: true });
    expect(nats.sentTo('orders.large')[0]!.headers).toBeUndefined();
  });

  it('sets the message id from the CEL expression, and fails a record whose id is missing', async () => {
    const nats = fakeNats();
    const r = await runNode(publish, { ...base, msgId: 'orderId' }, [{ orderId: 'o-1' }, { orderId: 42 }, { orderId: null }, { orderId: '' }], {
      brokers: nats.services,
      resources: CONNECTION,
    });
    expect(nats.sentTo('orders.large').map((m) => m.id)).toEqual(['o-1', '42']);
    expect(r.errors.map((e) => [e.index, e.error.message])).toEqual([
      [2, 'message id expression orderId gave no value, not text or a number'],
      [3, 'message id expression orderId gave empty text, not text or a number'],
    ]);
  });

  it('does not set ids in core mode and never asks for a stream there', async () => {
    const nats = fakeNats();
    await runNode(publish, { ...base, mode: 'core', msgId: 'orderId', createStream: 'ORDERS' }, [{ orderId: 'o-1' }], { brokers: nats.services, resources: CONNECTION });
    expect(nats.publishers[0]!.options).toEqual({ mode: 'core', subject: 'orders.large', createStream: false });
    expect(nats.sentTo('orders.large')[0]!.id).toBeUndefined();
  });

  it('asks for the stream to be created when createStream is set', async () => {
    const nats = fakeNats();
    await runNode(publish, { ...base, createStream: 'ORDERS' }, [{ a: 1 }], { brokers: nats.services, resources: CONNECTION });
    expect(nats.publishers[0]!.options.createStream).toBe('ORDERS');
  });

  it('fills subject placeholders from the record, one publisher per subject, and refuses values that are not one token', async () => {
    const nats = fakeNats();
    const r = await runNode(
      publish,
      { ...base, subject: 'orders.{region}.{meta.kind}' },
      [
        { region: 'eu-west', meta: { kind: 'new' } },
        { region: 'us', meta: { kind: 7 } },
        { region: 'eu-west', meta: { kind: 'new' } },
        { region: 'eu.*', meta: { kind: 'x' } },
        { region: 'eu', meta: {} },
        { region: { nested: true }, meta: { kind: 'x' } },
      ],
      { brokers: nats.services, resources: CONNECTION },
    );
    expect(nats.publishers.map((p) => p.options.subject)).toEqual(['orders.eu-west.new', 'orders.us.7']);
    expect(nats.sentTo('orders.eu-west.new')).toHaveLength(2);
    expect(r.errors.map((e) => [e.index, e.error.name, e.error.message])).toEqual([
      [3, 'SubjectError', 'subject placeholder {region} is "eu.*", which is not one subject token (letters, digits, "_" and "-" only)'],
      [4, 'SubjectError', 'subject placeholder {meta.kind} has no value in this record'],
      [5, 'SubjectError', 'subject placeholder {region} must be text or a number, not a record'],
    ]);
  });

  it('closes the least recently used publisher beyond 1024 subjects', async () => {
    const nats = fakeNats();
    const { ctx } = testContext(publish, { brokers: nats.services, resources: CONNECTION });
    const sink = (await publish.create(publish.config.parse({ ...base, subject: 'm.{n}' }), ctx)) as SinkRuntime;
    for (let n = 0; n < 1024; n++) await sink.write({ value: { n } });
    await sink.write({ value: { n: 0 } });
    await sink.write({ value: { n: 1024 } });
    expect(nats.publishers.filter((p) => p.closed).map((p) => p.options.subject)).toEqual(['m.1']);
    await sink.close!();
    expect(nats.publishers.every((p) => p.closed)).toBe(true);
  });

  it('publishes a dead letter with the original bytes and headers plus the sluice-* headers, without a message id', async () => {
    const nats = fakeNats();
    const letter: DeadLetter = {
      flowId: 'orders',
      nodeId: 'big-orders',
      error: { name: 'ExpressionError', message: 'total is not a number' },
      attempts: 3,
      failedAt: '2024-05-01T09:30:00.000Z',
      original: { value: { total: 'x' }, headers: { origin: 'edge', 'Nats-Msg-Id': 'm-1' }, raw: new TextEncoder().encode('{"total": "x"}') },
    };
    await runNode(publish, { ...base, subject: 'dead.{nodeId}', msgId: 'orderId', format: 'json' }, [{ value: letter, headers: letter.original.headers }], {
      brokers: nats.services,
      resources: CONNECTION,
      messages: true,
    });
    const [sent] = nats.sentTo('dead.big-orders');
    expect(text(sent!.value)).toBe('{"total": "x"}');
    expect(sent!.id).toBeUndefined();
    expect(sent!.headers).toEqual({
      origin: 'edge',
      [DEAD_LETTER_HEADERS.error]: 'ExpressionError: total is not a number',
      [DEAD_LETTER_HEADERS.node]: 'big-orders',
      [DEAD_LETTER_HEADERS.flow]: 'orders',
      [DEAD_LETTER_HEADERS.attempts]: '3',
      [DEAD_LETTER_HEADERS.failedAt]: '2024-05-01T09:30:00.000Z',
    });
  });

  it('sends raw text and bytes unchanged, and fails a structured record in raw format', async () => {
    const nats = fakeNats();
    const r = await runNode(publish, { ...base, format: 'raw' }, ['plain', new Uint8Array([1, 2]), { a: 1 }], { brokers: nats.services, resources: CONNECTION });
    expect(nats.sentTo('orders.large').map((m) => m.value)).toEqual([new TextEncoder().encode('plain'), new Uint8Array([1, 2])]);
    expect(r.errors.map((e) => [e.index, e.error.name])).toEqual([[2, 'PayloadError']]);
  });

  it('rejects the write when the broker does not confirm it', async () => {
    const nats = fakeNats([], { failSend: () => new Error('no PubAck') });
    const r = await runNode(publish, base, [{ a: 1 }], { brokers: nats.services, resources: CONNECTION });
    expect(r.errors.map((e) => e.error.message)).toEqual(['no PubAck']);
  });

  describe('lint', () => {
    it('accepts plain and templated subjects', () => {
      expect(lintOf(base)).toEqual([]);
      expect(lintOf({ ...base, subject: 'orders.{region}.created' })).toEqual([]);
    });

    it('refuses wildcards, partial-token placeholders and broken braces', () => {
      expect(lintOf({ ...base, subject: 'orders.*' })[0]).toMatchObject({ path: '/subject', message: expect.stringMatching(/without "\*" or ">"/) });
      expect(lintOf({ ...base, subject: 'orders.eu-{region}' })[0]).toMatchObject({ path: '/subject', message: expect.stringMatching(/whole token/) });
      expect(lintOf({ ...base, subject: 'orders.{region' })[0]).toMatchObject({ path: '/subject', message: expect.stringMatching(/never closed/) });
      expect(lintOf({ ...base, subject: 'orders.{}' })[0]).toMatchObject({ path: '/subject', message: expect.stringMatching(/empty placeholder/) });
      expect(lintOf({ ...base, subject: 'orders.{items[*].sku}' })[0]).toMatchObject({ path: '/subject', message: expect.stringMatching(/one field/) });
    });

    it('warns about settings core mode does not use, and checks the stream name', () => {
      expect(lintOf({ ...base, mode: 'core', msgId: 'id', createStream: 'S' }).map((i) => [i.path, i.severity])).toEqual([
        ['/msgId', 'warning'],
        ['/createStream', 'warning'],
      ]);
      expect(lintOf({ ...base, createStream: 'a.b' })).toEqual([{ path: '/createStream', message: expect.stringMatching(/not a valid stream name/) }]);
      expect(lintOf({ ...base, msgId: '  ' })).toEqual([{ path: '/msgId', message: expect.stringMatching(/write an expression/) }]);
    });
  });
});
