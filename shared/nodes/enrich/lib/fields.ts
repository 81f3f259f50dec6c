import { isJsonObject, type JsonObject } from '../../../node-kit/message';
import {
  cloneSchema,
  isRecord,
  parsePath,
  type AvroField,
  type AvroRecord,
  type AvroType,
} from '../../../schema/record-schema';

/**
 * Plain dotted field paths (no `[*]`) for the field an enricher writes into and the fields its
 * templates read from.
 */
export function fieldSteps(path: string): string[] {
  const steps = parsePath(path);
  if (steps.includes('*')) throw new Error(`"${path}" names every element of a list; name one field instead`);
  return steps;
}

/** The value at `steps`, or undefined when any step is missing or not a record. */
export function getField(value: unknown, steps: readonly string[]): unknown {
  let current = value;
  for (const step of steps) {
    if (!isJsonObject(current) || !Object.hasOwn(current, step)) return undefined;
    current = current[step];
  }
  return current;
}

/**
 * A copy of `record` with `value` at `steps`, copying only the records along the path. Missing
 * records on the way are created; a step through null, a list or a scalar fails, because
 * overwriting it would silently destroy data.
 */
export function setField(record: JsonObject, steps: readonly string[], value: unknown, i = 0): JsonObject {
  const step = steps[i] as string;
  const out = { ...record };
  if (i === steps.length - 1) {
    define(out, step, value);
    return out;
  }
  const current = Object.hasOwn(record, step) ? record[step] : undefined;
  if (current !== undefined && !isJsonObject(current)) {
    const what = current === null ? 'null' : Array.isArray(current) ? 'a list' : `a ${typeof current}`;
    throw new Error(`cannot write into "${steps.join('.')}": "${steps.slice(0, i + 1).join('.')}" is ${what}, not a record`);
  }
  define(out, step, setField(current ?? {}, steps, value, i + 1));
  return out;
}

function define(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The schema with a field of `type` at `steps`, replacing a field of that name. Missing records
 * along the path are added, as `setField` creates them. Returns undefined when the path runs
 * through something that is not a record in the schema.
 */
export function withField(schema: AvroRecord, steps: readonly string[], type: AvroType, extra: Partial<AvroField> = {}): AvroRecord | undefined {
  const names = recordNames(schema);
  const out = place(schema, steps, 0, type, extra, names);
  return out && isRecord(out) ? cloneSchema(out) : undefined;
}

function place(type: AvroType, steps: readonly string[], i: number, leaf: AvroType, extra: Partial<AvroField>, names: Set<string>): AvroType | undefined {
  if (Array.isArray(type)) {
    let placed = false;
    const branches = type.map((t) => {
      if (!isRecord(t)) return t;
      const p = place(t, steps, i, leaf, extra, names);
      if (p) placed = true;
      return p ?? t;
    });
    return placed ? branches : undefined;
  }
  if (!isRecord(type)) return undefined;
  const step = steps[i] as string;
  const index = type.fields.findIndex((f) => f.name === step);
  const existing = type.fields[index];
  let field: AvroField;
  if (i === steps.length - 1) {
    field = { name: step, type: leaf, ...extra };
  } else {
    const inner: AvroType = existing ? existing.type : { type: 'record', name: uniqueName(names, capitalise(step)), fields: [] };
    const p = place(inner, steps, i + 1, leaf, extra, names);
    if (!p) return undefined;
    field = existing ? { ...existing, type: p } : { name: step, type: p };
  }
  const fields = [...type.fields];
  if (index >= 0) fields[index] = field;
  else fields.push(field);
  return { ...type, fields };
}

/** Every named type in a schema, so that new records get names Avro will accept. */
export function recordNames(schema: AvroType): Set<string> {
  const names = new Set<string>();
  const walk = (t: AvroType): void => {
    if (Array.isArray(t)) return t.forEach(walk);
    if (typeof t !== 'object') return;
    if ('name' in t && typeof t.name === 'string') names.add(t.name);
    if (isRecord(t)) t.fields.forEach((f) => walk(f.type));
    else if (t.type === 'array' && 'items' in t) walk(t.items);
    else if (t.type === 'map' && 'values' in t) walk(t.values);
  };
  walk(schema);
  return names;
}

export function uniqueName(taken: Set<string>, base: string): string {
  const clean = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[^A-Za-z_])/, '_');
  let name = clean;
  for (let n = 2; taken.has(name); n++) name = `${clean}${n}`;
  taken.add(name);
  return name;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Freezes a value shared by many records (a table row, a cached answer), so that a node breaking
 * the copy-on-write rule fails loudly instead of changing what later records receive.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
