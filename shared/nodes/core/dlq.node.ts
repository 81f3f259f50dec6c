import { z } from 'zod';
import { defineNode, isJsonObject, type DeadLetter, type LintIssue, type Message } from '../../node-kit';
import { lineFileSink, rotationFields } from '../file/lib/rotation';
import { jsonLine } from './lib/json';

const config = z.strictObject({
  path: z.string().default('dead-letters.jsonl').meta({
    title: 'File',
    description: 'Where dead letters are appended, relative to the flow\'s folder.',
  }),
  ...rotationFields('never.'),
});

type Config = z.output<typeof config>;

function lint(c: Config): LintIssue[] {
  return c.path.trim() === '' ? [{ path: '/path', message: 'give the file for dead letters, e.g. dead-letters.jsonl' }] : [];
}

/** The shape the engine hands to dead-letter nodes (see DeadLetter in node-kit/message). */
export function isDeadLetter(v: unknown): v is DeadLetter {
  if (!isJsonObject(v)) return false;
  return (
    typeof v.flowId === 'string' &&
    typeof v.nodeId === 'string' &&
    isJsonObject(v.error) &&
    typeof v.error.message === 'string' &&
    typeof v.attempts === 'number' &&
    typeof v.failedAt === 'string' &&
    isJsonObject(v.original)
  );
}

export const NOT_A_DEAD_LETTER = 'NotADeadLetter';

export default defineNode({
  type: 'core.dlq',
  version: 1,
  category: 'sink',
  title: 'Dead letters',
  summary: 'Keeps records that failed, with the reason, in a JSON-lines file.',
  icon: 'inbox',
  docs: `
Stores **dead letters**: records a flow could not process, together with why and where they
failed, so that nothing is ever lost silently. Each dead letter is one line of JSON appended to
the file (default \`dead-letters.jsonl\` in the flow's folder):

\`\`\`json
{"flowId":"payments","nodeId":"to-eur","error":{"name":"ExpressionError","message":"amount is not a number"},
 "attempts":3,"failedAt":"2024-05-01T09:30:00.000Z","original":{"value":{"paymentId":"p-2","amount":"12O.00"}}}
\`\`\`

\`original\` is the record exactly as its source produced it (for a file line that was not valid
JSON, the line's text), so it can be inspected, fixed and replayed.

### Using it

1. Add a **Dead letters** node to the flow. It needs no incoming connection.
2. Point the flow at it: in the flow's settings, under error handling, choose it as the
   dead-letter node. In the flow file this is the node's id under \`errors.deadLetter\`:
   \`\`\`json
   "errors": { "retry": { "attempts": 3, "backoff": "200ms" }, "deadLetter": "dead-letters" }
   \`\`\`
   A single node can use its own error handling the same way (\`errors\` on that node).
3. A node that fails on a record retries it as configured; if it still fails, the record goes
   here. Sources also send lines they cannot read (bad JSON, wrong schema) here directly.
   Without a dead-letter node, such a failure stops the flow instead, because a record is never
   dropped silently.

You may also connect an ordinary output to this node (for example a Route's \`otherwise\`) to
park records. Anything that is not a dead letter is wrapped into one (error name
\`${NOT_A_DEAD_LETTER}\`, the record under \`original\`), so every line in the file has the same
shape.

A dead letter counts as handled only once its line is in the file. Use **Start a new file
after** to rotate large files.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: [],
  },
  config,
  lint,
  create(c, ctx) {
    const errors = lint(c);
    if (errors.length) throw new Error(`core.dlq: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    const wrap = (msg: Message): DeadLetter => ({
      flowId: ctx.flowId,
      nodeId: ctx.nodeId,
      error: { name: NOT_A_DEAD_LETTER, message: 'received as an ordinary record, not from error handling; kept as it arrived' },
      attempts: 0,
      failedAt: new Date(ctx.clock.now()).toISOString(),
      original: {
        value: msg.value,
        ...(msg.key !== undefined ? { key: msg.key } : {}),
        ...(msg.headers ? { headers: msg.headers } : {}),
        ...(msg.meta ? { meta: msg.meta } : {}),
      },
    });
    return lineFileSink(ctx.files, c, (msg) => jsonLine(isDeadLetter(msg.value) ? msg.value : wrap(msg)));
  },
  examples: [
    { title: 'Dead letters next to the flow', config: { path: 'dead-letters.jsonl', maxFiles: 5 } },
    { title: 'Dead letters in an output folder, rotated at 50 MB', config: { path: 'out/dead-letters.jsonl', rotateBytes: 50_000_000, maxFiles: 10 } },
  ],
});
