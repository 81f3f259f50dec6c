import { didYouMean } from '../validate/suggest';
import { expandSchema, namedTypes, normalizeSchema } from './named';
import { isRecord, parsePath, type AvroField, type AvroRecord, type AvroType } from './record-schema';

/**
 * Field tags: what a field holds (`PII`, `PCI`…), from the Avro field property `confluent:tags`
 * (as in Confluent data contracts) or from a flow's classification map. Tags follow the data
 * through a flow: a field computed from tagged fields carries their tags, a copied record keeps
 * the tags inside it.
 *
 * A redactor that keeps a field but disguises it (mask, hash, tokenize) leaves a marker in place
 * of the tag: `PII` becomes `PII:hashed`. The data is still personal (a hash of an e-mail
 * address is a pseudonym), but no longer readable, and the governance policy decides which
 * disguise is enough for which tag and zones. A field disguised twice carries the marker of the
 * last disguise, which is what its value is. A value computed from a raw and a hashed PII field
 * carries both `PII` and `PII:hashed`: raw wins when checking.
 *
 * Functions here read expanded schemas (see named.ts) as well as normal ones; references to
 * named types are looked up in the schema they sit in.
 */

export const TAGS = 'confluent:tags';

/** A tag name: a letter, then letters, digits, `_` or `-` (no `:`, which separates the redaction marker). */
export const TAG_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export const REDACTIONS = ['mask', 'hash', 'tokenize'] as const;
/** How a redactor disguises a field it keeps. (`drop` removes the field, so it leaves no tag.) */
export type Redaction = (typeof REDACTIONS)[number];

const MARKS: Record<Redaction, string> = { mask: 'masked', hash: 'hashed', tokenize: 'tokenized' };
const BY_MARK = new Map(Object.entries(MARKS).map(([r, m]) => [m, r as Redaction]));

export interface TagState {
  /** The tag, e.g. `PII`. */
  name: string;
  /** How the value was disguised; absent when it is in clear. */
  redaction?: Redaction;
}

/** `PII` → {name: PII}; `PII:hashed` → {name: PII, redaction: hash}. An unknown suffix is part of the name. */
export function parseTag(tag: string): TagState {
  const i = tag.lastIndexOf(':');
  const redaction = i > 0 ? BY_MARK.get(tag.slice(i + 1)) : undefined;
  return redaction ? { name: tag.slice(0, i), redaction } : { name: tag };
}

/** The tag after a disguise: `PII` (or `PII:masked`) hashed → `PII:hashed`. */
export function markTag(tag: string, redaction: Redaction): string {
  return `${parseTag(tag).name}:${MARKS[redaction]}`;
}

export function markTags(tags: readonly string[], redaction: Redaction): string[] {
  return unionTags(tags.map((t) => markTag(t, redaction)));
}

/** Sorted, without duplicates. */
export function unionTags(...lists: ReadonlyArray<readonly string[] | undefined>): string[] {
  const all = new Set<string>();
  for (const list of lists) for (const t of list ?? []) all.add(t);
  return [...all].sort();
}

