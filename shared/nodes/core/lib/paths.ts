import { parsePath } from '../../../schema/record-schema';

/**
 * Nested field paths on JSON records, with copy on write: an update returns a new root that
 * shares every branch it did not touch, and the input is never modified (processors must not
 * mutate the record they receive). Paths are the record-schema syntax: `customer.address.city`,
 * with `[*]` for every element of an array or every value of a map (`items[*].card`).
 *
 * Self-contained on purpose so any node module can use it.
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

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(obj: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

// A plain assignment to `__proto__` would change the prototype instead of adding a field.
function assign(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
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
      const elements = Array.isArray(current) ? current : isPlainObject(current) ? Object.values(current) : [];
      const found: unknown[] = [];
      for (const e of elements) {
        const v = getPath(e, steps, i + 1);
        if (v !== undefined) found.push(v);
      }
      return found;
    }
    if (!isPlainObject(current) || !own(current, step)) return undefined;
    current = current[step];
  }
  return current;
}

/** Whether a wildcard-free path exists in the value (a field holding null exists). */
export function hasPath(root: unknown, steps: PathSteps): boolean {
  let current = root;
  for (const step of steps) {
    if (!isPlainObject(current) || !own(current, step)) return false;
    current = current[step];
  }
  return true;
}

/**
 * Replaces the value at a path with `update(current, present)` and returns the new root.
 * Only the objects and arrays along the changed path are copied; when nothing changes the
 * same root comes back. With `create`, missing or null parents become `{}`; without it a
 * missing parent means there is nothing to update. A parent that exists but is not an object
 * (a string where `customer` should be) is a PathError, because overwriting data silently would
 * lose it. `update` returning REMOVE deletes the field (or the array element under `*`).
 */
export function updatePath(root: unknown, steps: PathSteps, update: Updater, options: { create?: boolean } = {}): unknown {
  if (steps.length === 0) throw new PathError('empty field path');
  return step(root, steps, 0, update, options.create === true);
}

function step(node: unknown, steps: PathSteps, i: number, update: Updater, create: boolean): unknown {
  const key = steps[i] as string;
  const last = i === steps.length - 1;
  if (key === '*') return eachElement(node, steps, i, update, create);
  let obj: Record<string, unknown>;
  if (isPlainObject(node)) obj = node;
  else if ((node === undefined || node === null) && create) obj = {};
  else if (node === undefined || node === null) return node;
  else throw new PathError(`cannot reach "${joinPath(steps)}": "${joinPath(steps.slice(0, i)) || '(record)'}" is ${describe(node)}, not an object`);
  const present = own(obj, key);
  const current = present ? obj[key] : undefined;
  let next: unknown;
  if (last) next = update(current, present);
  else if (!present && !create) return node;
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
  assign(copy, key, next);
  return copy;
}

function eachElement(node: unknown, steps: PathSteps, i: number, update: Updater, create: boolean): unknown {
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
  if (isPlainObject(node)) {
    let out: Record<string, unknown> | undefined;
    for (const k of Object.keys(node)) {
      const next = apply(node[k]);
      if (Object.is(next, node[k])) continue;
      out ??= { ...node };
      if (next === REMOVE) delete out[k];
      else assign(out, k, next);
    }
    return out ?? node;
  }
  return node;
}

/** Sets the value at a path, creating missing parent objects. */
export function setPath(root: unknown, steps: PathSteps, value: unknown): unknown {
  return updatePath(root, steps, () => value, { create: true });
}

/** Deletes the field at a path; the same root comes back when it was not there. */
export function removePath(root: unknown, steps: PathSteps): unknown {
  return updatePath(root, steps, () => REMOVE);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}
