import { z } from 'zod';
import {
  covers,
  defineNode,
  getPath,
  hasPath,
  hasWildcard,
  hint,
  isJsonObject,
  removePath,
  setPath,
  splitPath,
  withValue,
  type LintIssue,
  type PathSteps,
} from '../../node-kit';
import type { AvroRecord, AvroType, RecordSchema } from '../../schema/record-schema';
import { editable, finish, putField, removeField } from '../../schema/schema-paths';
import { ownTags, tagsAt, TAGS, unionTags } from '../../schema/tags';
import { toJsonValue } from './lib/json';
import { celTypeToAvro, expressionReads, expressionType } from '../../expr';

const fieldPath = (title: string, description: string) => hint.field(z.string(), { title, description });

const config = z.strictObject({
  set: z
    .array(
      z.strictObject({
        field: fieldPath('Field', 'Where the value goes, e.g. `tier` or `customer.tier`; missing parent objects are created.'),
        value: hint.expression(z.string().min(1), {
          resultType: 'any',
          title: 'Value',
          description: 'CEL expression computing the value from the incoming record, e.g. `total * 1.2` or `customer.name.upperAscii()`.',
        }),
      }),
    )
    .default([])
    .meta({ title: 'Set fields', description: 'Fields to add or replace, in order, each computed from the incoming record.' }),
  rename: z
    .array(
      z.strictObject({
        from: fieldPath('From', 'The field to move, e.g. `cust_name`.'),
        to: fieldPath('To', 'Its new name or place, e.g. `customer.name`; must not exist yet.'),
      }),
    )
    .default([])
    .meta({ title: 'Rename fields', description: 'Fields to move or rename, in order, after the fields above are set.' }),
  remove: z
    .array(fieldPath('Field', 'A field to drop, e.g. `internalNotes` or `customer.phone`.'))
    .default([])
    .meta({ title: 'Remove fields', description: 'Fields to drop, after setting and renaming.' }),
});

type Config = z.output<typeof config>;

interface Parsed {
  set: Array<{ steps: string[]; value: string; index: number }>;
  rename: Array<{ from: string[]; to: string[]; index: number }>;
  remove: Array<{ steps: string[]; index: number }>;
}

/** Parses every path, collecting problems as JSON-pointer issues; unparseable entries are left out. */
function parse(c: Config, issues: LintIssue[]): Parsed {
  const steps = (path: string, pointer: string): string[] | undefined => {
    if (path.trim() === '') {
      issues.push({ path: pointer, message: 'the field path is empty' });
      return undefined;
    }
    let s: string[];
    try {
      s = splitPath(path);
    } catch (err) {
      issues.push({ path: pointer, message: (err as Error).message });
      return undefined;
    }
    if (hasWildcard(s)) {
      issues.push({ path: pointer, message: `"${path}": [*] is not supported here; Map writes one place per record` });
      return undefined;
    }
    return s;
  };
  const out: Parsed = { set: [], rename: [], remove: [] };
  c.set.forEach((e, index) => {
    const s = steps(e.field, `/set/${index}/field`);
    if (s) out.set.push({ steps: s, value: e.value, index });
  });
  c.rename.forEach((e, index) => {
    const from = steps(e.from, `/rename/${index}/from`);
    const to = steps(e.to, `/rename/${index}/to`);
    if (from && to) out.rename.push({ from, to, index });
  });
  c.remove.forEach((e, index) => {
    const s = steps(e, `/remove/${index}`);
    if (s) out.remove.push({ steps: s, index });
  });
  return out;
}

const same = (a: PathSteps, b: PathSteps) => a.length === b.length && covers(a, b);
const overlap = (a: PathSteps, b: PathSteps) => covers(a, b) || covers(b, a);
const text = (s: PathSteps) => s.join('.');