export function ownTags(field: { [TAGS]?: readonly string[] }): string[] {
  const t = field[TAGS];
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

/** The field with exactly these tags (the property left out when there are none). */
export function withTags<F extends AvroField>(field: F, tags: readonly string[]): F {
  const { [TAGS]: _old, ...rest } = field;
  return (tags.length ? { ...rest, [TAGS]: unionTags(tags) } : rest) as F;
}

type Defs = ReturnType<typeof namedTypes>;

function refTarget(defs: Defs, ref: string): AvroType | undefined {
  const exact = defs.get(ref);
  if (exact) return exact as unknown as AvroType;
  const short = [...defs.entries()].filter(([full]) => full.slice(full.lastIndexOf('.') + 1) === ref);
  return short.length === 1 ? (short[0]![1] as unknown as AvroType) : undefined;
}

/** The types a value of `type` may have, with wrappers and references looked through (null left out). */
function branches(type: AvroType, defs: Defs, seen?: Set<unknown>): AvroType[] {
  if (Array.isArray(type)) return type.flatMap((b) => branches(b, defs, seen));
  if (typeof type === 'string') {
    if (type === 'null') return [];
    const target = refTarget(defs, type);
    if (!target) return [type];
    if (seen?.has(target)) return [];
    seen?.add(target);
    return [target];
  }
  if (typeof type === 'object' && type !== null && !isRecord(type) && type.type !== 'array' && type.type !== 'map' && type.type !== 'enum') {
    const inner = (type as { type: unknown }).type;
    if (typeof inner === 'object' || (typeof inner === 'string' && refTarget(defs, inner))) return branches(inner as AvroType, defs, seen);
  }
  return [type];
}

/** Tags on fields anywhere inside a type (the field holding the type not included). */
export function tagsWithin(type: AvroType, root?: AvroRecord): string[] {
  const defs = namedTypes((root ?? type) as AvroType);
  const out = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (t: AvroType): void => {
    for (const b of branches(t, defs, seen)) {
      if (isRecord(b)) {
        if (seen.has(b) && b !== t) continue;
        seen.add(b);
        for (const f of b.fields) {
          for (const tag of ownTags(f)) out.add(tag);
          walk(f.type);
        }
      } else if (typeof b === 'object' && b !== null && !Array.isArray(b)) {
        if (b.type === 'array') walk((b as { items: AvroType }).items);
        else if (b.type === 'map') walk((b as { values: AvroType }).values);
      }
    }
  };
  walk(type);
  return [...out].sort();
}

/**
 * The tags a read of the value at `steps` sees: the tags of every field on the way (a field
 * inside a PII record is PII), of the field itself and (unless `within` is false) of everything
 * inside it. `[]` is the whole record. A name step into a map reads a map value; `*` steps into
 * list items, map values and every field of a record. A path that does not exist reads nothing.
 */
export function tagsAt(root: AvroRecord, steps: readonly string[], within = true): string[] {
  const defs = namedTypes(root);
  const out = new Set<string>();
  const walk = (type: AvroType, i: number, onPath: Set<string>): void => {
    if (i === steps.length) {
      for (const t of onPath) out.add(t);
      if (within) for (const t of tagsWithin(type, root)) out.add(t);
      return;
    }
    const step = steps[i] as string;
    for (const b of branches(type, defs)) {
      if (isRecord(b)) {
        for (const f of b.fields) {
          if (step !== '*' && f.name !== step) continue;
          walk(f.type, i + 1, new Set([...onPath, ...ownTags(f)]));
        }
      } else if (typeof b === 'object' && b !== null && !Array.isArray(b)) {
        if (b.type === 'array' && step === '*') walk((b as { items: AvroType }).items, i + 1, onPath);
        else if (b.type === 'map') walk((b as { values: AvroType }).values, i + 1, onPath);
      }
    }
  };
  walk(root, 0, new Set());
  return [...out].sort();
}

export interface TaggedField {
  /** Display path: `customer.email`, `items[*].card`, `attributes[*].value`. */
  path: string;
  /** Parsed steps (`*` for list items and map values). */
  steps: string[];
  /** The field's tags; for a field holding a recursive type, also the tags inside that type. */
  tags: string[];
  /** The tags written on the field itself. */
  own: string[];
}

/**
 * Every field that carries tags, at any depth, in schema order. Fields in several branches of a
 * union appear once with the tags of all. A field whose type refers back to a record around it
 * (a recursive schema) also carries the tags inside that record, so a tagged field deeper in
 * the recursion is still seen.
 */
export function taggedFields(root: AvroRecord): TaggedField[] {
  const defs = namedTypes(root);
  const found = new Map<string, TaggedField>();
  const add = (steps: string[], own: readonly string[], tags: readonly string[]) => {
    if (tags.length === 0) return;
    const path = displayPath(steps);
    const entry = found.get(path);
    if (entry) {
      entry.tags = unionTags(entry.tags, tags);
      entry.own = unionTags(entry.own, own);
    } else found.set(path, { path, steps, tags: unionTags(tags), own: unionTags(own) });
  };
  const walk = (type: AvroType, steps: string[], open: Set<unknown>): void => {
    for (const b of branches(type, defs)) {
      if (isRecord(b)) {
        if (open.has(b)) continue;
        const inner = new Set(open).add(b);
        for (const f of b.fields) {
          const here = [...steps, f.name];
          add(here, ownTags(f), unionTags(ownTags(f), recursiveTags(f.type, inner, defs, root)));
          walk(f.type, here, inner);
        }
      } else if (typeof b === 'object' && b !== null && !Array.isArray(b)) {
        if (b.type === 'array') walk((b as { items: AvroType }).items, [...steps, '*'], open);
        else if (b.type === 'map') walk((b as { values: AvroType }).values, [...steps, '*'], open);
      }
    }
  };
  walk(root, [], new Set());
  return [...found.values()];
}

/** Tags inside records that `type` refers back to (records already open around it). */
function recursiveTags(type: AvroType, open: Set<unknown>, defs: Defs, root: AvroRecord): string[] {
  const out: string[] = [];
  const visit = (t: AvroType, depth: number): void => {
    if (depth > 32) return;
    for (const b of branches(t, defs)) {
      if (isRecord(b)) {
        if (open.has(b)) out.push(...tagsWithin(b, root));
      } else if (typeof b === 'object' && b !== null && !Array.isArray(b)) {
        if (b.type === 'array') visit((b as { items: AvroType }).items, depth + 1);
        else if (b.type === 'map') visit((b as { values: AvroType }).values, depth + 1);
      }
    }
  };
  visit(type, 0);
  return out;
}

/** `['items', '*', 'card']` → `items[*].card`. */
export function displayPath(steps: readonly string[]): string {
  let out = '';
  for (const s of steps) out += s === '*' ? '[*]' : out === '' ? s : `.${s}`;
  return out;
}

/** A field path named by a classification map, with what is wrong with it. */
export interface ClassificationProblem {
  /** The path as written in the map. */
  field: string;
  message: string;
}

/**
 * Adds the tags of a classification map (field path → tags) to a schema. A path names a field,
 * `[*]` steps into list items and map values (`items[*].card`). A field of a named record type
 * used in several places is tagged in the place named only. Paths that do not name a field are
 * returned as problems and change nothing.
 */
export function classify(schema: AvroRecord, fields: Readonly<Record<string, readonly string[]>>): { schema: AvroRecord; problems: ClassificationProblem[] } {
  const tree = expandSchema(schema);
  const problems: ClassificationProblem[] = [];
  let changed = false;
  for (const [field, tags] of Object.entries(fields)) {
    let steps: string[];
    try {
      steps = parsePath(field);
    } catch (err) {
      problems.push({ field, message: (err as Error).message });
      continue;
    }
    if (steps[steps.length - 1] === '*') {
      const owner = displayPath(steps.slice(0, lastName(steps) + 1));
      problems.push({ field, message: `"${field}" names the items of a list or the values of a map: tag the field itself ("${owner}")` });
      continue;
    }
    const miss = tagPath(tree, steps, tags);
    if (miss) problems.push({ field, message: miss });
    else changed = true;
  }
  return { schema: changed ? normalizeSchema(tree, schema) : schema, problems };
}

function lastName(steps: readonly string[]): number {
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i] !== '*') return i;
  return -1;
}

