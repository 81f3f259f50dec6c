import { z } from 'zod';
import { defineNode, hint, isJsonObject, withValue, type LintIssue, type Message } from '../../node-kit';
import { messageSchema } from '../../schema/message-schema';
import { parsePath, type AvroRecord } from '../../schema/record-schema';
import { TAG_NAME_PATTERN } from '../../schema/tags';
import { compileRedaction, type Redactor } from './lib/compiled';
import { allowTree, projectAllowed, type AllowTree, type LeafOp } from './lib/paths';
import { byTagRules, redactedSchema, unionRules, type Action, type TagRule } from './lib/plan';
import { mask, redactionText, tokenize } from './lib/redactions';

const ACTIONS = ['drop', 'mask', 'hash', 'tokenize'] as const satisfies readonly Action[];

/** How `mask` writes a value, for a rule or a tag alike. */
const maskOptions = {
  keepLast: z.number().int().min(0).default(4).meta({
    title: 'Characters left visible',
    description: 'For `mask`: how many characters at the end stay readable.',
  }),
  maskChar: z.string().length(1).default('*').meta({
    title: 'Mask character',
    description: 'For `mask`: the character written over hidden characters.',
  }),
};

const Rule = z
  .strictObject({
    path: hint.field(z.string().min(1), {
      title: 'Field',
      description: 'The field to redact, e.g. `customer.email`. `[*]` means every element of a list, e.g. `items[*].card`.',
    }),
    action: z.enum(ACTIONS).meta({
      title: 'Action',
      description: '`drop` removes the field, `mask` hides all but the last characters, `hash` replaces it with a keyed hash, `tokenize` with a short stable token.',
    }),
    ...maskOptions,
  })
  .meta({ title: 'Rule', description: 'One field and what to do with it.' });

const ByTag = z
  .strictObject({
    tag: z.string().regex(TAG_NAME_PATTERN, 'a tag is a name such as PII or PCI: a letter, then letters, digits, "_" or "-"').meta({
      title: 'Tag',
      description: 'Every field carrying this tag is redacted, e.g. `PII`. Tags come from the record schema (`confluent:tags`) or the flow\u2019s classification map.',
    }),
    action: z.enum(ACTIONS).meta({
      title: 'Action',
      description: 'What to do with each tagged field: `drop`, `mask`, `hash` or `tokenize`, as for rules.',
    }),
    ...maskOptions,
  })
  .meta({ title: 'By tag', description: 'A tag and what to do with every field that carries it.' });

function needsKey(action: Action): boolean {
  return action === 'hash' || action === 'tokenize';
}

function pathIssue(path: string, pointer: string, action?: Action): LintIssue | undefined {
  let steps: string[];
  try {
    steps = parsePath(path);
  } catch (err) {
    return { path: pointer, message: (err as Error).message };
  }
  if (action === 'drop' && steps[steps.length - 1] === '*') {
    return { path: pointer, message: `"${path}" ends in [*]: to remove a whole list, drop the list field itself` };
  }
  return undefined;
}

