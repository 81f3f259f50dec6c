import { z } from 'zod';
import { defineNode, hint, isJsonObject, type LintIssue } from '../../node-kit';
import { recordSchemaCheck, recordSchemaIssues, recordSchemaOutput } from '../lib/record-schema';

const config = z.strictObject({
  path: z.string().meta({
    title: 'File',
    description: 'The JSON-lines file to read, relative to the flow\'s folder, e.g. `data/orders.jsonl`.',
  }),
  schema: hint.code(z.record(z.string(), z.unknown()).optional(), 'avro', {
    title: 'Record schema',
    description: 'Optional Avro record schema of the lines. Lines that do not fit it are dead-lettered; later nodes can use its fields.',
  }),
  follow: hint.advanced(z.boolean().default(false), {
    title: 'Keep reading new lines',
    description: 'Not supported yet: the file is read once, to its end, and the source then finishes.',
  }),
});

type Config = z.output<typeof config>;

function lint(c: Config): LintIssue[] {
  const issues: LintIssue[] = [];
  if (c.path.trim() === '') issues.push({ path: '/path', message: 'give the file to read, e.g. data/orders.jsonl' });
  issues.push(...recordSchemaIssues(c.schema));
  if (c.follow) issues.push({ path: '/follow', message: 'following a growing file is not supported yet; the file is read once to its end' });
  return issues;
}

export default defineNode({
  type: 'file.read',
  version: 1,
  category: 'source',
  title: 'Read file',
  summary: 'Reads records from a JSON-lines file, one record per line.',
  icon: 'file-text',
  docs: `
Reads a file in the JSON-lines format: one record per line, each a JSON object such as
\`{"id": "ord-1", "total": 1480.5}\`. Good for replaying captured data, for test data and for
files dropped by other systems.

- **File**: a path relative to the folder of the flow file, e.g. \`data/orders.jsonl\`.
- **Record schema** (optional): an Avro record schema describing the lines. Later nodes then
  know the fields and their types before the flow runs (for expressions and field pickers),
  and each line is checked against it. A field whose type allows null may be left out of a line.
  Without a schema the fields are only known when the flow runs.

Empty lines are skipped. A line that is not valid JSON, is not an object, or does not fit the
schema is **not dropped**: it goes to the flow's dead-letter node with the reason and its line
number (e.g. \`line 12 is not valid JSON: …\`), and reading carries on with the next line.

The file is read once, from start to end, and then this source is finished; when all sources
of a flow are finished the flow stops. Following a file that keeps growing (like \`tail -f\`) is
not supported yet, so **Keep reading new lines** must stay off.
`.trim(),
  ports: {
    inputs: [],
    outputs: [{ name: 'out', title: 'Records' }],
  },
  config,
  lint,
  schema(_inputs, c) {
    return { out: recordSchemaOutput(c.schema) };
  },
  create(c, ctx) {
    const errors = lint(c);
    if (errors.length) throw new Error(`file.read: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    const check = recordSchemaCheck(c.schema);
    const path = c.path;
    return {
      role: 'source',
      async run(out) {
        const lines = ctx.files.readLines(path, out.signal)[Symbol.asyncIterator]();
        let n = 0;
        try {
          for (;;) {
            let next: IteratorResult<string>;
            try {
              next = await lines.next();
            } catch (err) {
              if (out.signal.aborted) return;
              throw new Error(`file.read: cannot read "${path}" (${ctx.files.resolve(path)}): ${(err as Error).message}`, { cause: err });
            }
            if (next.done || out.signal.aborted) return;
            n++;
            const raw = next.value;
            const line = n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
            if (line.trim() === '') continue;
            const meta = { source: path, line: n };
            let value: unknown;
            let problem: string | undefined;
            try {
              value = JSON.parse(line);
            } catch (err) {
              problem = `line ${n} is not valid JSON: ${(err as Error).message}`;
            }
            if (problem === undefined && !isJsonObject(value)) problem = `line ${n} is not a record: expected a JSON object {…}`;
            if (problem === undefined && check) {
              const mismatch = check(value);
              if (mismatch) problem = `line ${n} does not fit the schema: ${mismatch}`;
            }
            const pending = problem === undefined ? out.emit({ value, meta }) : out.deadLetter({ value: raw, meta }, new Error(problem));
            if (pending) await pending;
          }
        } finally {
          await lines.return?.();
        }
      },
    };
  },
  examples: [
    { title: 'Replay captured orders', config: { path: 'data/orders-sample.jsonl', follow: false } },
    {
      title: 'Payments with a schema',
      description: 'Lines whose amount is not a number go to the dead-letter node.',
      config: {
        path: 'data/payments.jsonl',
        follow: false,
        schema: {
          type: 'record',
          name: 'Payment',
          fields: [
            { name: 'paymentId', type: 'string' },
            { name: 'amount', type: 'double' },
            { name: 'currency', type: 'string' },
            {
              name: 'payer',
              type: {
                type: 'record',
                name: 'Payer',
                fields: [
                  { name: 'name', type: 'string', 'confluent:tags': ['PII'] },
                  { name: 'iban', type: 'string', 'confluent:tags': ['PII'] },
                ],
              },
            },
          ],
        },
      },
    },
  ],
});
