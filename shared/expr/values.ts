import { UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { isPlainObject, setOwn } from '../node-kit/paths';
import type { RecordInfo, TypeNode } from './schema-types';

/**
 * Values crossing the boundary between JSON records and cel-js, which wants BigInt for CEL `int`
 * and gives BigInt back. Converters copy on write: the record handed in is never mutated and
 * branches without int fields are shared, not copied.
 */
export type Converter = (value: unknown) => unknown;

/** Thrown by a converter for a JS number that is not a whole number in an int field. */
export class NotAnInteger extends Error {
  constructor(readonly value: number) {
    super(`${value} is not a whole number`);
  }
}

function toBigInt(v: unknown): unknown {
  if (typeof v !== 'number') return v;
  if (Number.isInteger(v)) return BigInt(v);
  throw new NotAnInteger(v);
}

const converters = new WeakMap<RecordInfo, Converter | null>();

/**
 * The converter for values of `node`, or null when nothing below it is an int (the common case,
 * so most fields pass straight through). Values that do not have the expected shape are left
 * alone for cel-js to report.
 */
export function converterFor(node: TypeNode): Converter | null {
  if (!containsInt(node, new Set())) return null;
  return build(node);
}

function containsInt(node: TypeNode, seen: Set<RecordInfo>): boolean {
  switch (node.k) {
    case 'prim':
      return node.cel === 'int';
    case 'record':
      // A cycle adds no field that the first visit did not already see.
      if (seen.has(node.info)) return false;
      seen.add(node.info);
      return node.info.fields.some((f) => containsInt(f.node, seen));
    case 'list':
      return containsInt(node.item, seen);
    case 'map':
      return containsInt(node.value, seen);
    case 'nullable':
      return containsInt(node.of, seen);
    case 'union':
      return node.branches.some((b) => containsInt(b, seen));
    case 'dyn':
      return false;
  }
}

function build(node: TypeNode): Converter | null {
  switch (node.k) {
    case 'prim':
      return node.cel === 'int' ? toBigInt : null;
    case 'nullable':
      // Every converter passes null through, so a nullable field converts like its branch.
      return build(node.of);
    case 'list': {
      const item = build(node.item);
      return item && listConverter(item);
    }
    case 'map': {
      const value = build(node.value);
      return value && mapConverter(value);
    }
    case 'record':
      return recordConverter(node.info);
    case 'union':
      return unionConverter(node.branches);
    case 'dyn':
      return null;
  }
}

/**
 * A converter for a record that converts only the named fields (those an expression reads), or
 * null when none of them holds an int.
 */
export function fieldsConverter(info: RecordInfo, names: ReadonlySet<string>): Converter | null {
  const picked: string[] = [];
  const convs: Converter[] = [];
  for (const f of info.fields) {
    if (!names.has(f.name)) continue;
    const c = converterFor(f.node);
    if (c) {
      picked.push(f.name);
      convs.push(c);
    }
  }
  return picked.length ? objectConverter(picked, convs) : null;
}

function objectConverter(names: string[], convs: Converter[]): Converter {
  return (v) => {
    if (!isPlainObject(v)) return v;
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const before = v[name];
      if (before === undefined) continue;
      const after = convs[i]!(before);
      if (after !== before) setOwn((out ??= { ...v }), name, after);
    }
    return out ?? v;
  };
}

function listConverter(item: Converter): Converter {
  return (v) => (Array.isArray(v) ? eachItem(v, item) : v);
}

function mapConverter(value: Converter): Converter {
  return (v) => (v instanceof Map ? eachMapValue(v, value) : isPlainObject(v) ? eachFieldValue(v, value) : v);
}

/*
 * `f` applied to every element, entry value or field value, copying on write: the container comes
 * back as it is when `f` changes nothing, else a copy with the changed values.
 */

function eachItem(v: readonly unknown[], f: Converter): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < v.length; i++) {
    const before = v[i];
    const after = f(before);
    if (after !== before) (out ??= v.slice())[i] = after;
  }
  return out ?? v;
}

