import { expandSchema, normalizeSchema } from './named';
import { capitalise, cloneSchema, isRecord, nonNull, safeName, type AvroField, type AvroRecord, type AvroType } from './record-schema';

/**
 * Field paths on Avro record schemas, the schema-side twin of shared/node-kit/paths: what a
 * node's output schema looks like after it set, moved or dropped fields. Works on a copy made by
 * `editable`; the input schema is never modified. Paths here are parsed (`parsePath`) and have no
 * `[*]` steps.
 *
 * The copy is expanded (every place owns its named types, see named.ts), so changing
 * `billing.street` leaves `shipping.street` of the same `Address` type alone; `finish` turns it
 * back into a valid schema.
 */

type Steps = readonly string[];

export interface EditableSchema {
  root: AvroRecord;
  /** Record, enum and fixed names already used, so new nested records get unique names. */
  names: Set<string>;
  /** The schema the copy was made from. */
  readonly original: AvroRecord;
}

export function editable(schema: AvroRecord): EditableSchema {
  const root = expandSchema(cloneSchema(schema));
  return { root, names: schemaNames(root), original: schema };
}

/** The edited schema as a valid Avro schema (named types defined once, changed copies renamed). */
export function finish(s: EditableSchema): AvroRecord {
  return normalizeSchema(s.root, s.original);
}

/** The record, enum and fixed names a schema defines. */
export function schemaNames(schema: AvroType): Set<string> {
  const names = new Set<string>();
  collectNames(schema, names);
  return names;
}

function collectNames(t: AvroType, names: Set<string>): void {
  if (Array.isArray(t)) return t.forEach((b) => collectNames(b, names));
  if (typeof t !== 'object' || t === null) return;
  const o = t as { type?: unknown; name?: unknown; items?: AvroType; values?: AvroType; fields?: AvroField[] };
  if ((o.type === 'record' || o.type === 'enum' || o.type === 'fixed') && typeof o.name === 'string') names.add(o.name);
  if (o.items) collectNames(o.items, names);
  if (o.values) collectNames(o.values, names);
  if (o.fields) for (const f of o.fields) collectNames(f.type, names);
}

/** A valid Avro name made from `base` that is not in `taken` (`Row`, `Row2`, …); it is added there. */
export function uniqueName(taken: Set<string>, base: string): string {
  const clean = safeName(base);
  let name = clean;
  for (let i = 2; taken.has(name); i++) name = `${clean}${i}`;
  taken.add(name);
  return name;
}

function childRecord(t: AvroType): AvroRecord | undefined {
  const inner = nonNull(t);
  return isRecord(inner) ? inner : undefined;
}

/** The record holding the last step, or undefined when a parent is missing or not a record. */
function parentOf(root: AvroRecord, steps: Steps): AvroRecord | undefined {
  let current: AvroRecord | undefined = root;
  for (let i = 0; i < steps.length - 1 && current; i++) {
    const field: AvroField | undefined = current.fields.find((f) => f.name === steps[i]);
    current = field ? childRecord(field.type) : undefined;
  }
  return current;
}

export function getField(s: EditableSchema, steps: Steps): AvroField | undefined {
  return parentOf(s.root, steps)?.fields.find((f) => f.name === steps[steps.length - 1]);
}

/** Removes the field at the path and returns it (undefined when it was not there). */
export function removeField(s: EditableSchema, steps: Steps): AvroField | undefined {
  const parent = parentOf(s.root, steps);
  if (!parent) return undefined;
  const i = parent.fields.findIndex((f) => f.name === steps[steps.length - 1]);
  if (i < 0) return undefined;
  return parent.fields.splice(i, 1)[0];
}

/**
 * Puts a field at the path (replacing one of the same name in place), creating records for
 * missing parents the way the runtime creates objects. A parent whose type is a union gets the
 * field in each of its record branches. Throws when no record can hold the field (a parent
 * exists but is not a record), because the runtime would fail there too.
 */
export function putField(s: EditableSchema, steps: Steps, field: Omit<AvroField, 'name'>): void {
  const root = putInRecord(s, s.root, steps, 0, field);
  if (!root) throw new Error(`cannot put "${steps.join('.')}": a field on the way is not a record`);
  s.root = root;
}

function putInType(s: EditableSchema, type: AvroType, steps: Steps, i: number, field: Omit<AvroField, 'name'>): AvroType | undefined {
  if (isRecord(type)) return putInRecord(s, type, steps, i, field);
  if (!Array.isArray(type)) return undefined;
  let put = false;
  const branches = type.map((t) => {
    if (!isRecord(t)) return t;
    const p = putInRecord(s, t, steps, i, field);
    if (p) put = true;
    return p ?? t;
  });
  return put ? branches : undefined;
}

function putInRecord(s: EditableSchema, record: AvroRecord, steps: Steps, i: number, field: Omit<AvroField, 'name'>): AvroRecord | undefined {
  const name = steps[i] as string;
  const at = record.fields.findIndex((f) => f.name === name);
  const existing = record.fields[at];
  let next: AvroField;
  if (i === steps.length - 1) {
    next = { name, ...field, type: cloneSchema(field.type) };
  } else if (existing) {
    const inner = putInType(s, existing.type, steps, i + 1, field);
    if (!inner) return undefined;
    next = { ...existing, type: inner };
  } else {
    const created: AvroRecord = { type: 'record', name: uniqueName(s.names, capitalise(name)), fields: [] };
    next = { name, type: putInRecord(s, created, steps, i + 1, field) as AvroRecord };
  }
  const fields = [...record.fields];
  if (at >= 0) fields[at] = next;
  else fields.push(next);
  return { ...record, fields };
}
