import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import read from '../../../../shared/nodes/file/read.node';
import { outputSchemas } from '../../../../shared/node-kit/define';
import type { Message } from '../../../../shared/node-kit/message';
import type { FileAccess, SourceRuntime } from '../../../../shared/node-kit/runtime';
import { runNode, testContext } from '../../../helpers/run-node';

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-file-read-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const PAYMENT_SCHEMA = {
  type: 'record',
  name: 'Payment',
  fields: [
    { name: 'paymentId', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'note', type: ['null', 'string'] },
    { name: 'payer', type: { type: 'record', name: 'Payer', fields: [{ name: 'iban', type: 'string' }] } },
  ],
};

describe('file.read', () => {
  it('reads one record per line, skipping blank lines, with the file and line number as meta', async () => {
    const dir = folderWith({ 'o.jsonl': '{"id":"a","total":1.5}\n\n   \n{"id":"b","items":[1,2]}\r\n' });
    const r = await runNode(read, { path: 'o.jsonl' }, [], { dir });
    expect(r.outputs.out).toEqual([{ id: 'a', total: 1.5 }, { id: 'b', items: [1, 2] }]);
    expect(r.messages.out!.map((m) => m.meta)).toEqual([
      { source: 'o.jsonl', line: 1 },
      { source: 'o.jsonl', line: 4 },
    ]);
    expect(r.outputs['dead-letter']).toBeUndefined();
  });

  it('dead-letters a malformed line with its text, line number and reason, and reads on', async () => {
    const dir = folderWith({ 'p.jsonl': '{"id":1}\n{"id": 2,\n[1,2]\n"text"\n{"id":3}\n' });
    const r = await runNode(read, { path: 'p.jsonl' }, [], { dir });
    expect(r.outputs.out).toEqual([{ id: 1 }, { id: 3 }]);
    const dead = r.messages['dead-letter']!;
    expect(dead.map((m) => m.value)).toEqual(['{"id": 2,', '[1,2]', '"text"']);
    expect(dead.map((m) => [m.meta?.line, m.meta?.source])).toEqual([
      [2, 'p.jsonl'],
      [3, 'p.jsonl'],
      [4, 'p.jsonl'],
    ]);
    expect(dead[0]!.meta?.error).toMatch(/^line 2 is not valid JSON: /);
    expect(dead[1]!.meta?.error).toMatch(/^line 3 is not a record/);
  });

  it('checks lines against the schema, allowing nullable fields to be left out', async () => {
    const dir = folderWith({
      'pay.jsonl': [
        '{"paymentId":"p-1","amount":120.5,"payer":{"iban":"DE44500105175407324931"}}',
        '{"paymentId":"p-2","amount":"12O.00","payer":{"iban":"GB82WEST12345698765432"}}',
        '{"paymentId":"p-3","amount":8400,"note":"ok","payer":{}}',
        '{"paymentId":"p-4","amount":15.25,"note":null,"payer":{"iban":"FR1420041010050500013M02606"},"extra":true}',
      ].join('\n'),
    });
    const r = await runNode(read, { path: 'pay.jsonl', schema: PAYMENT_SCHEMA }, [], { dir });
    expect((r.outputs.out as Array<{ paymentId: string }>).map((p) => p.paymentId)).toEqual(['p-1', 'p-4']);
    const dead = r.messages['dead-letter']!;
    expect(dead.map((m) => m.meta?.error)).toEqual([
      'line 2 does not fit the schema: field "amount" should be a number (double), not "12O.00"',
      'line 3 does not fit the schema: field "payer.iban" is missing (it should be string)',
    ]);
  });

  it('strips a byte-order mark from the first line', async () => {
    const dir = folderWith({ 'bom.jsonl': '\uFEFF{"id":1}\n' });
    expect((await runNode(read, { path: 'bom.jsonl' }, [], { dir })).outputs.out).toEqual([{ id: 1 }]);
  });

  it('publishes the given schema as its output schema, or none without one', () => {
    expect(outputSchemas(read, {}, read.config.parse({ path: 'a', schema: PAYMENT_SCHEMA })).out).toEqual(PAYMENT_SCHEMA);
    expect(outputSchemas(read, {}, read.config.parse({ path: 'a' })).out).toBeUndefined();
  });

  it('awaits emit (backpressure) and stops when the flow stops', async () => {
    const dir = folderWith({ 'many.jsonl': Array.from({ length: 100 }, (_, i) => `{"i":${i}}`).join('\n') });
    const { ctx } = testContext(read, { dir });
    const src = (await read.create(read.config.parse({ path: 'many.jsonl' }), ctx)) as SourceRuntime;
    const abort = new AbortController();
    const seen: Message[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    await src.run({
      signal: abort.signal,
      async emit(msg) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        seen.push(msg);
        if (seen.length === 5) abort.abort();
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
      },
      deadLetter: () => undefined,
    });
    expect(maxInFlight).toBe(1);
    expect(seen).toHaveLength(5);
  });

  it('names the file when it cannot be read', async () => {
    const dir = folderWith({});
    await expect(runNode(read, { path: 'missing.jsonl' }, [], { dir })).rejects.toThrow(/file.read: cannot read "missing.jsonl" \(.*missing.jsonl\): .*ENOENT/);
  });

  it('closes the file when stopped early', async () => {
    const { ctx } = testContext(read);
    let closed = false;
    const files: FileAccess = {
      ...ctx.files,
      async *readLines() {
        try {
          for (let i = 0; ; i++) yield `{"i":${i}}`;
        } finally {
          closed = true;
        }
      },
    };
    const src = (await read.create(read.config.parse({ path: 'endless.jsonl' }), { ...ctx, files })) as SourceRuntime;
    const abort = new AbortController();
    let n = 0;
    await src.run({
      signal: abort.signal,
      emit() {
        if (++n === 3) abort.abort();
      },
      deadLetter: () => undefined,
    });
    expect(n).toBe(3);
    expect(closed).toBe(true);
  });
});

describe('file.read lint', () => {
  const lint = (config: unknown) => read.lint!(read.config.parse(config));

  it('reports an empty path, a schema that is not an Avro record, and follow', () => {
    expect(lint({ path: '' })).toEqual([expect.objectContaining({ path: '/path' })]);
    expect(lint({ path: 'a', schema: { type: 'record', name: 'R', fields: [{ name: 'x', type: 'nope' }] } })).toEqual([
      { path: '/schema', message: expect.stringMatching(/not a valid Avro schema/) },
    ]);
    expect(lint({ path: 'a', schema: { type: 'map', values: 'string' } })[0]!.message).toMatch(/must be an Avro record/);
    expect(lint({ path: 'a', follow: true })).toEqual([{ path: '/follow', message: expect.stringMatching(/not supported/) }]);
  });

  it('accepts its examples', () => {
    for (const ex of read.examples) expect(lint(ex.config)).toEqual([]);
  });
});
