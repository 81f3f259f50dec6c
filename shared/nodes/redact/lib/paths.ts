import { isJsonObject, type JsonObject } from '../../../node-kit/message';
import { setOwn } from '../../../node-kit/paths';
import { isRecord, parsePath, type AvroField, type AvroRecord, type AvroType } from '../../../schema/record-schema';
import { markTags, ownTags, tagsWithin, unionTags, withTags, type Redaction } from '../../../schema/tags';

/**
 * Path walking for redaction, on values and on schemas alike, so that what `schema()` promises
 * is exactly what `process()` does. A `*` step means every element of a list, every value of a
 * map and every field of a record: the data cannot tell a map from a record, so the schema side
 * treats them the same way.
 *
 * Values are copied on write: only the objects and arrays along a changed path are copied, and
 * an untouched value comes back as the same reference.
 */

export type LeafOp = { kind: 'drop' } | { kind: 'replace'; replace: (value: unknown) => unknown };

/** Allow-list as a tree of steps; `keep` marks a listed path whose whole subtree passes. */
export interface AllowTree {
  keep: boolean;
  children: Map<string, AllowTree>;
}

export function allowTree(paths: readonly string[]): AllowTree {
  const root: AllowTree = { keep: false, children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const step of parsePath(path)) {
      let child = node.children.get(step);
      if (!child) node.children.set(step, (child = { keep: false, children: new Map() }));
      node = child;
    }
    node.keep = true;
  }
  return root;
}

function mergeTrees(a: AllowTree | undefined, b: AllowTree | undefined): AllowTree | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.keep || b.keep) return { keep: true, children: new Map() };
  const children = new Map(a.children);
  for (const [k, v] of b.children) children.set(k, mergeTrees(children.get(k), v) as AllowTree);
  return { keep: false, children };
}

function childTree(tree: AllowTree, key: string): AllowTree | undefined {
  return mergeTrees(tree.children.get(key), key === '*' ? undefined : tree.children.get('*'));
}

const OMIT = Symbol('omit');

/**
 * Keeps only what the tree allows. Nulls stay (they carry nothing); a value that does not have
 * the shape the tree expects (text where a record is expected) is left out rather than passed,
 * because the allow-list must never let through something it did not name.
 */
export function projectAllowed(value: unknown, tree: AllowTree): unknown {
  const out = project(value, tree);
  return out === OMIT ? {} : out;
}

function project(value: unknown, tree: AllowTree): unknown {
  if (tree.keep) return value;
  if (value === null) return null;
  if (Array.isArray(value)) {
    const items = tree.children.get('*');
    if (!items) return OMIT;
    const out: unknown[] = [];
    for (const el of value) {
      const p = project(el, items);
      if (p !== OMIT) out.push(p);
    }
    return out;
  }
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    const keys = tree.children.has('*') ? Object.keys(value) : [...tree.children.keys()].filter((k) => Object.hasOwn(value, k));
    for (const key of keys) {
      const child = childTree(tree, key);
      if (!child) continue;
      const p = project(value[key], child);
      if (p !== OMIT && p !== undefined) setOwn(out, key, p);
    }
    return out;
  }
  return OMIT;
}

/* ---------- the same walks on Avro schemas ---------- */

/**
 * The schema walks work on expanded trees (every place owns its named types, see
 * shared/schema/named.ts), so redacting `billing.street` leaves `shipping.street` of the same
 * type as it is. A recursive reference met on a path is expanded one level through `resolve`.
 */
export type RefResolver = (ref: string) => AvroType | undefined;

export type SchemaOp = 'drop' | Redaction;

/**
 * The schema after `updateAt(steps, op)`: a dropped field removed; a disguised one retyped to
 * text, its tags (and the tags inside it) replaced by the redaction marker (`PII:hashed`). When a
 * path replaces the whole content of a field (`emails[*]`), that field's tags are marked too.
 */
export function updateSchemaAt(schema: AvroRecord, steps: readonly string[], op: SchemaOp, resolve: RefResolver = () => undefined): AvroRecord {
  return updateType(schema, steps, op, 0, resolve) as AvroRecord;
}

