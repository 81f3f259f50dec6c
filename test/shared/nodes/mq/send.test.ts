import { describe, expect, it } from 'vitest';
import send from '../../../../shared/nodes/mq/send.node';
import { DEAD_LETTER_HEADERS } from '../../../../shared/node-kit/brokers';
import type { DeadLetter, Message } from '../../../../shared/node-kit/message';
import { runNode } from '../../../helpers/run-node';
import { CONNECTION, fakeAmqp } from './fake-amqp';

const base = { connection: 'payments-mq', queue: 'PAYMENTS.OUT' };
const text = (v: Uint8Array | string) => (typeof v === 'string' ? v : new TextDecoder().decode(v));

function lintOf(config: Record<string, unknown>) {
  return send.lint!(send.config.parse(config));
}

describe('mq.send', () => {
  it('sends records as JSON with their key and headers, to the configured queue, and flushes and closes the sender', async () => {
    const amqp = fakeAmqp();
    const inputs: Message[] = [
      { value: { id: 'p-1', amount: 12.5 }, key: 'corr-1', headers: { 'trace-id': 't-1' } },
      { value: { id: 'p-2', amount: 3 } },
    ];
    const r = await runNode(send, base, inputs, { brokers: amqp.services, resources: CONNECTION, messages: true });
    expect(r.errors).toEqual([]);
    const sent = amqp.sentTo('PAYMENTS.OUT');
    expect(sent.map((m) => text(m.value))).toEqual(['{"id":"p-1","amount":12.5}', '{"id":"p-2","amount":3}']);
    expect(sent[0]).toMatchObject({ key: 'corr-1', headers: { 'trace-id': 't-1' } });
    expect(sent[1]!.key).toBeUndefined();
    expect(sent[1]!.headers).toBeUndefined();
    expect(sent.every((m) => m.id === undefined)).toBe(true);
    expect(amqp.senders).toHaveLength(1);
    expect(amqp.senders[0]!.connection).toEqual({ url: 'amqp://app%20user:p%40ss%3Aword%2F1@mq1.example.com:5672' });
    expect(amqp.senders[0]!.options).toEqual({ address: 'PAYMENTS.OUT' });
    expect(amqp.senders[0]!.flushed).toBe(1);
    expect(amqp.senders[0]!.closed).toBe(true);
  });

  it('drops the headers when told to', async () => {
    const amqp = fakeAmqp();
    await runNode(send, { ...base, headers: false }, [{ value: { id: 1 }, headers: { a: 'b' } }], { brokers: amqp.services, resources: CONNECTION, messages: true });
    expect(amqp.sentTo('PAYMENTS.OUT')[0]!.headers).toBeUndefined();
  });

  it('gives each message the id the expression computes, as text', async () => {
    const amqp = fakeAmqp();
    const r = await runNode(send, { ...base, messageId: 'paymentId' }, [{ paymentId: 'p-7' }, { paymentId: 42 }, { paymentId: '' }], {
      brokers: amqp.services,
      resources: CONNECTION,
    });
    expect(amqp.sentTo('PAYMENTS.OUT').map((m) => m.id)).toEqual(['p-7', '42']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.index).toBe(2);
    expect(r.errors[0]!.error.message).toMatch(/message id expression paymentId gave empty text/);
  });

  it('sends raw text and bytes unchanged, and refuses structured records in the raw format', async () => {
    const amqp = fakeAmqp();
    const r = await runNode(send, { ...base, format: 'raw' }, ['plain text', new Uint8Array([1, 2, 255]), { id: 1 }], { brokers: amqp.services, resources: CONNECTION });
    const sent = amqp.sentTo('PAYMENTS.OUT');
    expect(text(sent[0]!.value)).toBe('plain text');
    expect(sent[1]!.value).toEqual(new Uint8Array([1, 2, 255]));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.error.message).toMatch(/choose the json format/);
  });

  it('sends a dead letter with the original bytes, key and headers plus the sluice-* properties, without evaluating the message id', async () => {
    const amqp = fakeAmqp();
    const letter: DeadLetter = {
      flowId: 'payments',
      nodeId: 'to-eur',
      error: { name: 'ExpressionError', message: 'amount is not a number' },
      attempts: 3,
      failedAt: '2024-05-01T09:30:00.000Z',
      original: { value: { id: 'p-2', amount: '12O' }, key: 'corr-2', headers: { origin: 'bank' }, raw: new TextEncoder().encode('{"id":"p-2","amount":"12O"}') },
    };
    const r = await runNode(send, { ...base, messageId: 'paymentId' }, [{ value: letter }], { brokers: amqp.services, resources: CONNECTION, messages: true });
    expect(r.errors).toEqual([]);
    const [m] = amqp.sentTo('PAYMENTS.OUT');
    expect(text(m!.value)).toBe('{"id":"p-2","amount":"12O"}');
    expect(m!.key).toBe('corr-2');
    expect(m!.id).toBeUndefined();
    expect(m!.headers).toEqual({
      origin: 'bank',
      [DEAD_LETTER_HEADERS.error]: 'ExpressionError: amount is not a number',
      [DEAD_LETTER_HEADERS.node]: 'to-eur',
      [DEAD_LETTER_HEADERS.flow]: 'payments',
      [DEAD_LETTER_HEADERS.attempts]: '3',
      [DEAD_LETTER_HEADERS.failedAt]: '2024-05-01T09:30:00.000Z',
    });
  });

  it("fails the record with the broker's reason when the broker refuses the message", async () => {
    const amqp = fakeAmqp([], { failSend: (m) => (text(m.value).includes('"big"') ? new Error('the broker rejected the message: amqp:resource-limit-exceeded') : undefined) });
    const r = await runNode(send, base, [{ id: 'ok' }, { id: 'big' }], { brokers: amqp.services, resources: CONNECTION });
    expect(amqp.sentTo('PAYMENTS.OUT')).toHaveLength(1);
    expect(r.errors.map((e) => [e.index, e.error.message])).toEqual([[1, 'the broker rejected the message: amqp:resource-limit-exceeded']]);
  });

  describe('lint', () => {
    it("accepts the examples' kind of config", () => {
      expect(lintOf(base)).toEqual([]);
      expect(lintOf({ ...base, queue: '/amq/queue/payments-dead', format: 'raw' })).toEqual([]);
    });

    it('allows RabbitMQ exchange addresses for sending, warns about auto-created queues', () => {
      expect(lintOf({ ...base, queue: '/exchange/payments/eu' })).toEqual([]);
      expect(lintOf({ ...base, queue: '/queue/payments' })).toEqual([{ path: '/queue', message: expect.stringMatching(/non-durable/), severity: 'warning' }]);
    });

    it('refuses an empty message id expression and a queue address with spaces around it', () => {
      expect(lintOf({ ...base, messageId: ' ' })).toEqual([{ path: '/messageId', message: expect.stringMatching(/write an expression/) }]);
      expect(lintOf({ ...base, queue: 'PAYMENTS ' })).toEqual([{ path: '/queue', message: expect.stringMatching(/spaces/) }]);
    });
  });
});
