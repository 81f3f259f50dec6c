import { z } from 'zod';
import { defineNode, type LintIssue } from '../../node-kit';
import { jsonLine } from '../core/lib/json';
import { lineFileSink, rotationFields } from './lib/rotation';

const config = z.strictObject({
  path: z.string().meta({
    title: 'File',
    description: 'Where to write, relative to the flow\'s folder, e.g. `out/orders.jsonl`. Missing folders are created; an existing file is appended to.',
  }),
  ...rotationFields('one file that keeps growing.'),
});

type Config = z.output<typeof config>;

function lint(c: Config): LintIssue[] {
  return c.path.trim() === '' ? [{ path: '/path', message: 'give the file to write to, e.g. out/orders.jsonl' }] : [];
}

export default defineNode({
  type: 'file.write',
  version: 1,
  category: 'sink',
  title: 'Write file',
  summary: 'Appends each record as one line of JSON to a file, with optional size-based rotation.',
  icon: 'file-down',
  docs: `
Writes every record it receives to a file, one line of JSON per record (the "JSON lines" format
that \`file.read\`, spreadsheets' import tools, \`jq\` and most data tools understand).

- **File**: a path relative to the folder of the flow file, e.g. \`out/orders.jsonl\`. Missing
  folders are created. If the file exists, new lines are added at its end: nothing is
  overwritten.
- **Start a new file after (bytes)**: keeps files to a manageable size. When the next lines
  would take the file past this size, it is renamed to \`orders.jsonl.1\` (an older \`.1\`
  becomes \`.2\`, and so on) and writing continues in a fresh \`orders.jsonl\`.
- **Rotated files to keep** (default 5): the oldest rotated file beyond this number is deleted.

A record counts as delivered only once its line is in the file, so a crash never loses a record
that was reported as written (it may be written twice after a restart: at-least-once). Lines are
written in groups, which keeps this fast. Only the record's value is written, not its key or
headers.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: [],
  },
  config,
  lint,
  create(c, ctx) {
    const errors = lint(c);
    if (errors.length) throw new Error(`file.write: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    return lineFileSink(ctx.files, c, (msg) => jsonLine(msg.value));
  },
  examples: [
    { title: 'Write orders to a file', config: { path: 'out/orders.jsonl', maxFiles: 5 } },
    { title: 'Rotate every 10 MB, keep 3', config: { path: 'out/orders.jsonl', rotateBytes: 10_000_000, maxFiles: 3 } },
  ],
});
