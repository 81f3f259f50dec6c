import { cloneSchema, isRecord, nonNull, type AvroField, type AvroRecord, type AvroType } from '../../../schema/record-schema';
import type { PathSteps } from './paths';

/**
 * Field paths on Avro record schemas, the schema-side twin of ./paths: what a node's output
 * schema looks like after it set, moved or dropped fields. Works on a copy made by `editable`;
 * the input schema is never modified. Paths here have no `[*]` steps.
 */

export interface EditableSchema {
  root: AvroRecord;
  /** Record, enum and fixed names already used, so new nested records get unique names. */
  names: Set<string>;
}

export function editable(schema: AvroRecord): EditableSchema {
  const root = cloneSchema(schema);
  const names = new Set<string>();
  collectNames(root, names);
  return { root, names };
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

function childRecord(t: AvroType): AvroRecord | undefined {
  const inner = nonNull(t);
  return isRecord(inner) ? inner : undefined;
}

/** The record holding the last step, or undefined when a parent is missing or not a record. */
function parentOf(root: AvroRecord, steps: PathSteps): AvroRecord | undefined {
  let current: AvroRecord | undefined = root;
  for (let i = 0; i < steps.length - 1 && current; i++) {
    const field: AvroField | undefined = current.fields.find((f) => f.name === steps[i]);
    current = field ? childRecord(field.type) : undefined;
  }
  return current;
}

export function getField(s: EditableSchema, steps: PathSteps): AvroField | undefined {
  return parentOf(s.root, steps)?.fields.find((f) => f.name === steps[steps.length - 1]);
}

/** Removes the field at the path and returns it (undefined when it was not there). */
export function removeField(s: EditableSchema, steps: PathSteps): AvroField | undefined {
  const parent = parentOf(s.root, steps);
  if (!parent) return undefined;
  const i = parent.fields.findIndex((f) => f.name === steps[steps.length - 1]);
  if (i < 0) return undefined;
  return parent.fields.splice(i, 1)[0];
}

/**
 * Puts a field at the path (replacing one of the same name in place), creating records for
 * missing parents the way the runtime creates objects. Throws when a parent exists but is not
 * a record, because the runtime would fail there too.
 */
export function putField(s: EditableSchema, steps: PathSteps, field: Omit<AvroField, 'name'>): void {
  let current = s.root;
  for (let i = 0; i < steps.length - 1; i++) {
    const name = steps[i] as string;
    const existing = current.fields.find((f) => f.name === name);
    if (existing) {
      const rec = childRecord(existing.type);
      if (!rec) throw new Error(`"${steps.slice(0, i + 1).join('.')}" is not a record, so it cannot hold "${steps[i + 1]}"`);
      current = rec;
      continue;
    }
    const rec: AvroRecord = { type: 'record', name: uniqueName(s, name), fields: [] };
    current.fields.push({ name, type: rec });
    current = rec;
  }
  const name = steps[steps.length - 1] as string;
  const next: AvroField = { ...field, name, type: referenceKnown(field.type, s.names) };
  const at = current.fields.findIndex((f) => f.name === name);
  if (at >= 0) current.fields[at] = next;
  else current.fields.push(next);
  collectNames(next.type, s.names);
}

/**
 * Avro defines a named type once and refers to it by name afterwards, so a copy of a record
 * that is already defined (e.g. a field set to another record-typed field) becomes a reference.
 */
function referenceKnown(t: AvroType, names: Set<string>): AvroType {
  if (Array.isArray(t)) return t.map((b) => referenceKnown(b, names));
  if (typeof t !== 'object' || t === null) return t;
  const o = t as { type?: unknown; name?: unknown; items?: AvroType; values?: AvroType; fields?: AvroField[] };
  if ((o.type === 'record' || o.type === 'enum' || o.type === 'fixed') && typeof o.name === 'string') {
    if (names.has(o.name)) return o.name as unknown as AvroType;
    names.add(o.name);
    if (o.fields) return { ...(t as AvroRecord), fields: o.fields.map((f) => ({ ...f, type: referenceKnown(f.type, names) })) };
    return t;
  }
  if (o.type === 'array' && o.items) return { ...(t as object), items: referenceKnown(o.items, names) } as AvroType;
  if (o.type === 'map' && o.values) return { ...(t as object), values: referenceKnown(o.values, names) } as AvroType;
  return t;
}

function uniqueName(s: EditableSchema, step: string): string {
  let base = step.charAt(0).toUpperCase() + step.slice(1);
  base = base.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
  let candidate = base;
  for (let i = 2; s.names.has(candidate); i++) candidate = `${base}${i}`;
  s.names.add(candidate);
  return candidate;
}