function eachMapValue(v: Map<unknown, unknown>, f: Converter): Map<unknown, unknown> {
  let out: Map<unknown, unknown> | undefined;
  for (const [k, before] of v) {
    const after = f(before);
    if (after !== before) (out ??= new Map(v)).set(k, after);
  }
  return out ?? v;
}

function eachFieldValue(v: Record<string, unknown>, f: Converter): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(v)) {
    const before = v[k];
    const after = f(before);
    if (after !== before) setOwn((out ??= { ...v }), k, after);
  }
  return out ?? v;
}

function recordConverter(info: RecordInfo): Converter | null {
  const known = converters.get(info);
  if (known !== undefined) return known;
  if (!containsInt({ k: 'record', cel: info.celName, info }, new Set())) {
    converters.set(info, null);
    return null;
  }
  const names: string[] = [];
  const convs: Converter[] = [];
  const conv = objectConverter(names, convs);
  // Cached before the fields are built (the arrays fill in below), so a recursive record finds
  // its own converter.
  converters.set(info, conv);
  for (const f of info.fields) {
    const c = build(f.node);
    if (c) {
      names.push(f.name);
      convs.push(c);
    }
  }
  return conv;
}

function unionConverter(branches: readonly TypeNode[]): Converter | null {
  const prims = new Set(branches.filter((b) => b.k === 'prim').map((b) => b.cel));
  // With both int and double in the union a whole JS number is ambiguous: leave it a double.
  const numbers = prims.has('int') && !prims.has('double');
  const objects = branches.filter((b) => b.k === 'record' || b.k === 'map');
  const lists = branches.filter((b) => b.k === 'list');
  const objectConv = objects.length === 1 ? build(objects[0]!) : null;
  const listConv = lists.length === 1 ? build(lists[0]!) : null;
  if (!numbers && !objectConv && !listConv) return null;
  return (v) => {
    if (typeof v === 'number') return numbers ? toBigInt(v) : v;
    if (Array.isArray(v)) return listConv ? listConv(v) : v;
    if (typeof v === 'object' && v !== null && objectConv) return objectConv(v);
    return v;
  };
}

/** Thrown when an integer result does not fit a JS number exactly. */
export class UnsafeInteger extends Error {
  constructor(readonly value: bigint) {
    super(`${value} is outside the range of exact JS numbers`);
  }
}

