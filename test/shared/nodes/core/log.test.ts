import { describe, expect, it } from 'vitest';
import log from '../../../../shared/nodes/core/log.node';
import type { LineWriter } from '../../../../shared/node-kit/runtime';
import { runNode, testContext } from '../../../helpers/run-node';

describe('core.log', () => {
  it('prints each record as one line of JSON, the value only by default', async () => {
    const records = [{ id: 'a', total: 12.5, customer: { name: 'Ana' } }, { id: 'b', items: [1, 2] }];
    const r = await runNode(log, {}, records);
    expect(r.stdout).toEqual(['{"id":"a","total":12.5,"customer":{"name":"Ana"}}', '{"id":"b","items":[1,2]}']);
    expect(r.stdout.map((l) => JSON.parse(l))).toEqual(records);
    expect(r.outputs.accepted).toHaveLength(2);
  });

  it('prints an envelope with the parts asked for', async () => {
    const msg = { value: { id: 'a' }, key: 'k1', headers: { trace: 't1' }, meta: { topic: 'orders', offset: '42' } };
    const keyOnly = await runNode(log, { include: ['key'] }, [msg, { value: { id: 'b' } }], { messages: true });
    expect(keyOnly.stdout.map((l) => JSON.parse(l))).toEqual([
      { value: { id: 'a' }, key: 'k1' },
      { value: { id: 'b' }, key: null },
    ]);
    const all = await runNode(log, { include: ['key', 'headers', 'meta'] }, [msg], { messages: true });
    expect(JSON.parse(all.stdout[0]!)).toEqual({ value: { id: 'a' }, key: 'k1', headers: { trace: 't1' }, meta: { topic: 'orders', offset: '42' } });
  });

  it('puts the label in front of every line', async () => {
    const r = await runNode(log, { prefix: '[eu]' }, [{ id: 'a' }]);
    expect(r.stdout).toEqual(['[eu] {"id":"a"}']);
  });

  it('renders values JSON.stringify cannot print faithfully as JSON, never as [object Object]', async () => {
    const r = await runNode(log, {}, [{ big: 12n, huge: 2n ** 70n }, new Map([['a', 1]]), 'text', 42, null, undefined, new Uint8Array([104, 105])]);
    expect(r.errors).toEqual([]);
    expect(r.stdout).toEqual(['{"big":12,"huge":"1180591620717411303424"}', '{"a":1}', '"text"', '42', 'null', 'null', '"aGk="']);
    for (const line of r.stdout) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('reports a record that cannot be printed (a cycle) as an error for that record only', async () => {
    const cyclic: Record<string, unknown> = { id: 'x' };
    cyclic.self = cyclic;
    const r = await runNode(log, {}, [cyclic, { id: 'ok' }]);
    expect(r.errors.map((e) => e.index)).toEqual([0]);
    expect(r.stdout).toEqual(['{"id":"ok"}']);
  });

  it('returns the writer\'s promise so a slow stdout holds the record until written', async () => {
    const { ctx } = testContext(log);
    const lines: string[] = [];
    let release!: () => void;
    const stdout: LineWriter = {
      writeLine: (line) =>
        new Promise<void>((resolve) => {
          release = () => {
            lines.push(line);
            resolve();
          };
        }),
    };
    const sink = await log.create(log.config.parse({}), { ...ctx, stdout });
    if (sink.role !== 'sink') throw new Error('core.log must be a sink');
    const written = sink.write({ value: { id: 'a' } });
    expect(written).toBeInstanceOf(Promise);
    let done = false;
    void (written as Promise<void>).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    release();
    await written;
    expect(lines).toEqual(['{"id":"a"}']);
  });

  it('rejects parts it does not know', () => {
    expect(log.config.safeParse({ include: ['value'] }).success).toBe(false);
  });
});
