/**
 * The record-schema model: Avro schema JSON (as avsc reads it) describes the records on every
 * edge of a flow. `undefined` means "not known here" and makes expressions fall back to dynamic
 * typing instead of failing.
 */

export type AvroPrimitive =
  | 'null'
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'bytes'
  | 'string';

export interface AvroField {
  name: string;
  type: AvroType;
  doc?: string;
  default?: unknown;
  aliases?: string[];
  /** Confluent data-contract tags, e.g. ["PII"]. */
  'confluent:tags'?: string[];
}

export interface AvroRecord {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
}

export interface AvroArray {
  type: 'array';
  items: AvroType;
}

export interface AvroMap {
  type: 'map';
  values: AvroType;
}

export interface AvroEnum {
  type: 'enum';
  name: string;
  symbols: string[];
}

export type AvroType =
  | AvroPrimitive
  | AvroRecord
  | AvroArray
  | AvroMap
  | AvroEnum
  | { type: AvroPrimitive; logicalType?: string }
  | AvroType[];

/** The schema of the records on one edge; undefined when it cannot be known before run time. */
export type RecordSchema = AvroRecord | undefined;

/** Output schemas per output port name. */
export type PortSchemas = Record<string, RecordSchema>;

/** A dotted path into a record, e.g. `customer.address.city`; `[*]` steps into arrays. */
export type FieldPath = string;

/** Strips `null` from a union so `["null","string"]` reads as `string`. */
export function nonNull(type: AvroType): AvroType {
  if (Array.isArray(type)) {
    const rest = type.filter((t) => t !== 'null');
    return rest.length === 1 ? (rest[0] as AvroType) : rest;
  }
  return type;
}

export function isRecord(type: AvroType | undefined): type is AvroRecord {
  return typeof type === 'object' && !Array.isArray(type) && type !== null && type.type === 'record';
}

/** Parses `a.b[*].c` into steps: names and `*` for "every array element". */
export function parsePath(path: FieldPath): string[] {
  const steps: string[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\*\])*)$/.exec(part);
    if (!m) throw new Error(`invalid field path "${path}" at "${part}"`);
    if (m[1]) steps.push(m[1]);
    const stars = (m[2] ?? '').length / 3;
    for (let i = 0; i < stars; i++) steps.push('*');
  }
  if (steps.length === 0 || steps.some((s) => s === '')) throw new Error(`invalid field path "${path}"`);
  return steps;
}

/**
 * The Avro type at a path, or undefined when the path does not exist in the schema.
 * Unions with null are looked through; `*` steps into array items and map values.
 */
export function typeAtPath(schema: AvroRecord, path: FieldPath): AvroType | undefined {
  let current: AvroType = schema;
  for (const step of parsePath(path)) {
    const t = nonNull(current);
    if (step === '*') {
      if (typeof t === 'object' && !Array.isArray(t) && t.type === 'array') current = (t as AvroArray).items;
      else if (typeof t === 'object' && !Array.isArray(t) && t.type === 'map') current = (t as AvroMap).values;
      else return undefined;
      continue;
    }
    if (!isRecord(t)) return undefined;
    const field: AvroField | undefined = t.fields.find((f) => f.name === step);
    if (!field) return undefined;
    current = field.type;
  }
  return current;
}

/** Deep copy of a schema, so derivations never mutate their inputs. */
export function cloneSchema<T extends AvroType | AvroRecord>(schema: T): T {
  return JSON.parse(JSON.stringify(schema)) as T;
}

/** Infers a record schema from one sample JSON value (used for JSON templates and samples). */
export function inferSchema(sample: unknown, name = 'Record'): AvroRecord {
  if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) {
    throw new Error('a record sample must be a JSON object');
  }
  return inferType(sample, name) as AvroRecord;
}

function inferType(value: unknown, name: string): AvroType {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null && v !== undefined);
    return { type: 'array', items: first === undefined ? 'string' : inferType(first, `${name}Item`) };
  }
  const fields: AvroField[] = Object.entries(value as Record<string, unknown>).map(([k, v]) => ({
    name: k,
    type: inferType(v, capitalise(k)),
  }));
  return { type: 'record', name: safeName(name), fields };
}

/** `customer` -> `Customer`: the usual name of a record made for a field. */
export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A valid Avro name made from any text: other characters become `_`, and a leading digit gets one. */
export function safeName(s: string): string {
  const cleaned = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}