/** Tags every field at `steps` in the expanded tree; returns why not when there is none. */
function tagPath(tree: AvroRecord, steps: readonly string[], tags: readonly string[]): string | undefined {
  let hit = false;
  let deepest: { at: number; names: string[] } = { at: -1, names: [] };
  const walk = (type: AvroType, i: number): AvroType => {
    if (Array.isArray(type)) return type.map((b) => walk(b, i));
    const step = steps[i] as string;
    if (isRecord(type)) {
      if (i > deepest.at) deepest = { at: i, names: type.fields.map((f) => f.name) };
      else if (i === deepest.at) deepest.names.push(...type.fields.map((f) => f.name));
      const fields = type.fields.map((f) => {
        if (step !== '*' && f.name !== step) return f;
        if (i === steps.length - 1) {
          hit = true;
          return withTags(f, unionTags(ownTags(f), tags));
        }
        return { ...f, type: walk(f.type, i + 1) };
      });
      return { ...type, fields };
    }
    if (typeof type === 'object' && type !== null) {
      if (type.type === 'array' && step === '*') return { ...type, items: walk((type as { items: AvroType }).items, i + 1) };
      if (type.type === 'map' && step === '*') return { ...type, values: walk((type as { values: AvroType }).values, i + 1) };
    }
    return type;
  };
  const out = walk(tree, 0) as AvroRecord;
  if (hit) {
    tree.fields = out.fields;
    return undefined;
  }
  const where = displayPath(steps.slice(0, Math.max(0, deepest.at)));
  const step = steps[deepest.at] ?? steps[0];
  if (deepest.at < 0 || step === '*') return `no field "${displayPath(steps)}" in the records here`;
  const names = [...new Set(deepest.names)];
  return `no field "${step}"${where ? ` in "${where}"` : ''}${didYouMean(step as string, names)}; fields there: ${names.join(', ') || 'none'}`;
}

/**
 * One schema for records arriving over several edges whose schemas differ only in their tags:
 * the same fields with the tags of all. Undefined when they differ in anything else.
 */
export function mergeTagged(schemas: readonly AvroRecord[]): AvroRecord | undefined {
  const first = schemas[0];
  if (!first) return undefined;
  const plain = (s: AvroRecord) => JSON.stringify(s, (k, v) => (k === TAGS ? undefined : v));
  const base = plain(first);
  if (!schemas.every((s) => plain(s) === base)) return undefined;
  const merge = (values: unknown[]): unknown => {
    const v0 = values[0];
    if (Array.isArray(v0)) return v0.map((_, i) => merge(values.map((v) => (v as unknown[])[i])));
    if (typeof v0 !== 'object' || v0 === null) return v0;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v0)) out[key] = merge(values.map((v) => (v as Record<string, unknown>)[key]));
    const tags = unionTags(...values.map((v) => ((v as Record<string, unknown>)[TAGS] as string[] | undefined)));
    if (tags.length) out[TAGS] = tags;
    return out;
  };
  return merge(schemas as unknown as unknown[]) as AvroRecord;
}

/** Whether the schema has any tag at all (cheap test before deeper work). */
export function hasTags(schema: AvroRecord | undefined): boolean {
  return schema !== undefined && JSON.stringify(schema).includes(`"${TAGS}"`);
}
