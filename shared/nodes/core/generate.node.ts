import { z } from 'zod';
import { defineNode, hint, type LintIssue, type Message } from '../../node-kit';
import type { AvroRecord } from '../../schema/record-schema';
import { parseRecordSchema, randomRecordGen } from './lib/avro';
import { Random, randomSeed } from './lib/random';
import { compileTemplate, compileText, placeholderTable, type Gen, type GenState, type TemplateIssue } from './lib/template';

const config = z.strictObject({
  template: hint.code(z.record(z.string(), z.unknown()).optional(), 'json', {
    title: 'Record template',
    description: 'A JSON object shaped like the records to make; text values may contain placeholders such as {{int 1 100}}.',
  }),
  avroSchema: hint.code(z.record(z.string(), z.unknown()).optional(), 'avro', {
    title: 'Avro schema',
    description: 'Instead of a template: an Avro record schema; records are random values of that schema.',
  }),
  key: z.string().optional().meta({
    title: 'Message key',
    description: 'Optional key for each record, with the same placeholders, e.g. "ord-{{seq}}". No key when empty.',
  }),
  count: z.number().int().min(0).optional().meta({
    title: 'Number of records',
    description: 'How many records to make, then stop. Empty: keep going until the flow is stopped.',
  }),
  rate: z.number().positive().optional().meta({
    title: 'Records per second',
    description: 'Paces the records evenly at this rate. Empty: as fast as the flow accepts them.',
  }),
  seed: hint.advanced(z.number().int().optional(), {
    title: 'Seed',
    description: 'The same seed makes the same records on every run. Empty: a new random seed per run (written to the log).',
  }),
});

type Config = z.output<typeof config>;

function pointerIssues(base: string, issues: TemplateIssue[]): LintIssue[] {
  return issues.map((i) => ({ path: `${base}${i.path}`, message: i.message, ...(i.severity ? { severity: i.severity } : {}) }));
}

function check(c: Config): LintIssue[] {
  const issues: LintIssue[] = [];
  if (c.template && c.avroSchema) {
    issues.push({ path: '/avroSchema', message: 'give either a record template or an Avro schema, not both' });
  } else if (!c.template && !c.avroSchema) {
    issues.push({ path: '/template', message: 'give a record template (or an Avro schema) describing the records to make' });
  }
  if (c.template) issues.push(...pointerIssues('/template', compileTemplate(c.template).issues));
  if (c.avroSchema) {
    const parsed = parseRecordSchema(c.avroSchema);
    if (parsed.error) issues.push({ path: '/avroSchema', message: parsed.error });
  }
  if (c.key !== undefined) issues.push(...pointerIssues('/key', compileText(c.key).issues));
  return issues;
}

