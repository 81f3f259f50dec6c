import { expandReference, expandSchema, normalizeSchema } from '../../../schema/named';
import { parsePath, type AvroRecord } from '../../../schema/record-schema';
import { parseTag, taggedFields } from '../../../schema/tags';
import { allowTree, projectSchema, updateSchemaAt, type RefResolver } from './paths';

/**
 * What one redact.fields node does to a schema, and which fields its by-tag entries reach. Both
 * `schema()` (what the validator and the governance proof see) and `create()` (what the runtime
 * does, against the compile-time schema and against each record's own schema) use these, so the
 * two cannot drift apart.
 */

export type Action = 'drop' | 'mask' | 'hash' | 'tokenize';

export interface RuleLike {
  action: Action;
}

export interface ByTagEntry extends RuleLike {
  tag: string;
}

export interface PlanConfig<R extends RuleLike & { path: string }, B extends ByTagEntry> {
  mode: 'listed' | 'allow';
  allow: readonly string[];
  rules: readonly R[];
  byTag: readonly B[];
}

/** A by-tag entry applied to one field (parsed steps, `*` for items and map values). */
export interface TagRule<B> {
  steps: string[];
  entry: B;
}

function covers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== '*' && a[i] !== b[i]) return false;
  return true;
}

function resolverFor(schema: AvroRecord): RefResolver {
  return (ref) => expandReference(schema, ref);
}

/** The schema after the allow-list and the explicit rules, as an expanded tree. */
function afterRules<R extends RuleLike & { path: string }>(input: AvroRecord, config: PlanConfig<R, ByTagEntry>): AvroRecord {
  const resolve = resolverFor(input);
  let tree = expandSchema(input);
  if (config.mode === 'allow') tree = projectSchema(tree, allowTree(config.allow), resolve);
  for (const rule of config.rules) tree = updateSchemaAt(tree, parsePath(rule.path), rule.action, resolve);
  return tree;
}

/**
 * The fields the by-tag entries reach in records of `schema`: every field that carries an entry's
 * tag in clear (not already masked, hashed or tokenized), after the allow-list and the explicit
 * rules, except fields a rule already handles and fields inside one already reached. The first
 * matching entry applies.
 */
export function byTagRules<R extends RuleLike & { path: string }, B extends ByTagEntry>(schema: AvroRecord | undefined, config: PlanConfig<R, B>): TagRule<B>[] {
  if (!schema || config.byTag.length === 0) return [];
  const ruled = config.rules.map((r) => parsePath(r.path));
  const out: TagRule<B>[] = [];
  for (const field of taggedFields(afterRules(schema, config))) {
    if (ruled.some((r) => covers(r, field.steps)) || out.some((o) => covers(o.steps, field.steps))) continue;
    const names = new Set(field.own.map(parseTag).filter((t) => t.redaction === undefined).map((t) => t.name));
    const entry = config.byTag.find((e) => names.has(e.tag));
    if (entry) out.push({ steps: field.steps, entry });
  }
  return out;
}

/** The output schema: allow-list, rules, then the by-tag entries, as a valid Avro schema. */
export function redactedSchema<R extends RuleLike & { path: string }, B extends ByTagEntry>(input: AvroRecord, config: PlanConfig<R, B>): AvroRecord {
  const resolve = resolverFor(input);
  let tree = afterRules(input, config);
  for (const r of byTagRules(input, config)) tree = updateSchemaAt(tree, r.steps, r.entry.action, resolve);
  return normalizeSchema(tree, input);
}

/** Two lists of by-tag rules as one, without repeating a field. */
export function unionRules<B>(a: readonly TagRule<B>[], b: readonly TagRule<B>[]): TagRule<B>[] {
  const out = [...a];
  for (const r of b) if (!out.some((o) => covers(o.steps, r.steps))) out.push(r);
  return out;
}