function updateType(type: AvroType, steps: readonly string[], op: SchemaOp, i: number, resolve: RefResolver): AvroType {
  if (Array.isArray(type)) return type.map((t) => (t === 'null' ? t : updateType(t, steps, op, i, resolve)));
  if (typeof type === 'string') {
    const target = resolve(type);
    return target === undefined ? type : updateType(target, steps, op, i, resolve);
  }
  if (typeof type !== 'object') return type;
  const last = i === steps.length - 1;
  if (steps[i] === '*') {
    if (last && op === 'drop') throw new Error('a path ending in [*] cannot be dropped: drop the list itself');
    if (type.type === 'array' && 'items' in type) {
      return { ...type, items: last ? stringType(type.items) : updateType(type.items, steps, op, i + 1, resolve) };
    }
    if (type.type === 'map' && 'values' in type) {
      return { ...type, values: last ? stringType(type.values) : updateType(type.values, steps, op, i + 1, resolve) };
    }
    if (isRecord(type)) return { ...type, fields: type.fields.map((f) => updateField(f, steps, op, i, resolve) as AvroField) };
    return type;
  }
  if (!isRecord(type)) return type;
  const index = type.fields.findIndex((f) => f.name === steps[i]);
  const field = type.fields[index];
  if (!field) return type;
  const fields = [...type.fields];
  const next = updateField(field, steps, op, i, resolve);
  if (next === undefined) fields.splice(index, 1);
  else fields[index] = next;
  return { ...type, fields };
}

/** A field selected by `steps[i]`, after the operation; undefined when dropped. */
function updateField(field: AvroField, steps: readonly string[], op: SchemaOp, i: number, resolve: RefResolver): AvroField | undefined {
  if (i === steps.length - 1) return op === 'drop' ? undefined : retypeField(field, op);
  const type = updateType(field.type, steps, op, i + 1, resolve);
  if (op !== 'drop' && steps.slice(i + 1).every((s) => s === '*')) {
    // Every value inside the field is replaced: what the field holds is disguised.
    return withTags({ ...field, type }, markTags(unionTags(ownTags(field), tagsWithin(field.type)), op));
  }
  return { ...field, type };
}

/** Text in place of any type, nullable exactly when the original was. */
function stringType(type: AvroType): AvroType {
  if (!Array.isArray(type)) return 'string';
  const out: AvroType[] = [];
  for (const t of type) {
    const next: AvroType = t === 'null' ? 'null' : 'string';
    if (!out.includes(next)) out.push(next);
  }
  return out.length === 1 ? (out[0] as AvroType) : out;
}

function retypeField(field: AvroField, op: Redaction): AvroField {
  const type = stringType(field.type);
  const out: AvroField = withTags({ ...field, type }, markTags(unionTags(ownTags(field), tagsWithin(field.type)), op));
  // Only a null default stays valid for a retyped field (and only with null as the first branch).
  if ('default' in out && !(out.default === null && Array.isArray(type) && type[0] === 'null')) delete out.default;
  return out;
}

/** The schema after `projectAllowed(tree)`. Fields not allowed, or not of the expected shape, are removed. */
export function projectSchema(schema: AvroRecord, tree: AllowTree, resolve: RefResolver = () => undefined): AvroRecord {
  const out = projectType(schema, tree, resolve);
  return (out && isRecord(out) ? out : { ...schema, fields: [] }) as AvroRecord;
}

function projectType(type: AvroType, tree: AllowTree, resolve: RefResolver): AvroType | undefined {
  if (tree.keep) return type;
  if (Array.isArray(type)) {
    const branches: AvroType[] = [];
    for (const t of type) {
      const p = t === 'null' ? t : projectType(t, tree, resolve);
      if (p !== undefined) branches.push(p);
    }
    if (!branches.some((b) => b !== 'null')) return undefined;
    return branches.length === 1 ? (branches[0] as AvroType) : branches;
  }
  if (typeof type === 'string') {
    const target = resolve(type);
    return target === undefined ? undefined : projectType(target, tree, resolve);
  }
  if (typeof type !== 'object') return undefined;
  if (type.type === 'array' && 'items' in type) {
    const items = tree.children.get('*');
    const p = items && projectType(type.items, items, resolve);
    return p === undefined ? undefined : { ...type, items: p };
  }
  if (type.type === 'map' && 'values' in type) {
    let all: AllowTree | undefined;
    for (const child of tree.children.values()) all = mergeTrees(all, child);
    const p = all && projectType(type.values, all, resolve);
    return p === undefined ? undefined : { ...type, values: p };
  }
  if (isRecord(type)) {
    const fields: AvroField[] = [];
    for (const f of type.fields) {
      const child = childTree(tree, f.name);
      const p = child && projectType(f.type, child, resolve);
      if (p === undefined) continue;
      const field: AvroField = { ...f, type: p };
      if (p !== f.type && 'default' in field && field.default !== null) delete field.default;
      fields.push(field);
    }
    return { ...type, fields };
  }
  return undefined;
}