/** An int result as a JS number; throws UnsafeInteger beyond ±(2^53 − 1). */
export function intToNumber(v: bigint): number {
  if (v > MAX_SAFE || v < MIN_SAFE) throw new UnsafeInteger(v);
  return Number(v);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/**
 * A CEL result as plain JS: BigInt and uint become numbers, deep through lists and maps. Objects
 * without integers inside come back as they are (they may be the caller's own record parts).
 */
export function toJs(v: unknown): unknown {
  if (typeof v === 'bigint') return intToNumber(v);
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return eachItem(v, toJs);
  if (v instanceof UnsignedInt) return intToNumber(v.valueOf());
  if (v instanceof Map) return eachMapValue(v, toJs);
  return isPlainObject(v) ? eachFieldValue(v, toJs) : v;
}

/** Where a record's data disagrees with its schema. */
export interface Mismatch {
  /** Field path as an analyst would write it, e.g. `items[1].qty`. */
  path: string;
  /** What the schema expects, e.g. "a double". */
  expected: string;
  /** The offending value. */
  actual: unknown;
  /** The field carries tags (e.g. PII): its text must not be echoed into messages and logs. */
  tagged: boolean;
}

const MAX_ITEMS_CHECKED = 10_000;

/**
 * The first place where `value` does not fit `node`, or undefined. Only run after an evaluation
 * failed, to explain the failure in terms of the data. Absent fields are not reported here:
 * cel-js reports those precisely itself.
 */
export function findMismatch(node: TypeNode, value: unknown, path: string, tagged = false): Mismatch | undefined {
  if (value === undefined) return undefined;
  switch (node.k) {
    case 'dyn':
      return undefined;
    case 'prim':
      return primFits(node.cel, value) ? undefined : { path, expected: expectedText(node), actual: value, tagged };
    case 'nullable':
      return value === null ? undefined : findMismatch(node.of, value, path, tagged);
    case 'union': {
      if (value === null && node.nullable) return undefined;
      if (node.branches.some((b) => !findMismatch(b, value, path, tagged))) return undefined;
      return { path, expected: node.branches.map(expectedText).join(' or '), actual: value, tagged };
    }
    case 'list': {
      if (!Array.isArray(value)) return { path, expected: expectedText(node), actual: value, tagged };
      const n = Math.min(value.length, MAX_ITEMS_CHECKED);
      for (let i = 0; i < n; i++) {
        const m = findMismatch(node.item, value[i], `${path}[${i}]`, tagged);
        if (m) return m;
      }
      return undefined;
    }
    case 'map': {
      const entries = value instanceof Map ? [...value.entries()] : isPlainObject(value) ? Object.entries(value) : undefined;
      if (!entries) return { path, expected: expectedText(node), actual: value, tagged };
      for (const [k, v] of entries.slice(0, MAX_ITEMS_CHECKED)) {
        const m = findMismatch(node.value, v, `${path}[${JSON.stringify(String(k))}]`, tagged);
        if (m) return m;
      }
      return undefined;
    }
    case 'record': {
      if (!isPlainObject(value)) return { path, expected: expectedText(node), actual: value, tagged };
      for (const f of node.info.fields) {
        const m = findMismatch(f.node, value[f.name], joinPath(path, f.name), tagged || !!f.tags?.length);
        if (m) return m;
      }
      return undefined;
    }
  }
}

function primFits(cel: string, v: unknown): boolean {
  switch (cel) {
    case 'bool':
      return typeof v === 'boolean';
    case 'int':
      return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
    case 'double':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'bytes':
      return v instanceof Uint8Array;
    case 'null':
      return v === null;
  }
  return true;
}

/** `a.b` or `a["odd-name"]`, the way the field would be written in CEL. */
export function joinPath(path: string, name: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
  if (path === '') return plain ? name : `record[${JSON.stringify(name)}]`;
  return plain ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

/** "a double", "an int", "a Customer record"… for messages. */
export function expectedText(node: TypeNode): string {
  switch (node.k) {
    case 'prim':
      return node.cel === 'int' ? 'an int (a whole number)' : article(node.cel);
    case 'record':
      return `a ${shortName(node.cel)} record`;
    case 'list':
      return 'a list';
    case 'map':
      return 'a map';
    case 'nullable':
      return `${expectedText(node.of)} or null`;
    case 'union':
      return node.branches.map(expectedText).join(' or ');
    case 'dyn':
      return 'any value';
  }
}

function article(cel: string): string {
  if (cel === 'bytes' || cel === 'null') return cel;
  return /^[aeiou]/.test(cel) ? `an ${cel}` : `a ${cel}`;
}

/** The last segment of a dotted type name. */
export function shortName(celType: string): string {
  const i = celType.lastIndexOf('.');
  return i < 0 ? celType : celType.slice(i + 1);
}

/**
 * A value as a short phrase for a message: `a string ("lots")`, `2.5`, `null`, `a list`. Text is
 * quoted only when `showText` says so: messages end up in logs and dead letters, and a string may
 * be personal data.
 */
export function describeValue(v: unknown, showText = false): string {
  switch (typeof v) {
    case 'string':
      return showText ? `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})` : 'a string';
    case 'number':
      return Number.isInteger(v) ? `a number (${v})` : `${v}`;
    case 'bigint':
      return `an int (${v})`;
    case 'boolean':
      return `a bool (${v})`;
    case 'undefined':
      return 'nothing';
    case 'object':
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'a list';
      if (v instanceof Uint8Array) return 'bytes';
      if (v instanceof Map || isPlainObject(v)) return 'an object';
      return `a ${(v as object).constructor?.name ?? 'value'}`;
    default:
      return `a ${typeof v}`;
  }
}
