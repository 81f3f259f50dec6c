import { parsePath } from '../schema/record-schema';
import { isJsonObject } from './message';

/**
 * Nested field paths on record values, for node authors, with copy on write: an update returns a
 * new root that shares every branch it did not touch, and the input is never modified
 * (processors must not mutate the record they receive). Paths are the record-schema syntax,
 * parsed by `parsePath`: `customer.address.city`, with `[*]` for every element of an array or
 * every value of a map (`items[*].card`). The same edits on Avro schemas are in
 * shared/schema/schema-paths.
 */

/** Parsed steps of a path: field names, and `*` for "every element". */
export type PathSteps = readonly string[];

/** Returned by an update function to delete the field instead of replacing it. */
export const REMOVE: unique symbol = Symbol('remove');
export type Updater = (current: unknown, present: boolean) => unknown;

export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

/** `a.b[*].c` -> `['a', 'b', '*', 'c']`; throws PathError on an empty or malformed path. */
export function splitPath(path: string): string[] {
  if (path.split('.').some((part) => part === '')) throw new PathError(`invalid field path "${path}": a name is missing between dots`);
  try {
    return parsePath(path);
  } catch (err) {
    throw new PathError((err as Error).message);
  }
}

/** Whether a path steps into arrays (`[*]`), i.e. addresses many values rather than one. */
export function hasWildcard(steps: PathSteps): boolean {
  return steps.includes('*');
}

/** Writes a path back as text: `['items', '*', 'sku']` -> `items[*].sku`. */
export function joinPath(steps: PathSteps): string {
  let out = '';
  for (const s of steps) out += s === '*' ? '[*]' : out === '' ? s : `.${s}`;
  return out;
}

/** True when `a` equals `b` or is one of its ancestors (`customer` covers `customer.name`). */
export function covers(a: PathSteps, b: PathSteps): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * An object literal (or `Object.create(null)`): not an array, and not a class instance such as a
 * Map, a Date, bytes or a CEL value. Stricter than `isJsonObject`, which the path functions here
 * use (any object that is not an array); for code that must not take such instances apart.
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Sets a field of an object that holds data. A `__proto__` key read from JSON is an own
 * property; assigning it with `=` would set the prototype instead, so that key is defined.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function own(obj: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/**
 * The value at a path, or undefined when any step is missing. A `*` step collects from every
 * element, so a path with wildcards returns an array of the values found.
 */
export function getPath(root: unknown, steps: PathSteps, from = 0): unknown {
  let current = root;
  for (let i = from; i < steps.length; i++) {
    const step = steps[i] as string;
    if (step === '*') {
      const elements = Array.isArray(current) ? current : isJsonObject(current) ? Object.values(current) : [];
      const found: unknown[] = [];
      for (const e of elements) {
        const v = getPath(e, steps, i + 1);
        if (v !== undefined) found.push(v);
      }
      return found;
    }
    if (!isJsonObject(current) || !own(current, step)) return undefined;
    current = current[step];
  }
  return current;
}

/** Whether a wildcard-free path exists in the value (a field holding null exists). */
export function hasPath(root: unknown, steps: PathSteps): boolean {
  let current = root;
  for (const step of steps) {
    if (!isJsonObject(current) || !own(current, step)) return false;
    current = current[step];
  }
  return true;
}

export interface UpdateOptions {
  /** Create missing parents as `{}`; without it a missing parent means there is nothing to update. */
  create?: boolean;
  /**
   * With `create`, what a parent holding null becomes: `{}` (`replace`, the default), or a
   * PathError (`fail`) for nodes that treat null as data they must not overwrite.
   */
  nullParents?: 'replace' | 'fail';
}

/** Whether missing parents are created, and null ones too. */
type Create = 'no' | 'yes' | 'not-over-null';

/**
 * Replaces the value at a path with `update(current, present)` and returns the new root.
 * Only the objects and arrays along the changed path are copied; when nothing changes the
 * same root comes back. With `create`, missing (and, unless `nullParents: 'fail'`, null) parents
 * become `{}`. A parent that exists but is not an object (a string where `customer` should be) is
 * a PathError, because overwriting data silently would lose it. `update` returning REMOVE deletes
 * the field (or the array element under `*`).
 */
export function updatePath(root: unknown, steps: PathSteps, update: Updater, options: UpdateOptions = {}): unknown {
  if (steps.length === 0) throw new PathError('empty field path');
  const create = options.create !== true ? 'no' : options.nullParents === 'fail' ? 'not-over-null' : 'yes';
  return step(root, steps, 0, update, create);
}

function step(node: unknown, steps: PathSteps, i: number, update: Updater, create: Create): unknown {
  const key = steps[i] as string;
  const last = i === steps.length - 1;
  if (key === '*') return eachElement(node, steps, i, update, create);
  let obj: Record<string, unknown>;
  if (isJsonObject(node)) obj = node;
  else if (node === undefined && create !== 'no') obj = {};
  else if (node === null && create === 'yes') obj = {};
  else if ((node === undefined || node === null) && create === 'no') return node;
  else throw new PathError(`cannot reach "${joinPath(steps)}": "${joinPath(steps.slice(0, i)) || '(record)'}" is ${describe(node)}, not a record`);
  const present = own(obj, key);
  const current = present ? obj[key] : undefined;
  let next: unknown;
  if (last) next = update(current, present);
  else if (!present && create === 'no') return node;
  else next = step(current, steps, i + 1, update, create);
  if (next === REMOVE) {
    if (!present) return node;
    const copy = { ...obj };
    delete copy[key];
    return copy;
  }
  if (present && Object.is(next, current)) return node;
  if (!present && next === undefined) return node;
  const copy = obj === node ? { ...obj } : obj;
  setOwn(copy, key, next);
  return copy;
}

function eachElement(node: unknown, steps: PathSteps, i: number, update: Updater, create: Create): unknown {
  const last = i === steps.length - 1;
  const apply = (v: unknown) => (last ? update(v, true) : step(v, steps, i + 1, update, create));
  if (Array.isArray(node)) {
    let out: unknown[] | undefined;
    for (let k = 0; k < node.length; k++) {
      const next = apply(node[k]);
      if (!out && Object.is(next, node[k])) continue;
      out ??= node.slice(0, k);
      if (next !== REMOVE) out.push(next);
    }
    return out ?? node;
  }
  if (isJsonObject(node)) {
    let out: Record<string, unknown> | undefined;
    for (const k of Object.keys(node)) {
      const next = apply(node[k]);
      if (Object.is(next, node[k])) continue;
      out ??= { ...node };
      if (next === REMOVE) delete out[k];
      else setOwn(out, k, next);
    }
    return out ?? node;
  }
  return node;
}

/** Sets the value at a path, creating missing parent objects (see `nullParents` for null ones). */
export function setPath(root: unknown, steps: PathSteps, value: unknown, options: Pick<UpdateOptions, 'nullParents'> = {}): unknown {
  return updatePath(root, steps, () => value, { create: true, nullParents: options.nullParents });
}

/** Deletes the field at a path; the same root comes back when it was not there. */
export function removePath(root: unknown, steps: PathSteps): unknown {
  return updatePath(root, steps, () => REMOVE);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}
