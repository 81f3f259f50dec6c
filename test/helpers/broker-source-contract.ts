import { expect, it } from 'vitest';
import { outputSchemas, type NodeDefinition } from '../../shared/node-kit/define';
import type { FakeDelivery } from './fake-broker';
import type { Message } from '../../shared/node-kit/message';
import type { Settlement, SourceRuntime } from '../../shared/node-kit/runtime';
import type { RunNodeResult } from './run-node';

/**
 * What every broker source node does with each delivery, through shared/nodes/lib/broker-source:
 * undecodable payloads and schema misfits go to the dead-letter path with their bytes and the
 * reason; raw payloads pass as text or bytes; a message delivered too often is dead-lettered
 * without being decoded. Each node's test file calls this with its own node and fake broker.
 */
export interface BrokerSourceCase {
  def: NodeDefinition;
  base: Record<string, unknown>;
  /** The node's config field for the delivery limit (`maxDeliveries`, `maxDeliver`). */
  limitField: string;
  run(deliveries: FakeDelivery[], config: Record<string, unknown>): Promise<RunNodeResult>;
  /** The node's runtime on a fake broker with these deliveries, and the settlements it records. */
  start(deliveries: FakeDelivery[]): Promise<{ runtime: SourceRuntime; signal: AbortSignal; settled: unknown[] }>;
}

const SCHEMA = {
  type: 'record',
  name: 'Payment',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
  ],
};

export function brokerSourceContract(c: BrokerSourceCase): void {
  it('dead-letters payloads that are not JSON records, with the text and the reason, and reads on', async () => {
    const r = await c.run([{ value: '{"id":' }, { value: '[1,2]' }, { value: new Uint8Array([0xff, 0xfe]) }, { value: '{"id":"ok","amount":1}' }], c.base);
    expect(r.outputs.out).toEqual([{ id: 'ok', amount: 1 }]);
    const dead = r.messages['dead-letter']!;
    expect(dead.map((m) => m.value)).toEqual(['{"id":', '[1,2]', new Uint8Array([0xff, 0xfe])]);
    expect(dead[0]!.meta?.error).toMatch(/not valid JSON/);
    expect(dead[1]!.meta?.error).toMatch(/not a record/);
    expect(dead[2]!.meta?.error).toMatch(/not UTF-8/);
    expect(dead.every((m) => m.raw instanceof Uint8Array)).toBe(true);
  });

  it('checks payloads against the record schema and declares it as the output schema', async () => {
    const config = { ...c.base, schema: SCHEMA };
    const r = await c.run([{ value: '{"id":"p-1","amount":1.5}' }, { value: '{"id":"p-2","amount":"lots"}' }], config);
    expect(r.outputs.out).toEqual([{ id: 'p-1', amount: 1.5 }]);
    expect(r.messages['dead-letter']![0]!.meta?.error).toMatch(/does not fit the schema/);
    expect(outputSchemas(c.def, {}, c.def.config.parse(config)).out).toEqual(SCHEMA);
    expect(outputSchemas(c.def, {}, c.def.config.parse(c.base)).out).toBeUndefined();
  });

  it('passes raw payloads on as text, or as bytes when they are not UTF-8', async () => {
    const r = await c.run([{ value: 'plain text' }, { value: new Uint8Array([0xc3, 0x28]) }], { ...c.base, format: 'raw' });
    expect(r.outputs.out).toEqual(['plain text', new Uint8Array([0xc3, 0x28])]);
  });

  it('dead-letters a message delivered more than the limit without decoding it, and processes it up to then', async () => {
    const r = await c.run(
      [
        { value: '{"id":"a","amount":1}', meta: { deliveries: 3 } },
        { value: '{"id":"b","amount":2}', meta: { deliveries: 4 } },
        { value: 'not even json', meta: { deliveries: 9 } },
      ],
      { ...c.base, [c.limitField]: 3 },
    );
    expect(r.outputs.out).toEqual([{ id: 'a', amount: 1 }]);
    const dead = r.messages['dead-letter']!;
    expect(dead.map((m) => [m.value, m.meta?.deliveries, m.meta?.error])).toEqual([
      ['{"id":"b","amount":2}', 4, 'delivered 3 times without being processed (max deliveries 3)'],
      ['not even json', 9, 'delivered 8 times without being processed (max deliveries 3)'],
    ]);
    expect(dead.every((m) => m.raw instanceof Uint8Array)).toBe(true);
  });

  it("hands each delivery's settlement to the flow with its record or dead letter, and waits for emit", async () => {
    const { runtime, signal, settled } = await c.start([{ value: '{"id":"a"}' }, { value: 'bad' }, { value: '{"id":"c"}', meta: { deliveries: 6 } }]);
    const order: string[] = [];
    const settle = (s: Settlement | undefined, how: 'ack' | 'nack') => (how === 'ack' ? s?.ack() : s?.nack?.(new Error('x')));
    await runtime.run({
      signal,
      emit(msg: Message, s) {
        order.push(`emit ${JSON.stringify(msg.value)}`);
        settle(s, 'ack');
        return new Promise<void>((room) =>
          setTimeout(() => {
            order.push('room');
            room();
          }, 10),
        );
      },
      deadLetter(msg, error, s) {
        order.push(`dead ${String(msg.value)}: ${error.name}`);
        settle(s, 'nack');
      },
    });
    expect(order).toEqual(['emit {"id":"a"}', 'room', 'dead bad: PayloadError', 'dead {"id":"c"}: MaxDeliveriesError']);
    expect(settled).toEqual(['ack', 'nack', 'nack']);
  });
}