export default defineNode({
  type: 'redact.fields',
  version: 1,
  category: 'redactor',
  title: 'Redact fields',
  summary: 'Drops, masks, hashes or tokenizes personal data, or lets only listed fields through.',
  icon: 'shield',
  docs: `
Removes or disguises personal data before records leave their jurisdiction. It works in one
of two modes.

**Redact listed fields** (the default) applies the **rules** in order, each to one field:

| Action | What the field becomes | Example |
|---|---|---|
| \`drop\` | removed from the record | — |
| \`mask\` | all characters hidden except the last few | \`4111111111111111\` → \`************1111\` |
| \`hash\` | HMAC-SHA256 of the value under the **key**, 64 hex characters | \`3f1c…\` |
| \`tokenize\` | a short token made from the same keyed hash | \`tok_Vb3Xq…\` (26 characters) |

- **Fields** are written as paths: \`customer.email\` is the \`email\` inside \`customer\`;
  \`items[*].card\` is the \`card\` of every element of the \`items\` list;
  \`customers[*].addresses[*].zip\` reaches into lists inside lists. On a map, \`[*]\` means
  every entry.
- **mask** keeps the last *Characters left visible* (4 by default) and writes the *Mask
  character* (\`*\` by default) over the rest. A value no longer than that is masked
  completely, so a short value never passes in clear.
- **hash** and **tokenize** need a **key**: give it as a secret reference such as
  \`\${secret:REDACT_KEY}\`, never as text in the flow. The same value under the same key always
  gives the same result, so hashed or tokenized fields can still be joined and counted; without
  the key nobody can compute them, so they cannot be reversed by guessing common values.
  Records redacted with different keys do not match each other.
- A token is \`tok_\` followed by the first 16 bytes (128 bits) of the HMAC-SHA256, written in
  URL-safe base64 without padding.
- Numbers, true/false and nested records are turned into text first (\`42\`, \`true\`, nested
  records as compact JSON with their keys sorted), so a redacted field is always text.
- A field that is empty (null) or missing is left as it is.

**Let only listed fields through** (mode \`allow\`) keeps exactly the fields named under
**Allowed fields** and removes everything else, including fields added upstream later: the safe
choice when a source's contents may grow. Naming a record (\`customer\`) keeps it whole; naming a
field inside it (\`customer.id\`) keeps only that field. Rules, if any, are applied afterwards to
what is left, so you can keep \`customer\` but still mask \`customer.phone\`.

**By tag** redacts fields by what they hold instead of by name: the entry \`{tag: "PII",
action: "hash"}\` hashes every field tagged \`PII\`, at any depth (inside lists and maps too),
unless it is already masked, hashed or tokenized. Tags come from the record schema (the Avro
field property \`confluent:tags\`) and from the flow's classification map; see
docs/governance.md. By-tag entries apply after the allowed fields and the rules, to tagged
fields no rule names; a field carrying several listed tags gets the first matching entry, and
the fields inside a redacted field need nothing more. Because the entries follow the schema, a
PII field added to the source schema later is covered without editing the flow:

- the node redacts the fields tagged in the schema known when the flow starts (the schema on
  its input edge);
- a decoder that knows each record's own schema (such as the Avro writer schema from a schema
  registry) passes it in the message meta as \`valueSchema\`; the node then also redacts the
  fields that schema tags (per schema, computed once);
- when neither is known, a record cannot be checked for tagged fields and fails (it goes to
  the error policy, e.g. the dead letters) rather than pass unredacted.

**Schema.** Downstream, dropped fields are gone, masked/hashed/tokenized fields are text (still
optional when they were optional), and in allow mode only the allowed fields remain. A tag on a
field that was masked, hashed or tokenized becomes a marker of how: \`PII\` becomes
\`PII:masked\`, \`PII:hashed\` or \`PII:tokenized\` (tags inside a disguised record move to the
field), so the governance check can tell data in clear from disguised data. Record values must
be JSON objects: anything else fails and goes to the error policy, so nothing the redactor
cannot read passes unredacted.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: [{ name: 'out', title: 'Redacted' }],
  },
  config: z.strictObject({
    mode: z.enum(['listed', 'allow']).default('listed').meta({
      title: 'Mode',
      description: '`listed`: apply the rules to the fields they name. `allow`: keep only the allowed fields, then apply the rules.',
    }),
    rules: z.array(Rule).default([]).meta({
      title: 'Rules',
      description: 'Applied in order, each to one field path.',
    }),
    allow: z
      .array(hint.field(z.string().min(1), { title: 'Allowed field', description: 'A field path kept with everything inside it.' }))
      .default([])
      .meta({
        title: 'Allowed fields',
        description: 'In `allow` mode, the only fields that pass; every other field is removed.',
      }),
    byTag: z.array(ByTag).default([]).meta({
      title: 'By tag',
      description: 'Redact every field carrying a tag, e.g. hash every `PII` field; applied after the rules.',
    }),
    key: hint.secretRef(z.string().min(1).optional(), {
      title: 'Key',
      description: 'Secret key for `hash` and `tokenize`, as a `${secret:NAME}` reference.',
    }),
  }),
  lint(config) {
    const issues: LintIssue[] = [];
    if (config.mode === 'listed' && config.rules.length === 0 && config.byTag.length === 0) {
      issues.push({ path: '/rules', message: 'add at least one rule or by-tag entry, or switch to allow mode' });
    }
    if (config.mode === 'allow' && config.allow.length === 0) {
      issues.push({ path: '/allow', message: 'allow mode with no allowed fields would remove every field' });
    }
    if (config.mode === 'listed' && config.allow.length > 0) {
      issues.push({ path: '/allow', message: 'allowed fields are only used in allow mode', severity: 'warning' });
    }
    config.rules.forEach((rule, i) => {
      const issue = pathIssue(rule.path, `/rules/${i}/path`, rule.action);
      if (issue) issues.push(issue);
    });
    config.allow.forEach((path, i) => {
      const issue = pathIssue(path, `/allow/${i}`);
      if (issue) issues.push(issue);
    });
    config.byTag.forEach((entry, i) => {
      if (config.byTag.findIndex((e) => e.tag === entry.tag) < i) {
        issues.push({ path: `/byTag/${i}/tag`, message: `tag ${entry.tag} is already listed above; only the first entry for a tag applies`, severity: 'warning' });
      }
    });
    const keyed = [...config.rules, ...config.byTag].find((r) => needsKey(r.action));
    if (keyed && !config.key) {
      issues.push({ path: '/key', message: `${keyed.action} needs a key: set it to a \${secret:NAME} reference` });
    }
    return issues;
  },
  schema(inputs, config) {
    const input = inputs.in;
    if (!input) return { out: undefined };
    return { out: redactedSchema(input, config) };
  },
  create(config, ctx) {
    const key = config.key;
    const steps = config.rules.map((rule) => {
      if (needsKey(rule.action) && !key) throw new Error(`redact.fields: ${rule.action} of "${rule.path}" needs a key`);
      return { path: parsePath(rule.path), op: leafOp(rule) };
    });
    for (const entry of config.byTag) {
      if (needsKey(entry.action) && !key) throw new Error(`redact.fields: ${entry.action} of ${entry.tag} fields needs a key`);
    }
    function leafOp(rule: { action: Action; keepLast: number; maskChar: string }): LeafOp {
      switch (rule.action) {
        case 'drop':
          return { kind: 'drop' };
        case 'mask':
          return { kind: 'replace', replace: (v) => mask(redactionText(v), rule.keepLast, rule.maskChar) };
        case 'hash':
          return { kind: 'replace', replace: (v) => ctx.crypto.hmacSha256(key as string, redactionText(v)) };
        case 'tokenize':
          return { kind: 'replace', replace: (v) => tokenize(ctx.crypto, key as string, redactionText(v)) };
      }
    }
    type Entry = z.output<typeof ByTag>;
    const compile = (tagged: readonly TagRule<Entry>[]): Redactor =>
      compileRedaction([...steps, ...tagged.map((r) => ({ path: r.steps, op: leafOp(r.entry) }))]);
    // By-tag entries: the fields tagged in the schema known at compile time, plus (per schema
    // object, cached) those tagged in each record's own schema when its decoder passes one.
    const compiled = byTagRules(ctx.inputSchema, config);
    const base = compile(compiled);
    const perSchema = new WeakMap<AvroRecord, Redactor>();
    const byTag = config.byTag.length > 0;
    const redactorFor = (msg: Message): Redactor => {
      if (!byTag) return base;
      const own = messageSchema(msg);
      if (own) {
        let r = perSchema.get(own);
        if (!r) perSchema.set(own, (r = compile(unionRules(compiled, byTagRules(own, config)))));
        return r;
      }
      if (ctx.inputSchema) return base;
      throw new Error(
        `redact.fields: the schema of this record is unknown, so the fields tagged ${config.byTag.map((e) => e.tag).join(', ')} cannot be found; give the source a record schema`,
      );
    };
    const allowed: AllowTree | undefined = config.mode === 'allow' ? allowTree(config.allow) : undefined;
    return {
      role: 'processor',
      process(msg, emit) {
        if (!isJsonObject(msg.value)) {
          throw new Error(`redact.fields expects a record (a JSON object), got ${msg.value === null ? 'null' : Array.isArray(msg.value) ? 'a list' : typeof msg.value}`);
        }
        const value = redactorFor(msg)(allowed ? projectAllowed(msg.value, allowed) : msg.value);
        emit('out', value === msg.value ? msg : withValue(msg, value));
      },
    };
  },
  examples: [
    {
      title: 'Mask card numbers, drop e-mail addresses',
      config: {
        mode: 'listed',
        allow: [],
        byTag: [],
        rules: [
          { path: 'customer.email', action: 'drop', keepLast: 4, maskChar: '*' },
          { path: 'items[*].card', action: 'mask', keepLast: 4, maskChar: '*' },
        ],
      },
      input: [{ id: 'o-1', customer: { name: 'Ada', email: 'ada@example.com' }, items: [{ sku: 'A1', card: '4111111111111111' }] }],
      output: { out: [{ id: 'o-1', customer: { name: 'Ada' }, items: [{ sku: 'A1', card: '************1111' }] }] },
    },
    {
      title: 'Let only listed fields through',
      description: 'Unknown and newly added fields never pass.',
      config: { mode: 'allow', allow: ['id', 'total', 'customer.country'], rules: [], byTag: [] },
      input: [{ id: 'o-2', total: 99.5, note: 'call me on +49 30 1234', customer: { name: 'Ada', country: 'DE' } }],
      output: { out: [{ id: 'o-2', total: 99.5, customer: { country: 'DE' } }] },
    },
    {
      title: 'Pseudonymise customer ids',
      description: 'Tokens stay the same for the same customer and key, so analytics can still count customers.',
      config: {
        mode: 'listed',
        allow: [],
        byTag: [],
        key: '${secret:REDACT_KEY}',
        rules: [
          { path: 'customer.id', action: 'tokenize', keepLast: 4, maskChar: '*' },
          { path: 'customer.email', action: 'hash', keepLast: 4, maskChar: '*' },
        ],
      },
    },
    {
      title: 'Hash every personal field, whatever it is called',
      description:
        'Every field tagged PII in the record schema (or the flow\u2019s classification map) is hashed, including PII fields added to the source schema later; card numbers tagged PCI are dropped.',
      config: {
        mode: 'listed',
        allow: [],
        rules: [],
        key: '${secret:REDACT_KEY}',
        byTag: [
          { tag: 'PII', action: 'hash', keepLast: 4, maskChar: '*' },
          { tag: 'PCI', action: 'drop', keepLast: 4, maskChar: '*' },
        ],
      },
    },
  ],
});