function lint(c: Config): LintIssue[] {
  const issues: LintIssue[] = [];
  const p = parse(c, issues);
  p.set.forEach((e, i) => {
    const earlier = p.set.slice(0, i).find((o) => same(o.steps, e.steps));
    if (earlier) issues.push({ path: `/set/${e.index}/field`, message: `"${text(e.steps)}" is already set by /set/${earlier.index}` });
  });
  p.rename.forEach((e, i) => {
    const pointer = `/rename/${e.index}/to`;
    if (same(e.from, e.to)) {
      issues.push({ path: pointer, message: `renames "${text(e.from)}" to itself`, severity: 'warning' });
      return;
    }
    const earlier = p.rename.slice(0, i).find((o) => same(o.to, e.to));
    if (earlier) issues.push({ path: pointer, message: `"${text(e.to)}" is already the target of /rename/${earlier.index}` });
    const set = p.set.find((o) => overlap(o.steps, e.to) && !covers(e.from, o.steps));
    if (set) {
      issues.push({ path: pointer, message: `renaming to "${text(e.to)}", which already exists: /set/${set.index} sets "${text(set.steps)}"` });
    }
  });
  p.remove.forEach((e, i) => {
    const pointer = `/remove/${e.index}`;
    if (p.remove.slice(0, i).some((o) => same(o.steps, e.steps))) {
      issues.push({ path: pointer, message: `"${text(e.steps)}" is listed twice`, severity: 'warning' });
    }
    const set = p.set.find((o) => covers(e.steps, o.steps));
    if (set) issues.push({ path: pointer, message: `removes "${text(e.steps)}", which /set/${set.index} has just set`, severity: 'warning' });
    const moved = p.rename.find((o) => covers(e.steps, o.to));
    if (moved) issues.push({ path: pointer, message: `removes "${text(e.steps)}", which /rename/${moved.index} has just filled`, severity: 'warning' });
  });
  if (c.set.length + c.rename.length + c.remove.length === 0) {
    issues.push({ path: '', message: 'nothing to do: add fields to set, rename or remove', severity: 'warning' });
  }
  return issues;
}

/**
 * The tags of a computed value: the union of the tags of every field the expression reads. A
 * value that is just a copy of a field (`customer`) carries the tags of that field and of the
 * fields around it, and the copied type keeps the tags inside it. Undefined when the expression
 * cannot be read.
 */
function computedTags(source: string, schema: AvroRecord): string[] | undefined {
  const r = expressionReads(source, schema);
  if (!r) return undefined;
  if (r.identity) return tagsAt(schema, r.identity, false);
  return unionTags(...r.reads.map((p) => tagsAt(schema, p)), ...r.sizes.map((p) => tagsAt(schema, p, false)));
}

/** The Avro type a set expression produces against the incoming schema; undefined when unknown. */
function computedType(source: string, schema: RecordSchema): AvroType | undefined {
  const type = expressionType(source, schema);
  if (typeof type !== 'string') return undefined;
  // toJsonValue writes timestamps into records as ISO 8601 text.
  if (type === 'google.protobuf.Timestamp' || type === 'timestamp') return 'string';
  return celTypeToAvro(type, schema);
}

