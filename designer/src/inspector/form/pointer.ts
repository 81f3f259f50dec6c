import type { Diagnostic } from '../../../../shared/validate/diagnostic';

/** RFC 6901 JSON pointers, as diagnostics use them (`/config/routes/0/when`). */

export function appendPointer(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** True when `prefix` is `pointer` or one of its ancestors (whole segments: `/a` is not a prefix of `/ab`). */
export function isPointerPrefix(prefix: string, pointer: string): boolean {
  return pointer === prefix || pointer.startsWith(`${prefix}/`);
}

/** `pointer` with `base` removed, as segments; undefined when `pointer` is not inside `base`. */
export function segmentsBelow(base: string, pointer: string): string[] | undefined {
  if (!isPointerPrefix(base, pointer)) return undefined;
  return parsePointer(pointer.slice(base.length));
}

/**
 * A copy of `root` with the value at `segments` replaced; `undefined` removes the key. Objects
 * that become empty on the way back up are removed too (files leave empty optional objects
 * out), except list items, whose removal would shift their neighbours.
 */
export function setIn(root: Record<string, unknown>, segments: readonly string[], value: unknown): Record<string, unknown> {
  return (update(root, segments, value) as Record<string, unknown> | undefined) ?? {};
}

function update(node: unknown, segments: readonly string[], value: unknown): unknown {
  const [head, ...rest] = segments;
  if (head === undefined) return value;
  if (Array.isArray(node)) {
    const i = Number(head);
    const copy = [...node];
    const child = update(node[i], rest, value);
    // A list item keeps its place even when emptied; only whole-item removal shortens a list.
    copy[i] = child === undefined && rest.length > 0 ? {} : child;
    if (child === undefined && rest.length === 0) copy.splice(i, 1);
    return copy;
  }
  const obj: Record<string, unknown> = typeof node === 'object' && node !== null ? { ...(node as Record<string, unknown>) } : {};
  const child = update(obj[head], rest, value);
  if (child === undefined) delete obj[head];
  else obj[head] = child;
  return Object.keys(obj).length === 0 ? undefined : obj;
}

export function getIn(root: unknown, segments: readonly string[]): unknown {
  let cur: unknown = root;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

export interface PlacedDiagnostics {
  /** Diagnostics per field pointer, each on the deepest field that contains its path. */
  at: Map<string, Diagnostic[]>;
  /** Those no drawn field contains: shown at the top so none is hidden. */
  unplaced: Diagnostic[];
}

export const NO_DIAGNOSTICS: PlacedDiagnostics = { at: new Map(), unplaced: [] };

export function placeDiagnostics(diags: readonly Diagnostic[], pointers: Iterable<string>): PlacedDiagnostics {
  const known = new Set(pointers);
  const at = new Map<string, Diagnostic[]>();
  const unplaced: Diagnostic[] = [];
  for (const d of diags) {
    let p: string | undefined = d.path;
    while (p !== undefined && p !== '' && !known.has(p)) p = parentPointer(p);
    if (p === undefined || p === '') {
      unplaced.push(d);
      continue;
    }
    const list = at.get(p) ?? [];
    list.push(d);
    at.set(p, list);
  }
  return { at, unplaced };
}

function parentPointer(p: string): string | undefined {
  const i = p.lastIndexOf('/');
  return i < 0 ? undefined : p.slice(0, i);
}