/** The per-record generator and the schema of what it makes; throws with the lint messages. */
function build(c: Config): { generate: Gen; schema: AvroRecord; key?: (s: GenState) => string } {
  const errors = check(c).filter((i) => i.severity !== 'warning');
  if (errors.length) throw new Error(`core.generate: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  const key = c.key ? compileText(c.key).gen : undefined;
  if (c.template) {
    const { template } = compileTemplate(c.template);
    return { generate: template!.generate, schema: template!.schema, key };
  }
  const parsed = parseRecordSchema(c.avroSchema);
  return { generate: randomRecordGen(parsed.type!, c.avroSchema), schema: c.avroSchema as unknown as AvroRecord, key };
}

// How long a generator may run without giving the event loop a turn when nothing pushes back.
const YIELD_EVERY_MS = 50;
// How far a paced generator may fall behind its schedule and still catch up.
const MAX_CATCH_UP_MS = 1000;

export default defineNode({
  type: 'core.generate',
  version: 1,
  category: 'source',
  title: 'Generate',
  summary: 'Makes test records from a template or an Avro schema, at a set pace or as fast as possible.',
  icon: 'sparkles',
  docs: `
Makes realistic test records so a flow can be tried, demonstrated or load-tested without a
real source. Describe the records in one of two ways:

- a **record template**: a JSON object shaped like the records you want, whose text values may
  contain placeholders, e.g. \`{"id": "ord-{{seq}}", "total": "{{double 10 5000 2}}"}\`; or
- an **Avro schema** (a record schema): every record is random values of that schema.

### Placeholders

A placeholder is written \`{{name}}\` or \`{{name arguments}}\` inside a text value. When a text
value is exactly one placeholder that gives a number (or true/false), the field becomes a number
(or true/false), not text: \`"qty": "{{int 1 5}}"\` gives \`"qty": 3\`. Placeholders mixed with
other text are written into the text: \`"ord-{{seq}}"\` gives \`"ord-17"\`. \`{{\` always starts a
placeholder; an unknown placeholder is reported on the node.

${placeholderTable()}

Nested objects and arrays in the template are made the same way. An array whose first entry is
\`"{{repeat MIN MAX}}"\` and whose second entry is an element template gives between MIN and MAX
fresh elements per record, e.g. order lines:

\`\`\`json
{
  "id": "ord-{{seq}}",
  "customer": { "name": "{{name}}", "email": "{{email}}", "country": "{{country}}", "iban": "{{iban}}" },
  "region": "{{pick eu us apac}}",
  "total": "{{double 10 5000 2}}",
  "currency": "{{pick EUR USD GBP}}",
  "items": ["{{repeat 1 4}}", { "sku": "SKU-{{digits 6}}", "qty": "{{int 1 5}}", "card": "{{card}}" }]
}
\`\`\`

Values without placeholders (numbers, true/false, null, plain text) are copied into every record.
Saving a flow sorts object keys, so the fields of generated records come out in alphabetical order.

### Record schema

The records' schema is known before the flow runs, so expressions and field pickers further on
work: with an Avro schema it is that schema; with a template it is worked out from the template
(placeholders that give numbers are numbers, \`{{now}}\` is a timestamp, the rest is text).

With an Avro schema, whole numbers (int, long) are 0 to 999 and 0 to 2^31, decimals (float,
double) are between 0 and 1000, text is random letters, arrays and maps have 0 to 9 entries, a
union takes a random branch, and timestamp, date and uuid logical types get values of that kind.
Records are plain JSON: union values are not wrapped and bytes are text.

### Pace, amount and repeatability

- **Number of records**: stop after this many. Leave it empty to keep going until the flow stops.
- **Records per second**: paces the records evenly. Empty means as fast as the flow takes them;
  the generator always waits when the flow is full, so a fast generator never floods memory.
  After the flow has held it up for more than a second, it carries on at the set pace rather
  than sending a burst to make up for lost time.
- **Seed**: the same seed gives the same records, in the same order, on every run and machine
  (only \`{{now}}\` differs, as it reads the clock). Without a seed each run picks one and writes
  it to the log, so an interesting run can be repeated.
`.trim(),
  ports: {
    inputs: [],
    outputs: [{ name: 'out', title: 'Records' }],
  },
  config,
  lint: check,
  schema(_inputs, c) {
    try {
      return { out: build(c).schema };
    } catch {
      return { out: undefined };
    }
  },
  create(c, ctx) {
    const { generate, key } = build(c);
    const count = c.count ?? Number.POSITIVE_INFINITY;
    const interval = c.rate ? 1000 / c.rate : 0;
    const seed = c.seed ?? randomSeed();
    if (c.seed === undefined) ctx.log.info('core.generate picked a seed; set it in the config to repeat this run', { seed });
    const clock = ctx.clock;
    return {
      role: 'source',
      async run(out) {
        const state: GenState = { rng: new Random(seed), index: 0, now: () => clock.now() };
        let start = clock.now();
        let lastBreak = start;
        for (let i = 0; i < count; i++) {
          if (out.signal.aborted) return;
          if (interval > 0) {
            const now = clock.now();
            const wait = start + i * interval - now;
            if (wait >= 1) {
              await clock.sleep(wait, out.signal);
              if (out.signal.aborted) return;
              lastBreak = clock.now();
            } else if (wait < -MAX_CATCH_UP_MS) {
              // After a long stall (the flow was full) resume the pace instead of bursting to
              // make up for the lost time.
              start = now - i * interval;
            }
          }
          if ((i & 1023) === 1023) {
            const now = clock.now();
            if (now - lastBreak >= YIELD_EVERY_MS) {
              // A synchronous flow never makes emit return a promise: give timers and I/O
              // (including the stop signal) a turn.
              await clock.sleep(0, out.signal);
              if (out.signal.aborted) return;
              lastBreak = clock.now();
            }
          }
          state.index = i;
          const msg: Message = key ? { value: generate(state), key: key(state) } : { value: generate(state) };
          const pending = out.emit(msg);
          if (pending) {
            await pending;
            lastBreak = clock.now();
          }
        }
      },
    };
  },
  examples: [
    {
      title: 'Orders for a demo',
      description: 'A thousand realistic orders, ten per second, the same on every run.',
      config: {
        template: {
          id: 'ord-{{seq}}',
          customer: { name: '{{name}}', email: '{{email}}', country: '{{country}}', iban: '{{iban}}' },
          region: '{{pick eu us apac}}',
          total: '{{double 10 5000 2}}',
          currency: '{{pick EUR USD GBP}}',
          items: ['{{repeat 1 4}}', { sku: 'SKU-{{digits 6}}', qty: '{{int 1 5}}', card: '{{card}}' }],
        },
        key: 'ord-{{seq}}',
        count: 1000,
        rate: 10,
        seed: 42,
      },
    },
    {
      title: 'Random records of an Avro schema',
      config: {
        avroSchema: {
          type: 'record',
          name: 'Payment',
          fields: [
            { name: 'paymentId', type: { type: 'string', logicalType: 'uuid' } },
            { name: 'amount', type: 'double' },
            { name: 'currency', type: { type: 'enum', name: 'Currency', symbols: ['EUR', 'USD'] } },
            { name: 'note', type: ['null', 'string'] },
          ],
        },
        count: 100,
        seed: 7,
      },
    },
  ],
});