export default defineNode({
  type: 'core.map',
  version: 1,
  category: 'transform',
  title: 'Map',
  summary: 'Sets, renames and removes fields of each record.',
  icon: 'shuffle',
  docs: `
Reshapes every record: add or replace fields with computed values, rename or move fields, and
drop fields. The three lists are applied **in this order**, each from top to bottom:

1. **Set fields**: each entry writes the result of a [CEL](https://cel.dev) expression into a
   field, e.g. field \`totalWithVat\`, value \`total * 1.2\`. Every expression reads the record
   *as it arrived*, not as changed by the entries above it, so the order of the entries never
   changes what they compute.
2. **Rename fields**: moves a field to a new name or place, e.g. \`cust_name\` to
   \`customer.name\`. A field that is not in the record is skipped. Renaming onto a field that
   already exists is an error for that record (it goes to the node's error handling), because
   overwriting would silently lose data: remove or rename the other field first.
3. **Remove fields**: drops fields, e.g. \`internalNotes\`. A field that is not there is skipped.

Field paths use dots for nested fields (\`customer.address.city\`). Setting or renaming into a
nested field creates the parent objects when they are missing. Fields you do not mention are
passed on untouched, and the incoming record itself is never changed.

The schema of the records leaving the node follows the same steps, so fields you add can be
used by the nodes after it, and fields you remove no longer appear in their field pickers.
When the type of a computed value cannot be worked out before the flow runs, the outgoing
schema is reported as unknown rather than guessed.

**Tags** (such as \`PII\`, see docs/governance.md) follow the data: a computed field carries
the tags of every field its expression reads (\`emailDomain\` computed from
\`customer.email\` is PII), a field that copies a record keeps the tags inside it, and a
renamed field keeps its tags and those of the record it was moved out of.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: [{ name: 'out' }],
  },
  config,
  lint,
  schema(inputs, c) {
    const input = inputs.in;
    if (!input) return { out: undefined };
    const p = parse(c, []);
    const s = editable(input);
    for (const e of p.set) {
      const type = computedType(e.value, input);
      const tags = computedTags(e.value, input);
      if (type === undefined || tags === undefined) return { out: undefined };
      putField(s, e.steps, tags.length ? { type, [TAGS]: tags } : { type });
    }
    for (const e of p.rename) {
      // A field moved out of a tagged record keeps that record's tags.
      const inherited = tagsAt(s.root, e.from.slice(0, -1), false);
      const field = removeField(s, e.from);
      if (!field) continue;
      const { name: _old, ...rest } = field;
      const tags = unionTags(ownTags(rest), inherited);
      putField(s, e.to, tags.length ? { ...rest, [TAGS]: tags } : rest);
    }
    for (const e of p.remove) removeField(s, e.steps);
    return { out: finish(s) };
  },
  create(c, ctx) {
    const issues: LintIssue[] = [];
    const p = parse(c, issues);
    const errors = [...issues, ...lint(c)].filter((i) => i.severity !== 'warning');
    if (errors.length) throw new Error(`core.map: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    const sets = p.set.map((e) => ({
      steps: e.steps,
      expr: ctx.expr.compile(e.value, { resultType: 'any', configPath: `/set/${e.index}/value` }),
    }));
    const renames = p.rename;
    const removes = p.remove.map((e) => e.steps);
    return {
      role: 'processor',
      process(msg, emit) {
        const input = msg.value;
        if (!isJsonObject(input)) throw new Error(`core.map needs a record (a JSON object), got ${Array.isArray(input) ? 'an array' : typeof input}`);
        let value: unknown = input;
        for (const s of sets) value = setPath(value, s.steps, toJsonValue(s.expr.evaluate(input)));
        for (const r of renames) {
          if (!hasPath(value, r.from)) continue;
          if (hasPath(value, r.to)) throw new Error(`cannot rename "${text(r.from)}" to "${text(r.to)}": the record already has "${text(r.to)}"`);
          const moved = getPath(value, r.from);
          value = setPath(removePath(value, r.from), r.to, moved);
        }
        for (const steps of removes) value = removePath(value, steps);
        emit('out', value === input ? msg : withValue(msg, value));
      },
    };
  },
  examples: [
    {
      title: 'Add a computed field, move one, drop one',
      config: {
        set: [{ field: 'totalWithVat', value: 'total * 1.25' }],
        rename: [{ from: 'cust', to: 'customer.name' }],
        remove: ['internal'],
      },
      input: [{ id: 'a', total: 100.0, cust: 'Ana Lima', internal: 'x' }],
      output: { out: [{ id: 'a', total: 100.0, totalWithVat: 125.0, customer: { name: 'Ana Lima' } }] },
    },
    {
      title: 'Tag large orders in a nested field',
      config: { set: [{ field: 'flags.large', value: 'total > 1000.0' }], rename: [], remove: [] },
      input: [{ total: 1500.5 }, { total: 20.5 }],
      output: { out: [{ total: 1500.5, flags: { large: true } }, { total: 20.5, flags: { large: false } }] },
    },
  ],
});
