import { describe, expect, it } from 'vitest';
import produce from '../../../../shared/nodes/kafka/produce.node';
import type { DeadLetter, Message } from '../../../../shared/node-kit/message';
import type { SinkRuntime } from '../../../../shared/node-kit/runtime';
import { runNode, testContext } from '../../../helpers/run-node';
import { fakeKafka, KAFKA_RESOURCE, text } from './fake-kafka';

const base = { connection: 'eu-kafka', topic: 'orders-us' };
const bytes = (s: string) => new TextEncoder().encode(s);

const LETTER: DeadLetter = {
  flowId: 'orders',
  nodeId: 'big-only',
  error: { name: 'ExpressionError', message: 'no such key: total' },
  attempts: 4,
  failedAt: '2024-05-01T09:30:00.000Z',
  original: { value: { id: 'o-9' }, key: 'o-9', headers: { trace: 't-9' }, raw: bytes('{"id": "o-9"}') },
};

async function write(config: Record<string, unknown>, inputs: Message[]) {
  const fake = fakeKafka();
  const r = await runNode(produce, { ...base, ...config }, inputs, { brokers: fake.services, resources: KAFKA_RESOURCE, messages: true });
  const p = fake.producers[0];
  return { r, fake, sent: p?.sent ?? [], producer: p };
}

describe('kafka.produce', () => {
  it('writes the record as JSON with the incoming key and headers, and flushes and closes', async () => {
    const { r, sent, producer } = await write({}, [{ value: { id: 'o-1', total: 5n }, key: 'o-1', headers: { trace: 't-1' }, raw: bytes('stale') }]);
    expect(r.errors).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(text(sent[0]?.value as Uint8Array)).toBe('{"id":"o-1","total":5}');
    expect(sent[0]?.key).toBe('o-1');
    expect(sent[0]?.headers).toEqual({ trace: 't-1' });
    expect(producer?.flushed).toBe(1);
    expect(producer?.closed).toBe(1);
  });

  it('computes the key with an expression (numbers as text, null for no key)', async () => {
    const { sent } = await write({ key: 'customer.id' }, [
      { value: { customer: { id: 'c-7' } }, key: 'in' },
      { value: { customer: { id: 42 } } },
      { value: { customer: { id: null } }, key: 'in' },
    ]);
    expect(sent.map((m) => m.key)).toEqual(['c-7', '42', null]);
  });

  it('fails the record when the key expression fails or gives a record', async () => {
    const { r, sent } = await write({ key: 'customer.id' }, [{ value: { id: 1 } }, { value: { customer: { id: { a: 1 } } } }, { value: { customer: { id: 'ok' } } }]);
    expect(r.errors.map((e) => e.index)).toEqual([0, 1]);
    expect(r.errors[0]?.error.message).toMatch(/^key customer\.id: /);
    expect(r.errors[1]?.error.message).toMatch(/text or a number, not a record/);
    expect(sent.map((m) => m.key)).toEqual(['ok']);
  });

  it('leaves the headers behind when asked', async () => {
    const { sent } = await write({ headers: false }, [{ value: { a: 1 }, headers: { trace: 't' } }]);
    expect(sent[0]?.headers).toBeUndefined();
  });

  it('writes a DeadLetter as the original bytes, key and headers plus the sluice-* headers', async () => {
    const { sent, r } = await write({ key: 'customer.id', format: 'json' }, [{ value: LETTER, key: 'o-9', headers: { trace: 't-9' } }]);
    expect(r.errors).toEqual([]);
    expect(text(sent[0]?.value as Uint8Array)).toBe('{"id": "o-9"}');
    expect(sent[0]?.key).toBe('o-9');
    expect(sent[0]?.headers).toEqual({
      trace: 't-9',
      'sluice-error': 'ExpressionError: no such key: total',
      'sluice-node': 'big-only',
      'sluice-flow': 'orders',
      'sluice-attempts': '4',
      'sluice-failed-at': '2024-05-01T09:30:00.000Z',
    });
  });

  it('raw format writes text and bytes unchanged and fails structured records', async () => {
    const { sent, r } = await write({ format: 'raw' }, [{ value: '<p id="1"/>' }, { value: new Uint8Array([1, 2]) }, { value: { a: 1 } }]);
    expect(text(sent[0]?.value as Uint8Array)).toBe('<p id="1"/>');
    expect([...(sent[1]?.value as Uint8Array)]).toEqual([1, 2]);
    expect(r.errors[0]).toMatchObject({ index: 2, error: { name: 'PayloadError' } });
  });

  it('returns the send promise, so a broker refusal fails the record', async () => {
    const fake = fakeKafka();
    fake.failSends(new Error('Kafka refused the message: MESSAGE_TOO_LARGE'));
    const { ctx } = testContext(produce, { brokers: fake.services, resources: KAFKA_RESOURCE });
    const sink = (await produce.create(produce.config.parse(base), ctx)) as SinkRuntime;
    const pending = sink.write({ value: { a: 1 } });
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toThrow(/MESSAGE_TOO_LARGE/);
    fake.failSends(undefined);
    await sink.write({ value: { a: 2 } });
    expect(fake.producers[0]?.sent).toHaveLength(1);
  });

  it('passes topic, partitioning, batch size and topic creation to the connector', async () => {
    const { producer } = await write({ partitioner: 'round-robin', batchSize: 50, createTopic: 3 }, []);
    expect(producer?.options).toEqual({ topic: 'orders-us', partitioner: 'round-robin', batchSize: 50, createTopic: { partitions: 3 } });
    expect(producer?.connection).toEqual({ brokers: ['k1:9092', 'k2:9092'], clientId: 'sluice-test' });
    const defaults = await write({}, []);
    expect(defaults.producer?.options).toEqual({ topic: 'orders-us', partitioner: 'key-hash', batchSize: 500, createTopic: false });
  });

  it('lint: refuses a bad topic name, warns that round-robin ignores the key', () => {
    expect(produce.lint?.(produce.config.parse({ ...base, topic: 'orders us' }))).toEqual([{ path: '/topic', message: expect.stringMatching(/not a topic name/) }]);
    expect(produce.lint?.(produce.config.parse({ ...base, topic: '${env:OUT_TOPIC}' }))).toEqual([]);
    expect(produce.lint?.(produce.config.parse({ ...base, key: 'id', partitioner: 'round-robin' }))).toEqual([
      { path: '/partitioner', message: expect.stringMatching(/ignores the key/), severity: 'warning' },
    ]);
  });
});
