import { z } from 'zod';
import { defineNode, type Message } from '../../node-kit';
import { jsonLine } from './lib/json';

const PARTS = ['key', 'headers', 'meta'] as const;

const config = z.strictObject({
  include: z
    .array(z.enum(PARTS))
    .default([])
    .meta({
      title: 'Also show',
      description: 'Empty: each line is the record itself. Pick key, headers and/or meta to print {"value": …, "key": …} envelopes instead.',
    }),
  prefix: z.string().optional().meta({
    title: 'Label',
    description: 'Text put in front of every line, e.g. `[eu]`, to tell several Log nodes apart.',
  }),
});

type Config = z.output<typeof config>;

/** The envelope shape, in a fixed key order so lines are easy to compare by eye. */
function envelope(msg: Message, include: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { value: msg.value };
  if (include.has('key')) out.key = msg.key ?? null;
  if (include.has('headers')) out.headers = msg.headers ?? {};
  if (include.has('meta')) out.meta = msg.meta ?? {};
  return out;
}

function render(c: Config): (msg: Message) => string {
  const include = new Set<string>(c.include);
  const prefix = c.prefix ? `${c.prefix} ` : '';
  if (include.size === 0) return (msg) => prefix + jsonLine(msg.value);
  return (msg) => prefix + jsonLine(envelope(msg, include));
}

export default defineNode({
  type: 'core.log',
  version: 1,
  category: 'sink',
  title: 'Log',
  summary: 'Prints each record as one line of JSON on the standard output.',
  icon: 'terminal',
  docs: `
Prints every record it receives as one line of JSON on the runtime's standard output (the
terminal when you run \`sluice run\`). Useful to watch a flow while building it, and as the
end of a demo flow.

By default a line is just the record:

\`\`\`
{"id":"ord-1","total":1480.5,"region":"eu"}
\`\`\`

Under **Also show**, pick \`key\`, \`headers\` and/or \`meta\` (where the record came from:
topic, partition, offset, file line…) to print an envelope instead:

\`\`\`
{"value":{"id":"ord-1","total":1480.5},"key":"ord-1","meta":{"topic":"orders","offset":"42"}}
\`\`\`

A **Label** is put in front of each line (\`[eu] {"id":"ord-1",…}\`) to tell several Log nodes
apart. Without a label every line is valid JSON, so the output can be piped into tools such as
\`jq\`; with a label, strip it first.

Records count as delivered once printed. Logs of the runtime itself go to standard error, so
they never mix with these lines.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: [],
  },
  config,
  create(c, ctx) {
    const line = render(c);
    const stdout = ctx.stdout;
    return {
      role: 'sink',
      write(msg) {
        return stdout.writeLine(line(msg));
      },
    };
  },
  examples: [
    { title: 'Print records', config: { include: [] } },
    { title: 'Print records with their key and origin', config: { include: ['key', 'meta'], prefix: '[orders]' } },
  ],
});
