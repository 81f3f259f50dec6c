import type { FlowDocument } from './document';

/**
 * The one writer of flow files. Same document in, same bytes out: fixed key order for the
 * structural objects, sorted map and config keys, sorted edges, defaults omitted, 2-space
 * indent, trailing newline. Designer save, CLI and CI all go through here so files stay
 * diffable and merges stay sane.
 */

const FLOW_KEYS = ['format', 'id', 'name', 'description', 'zone', 'errors', 'resources', 'nodes', 'edges', 'classification', 'layout'];
const NODE_KEYS = ['type', 'version', 'label', 'description', 'zone', 'config', 'errors'];
const RESOURCE_KEYS = ['type', 'version', 'label', 'config'];
const ERRORS_KEYS = ['retry', 'deadLetter'];
const RETRY_KEYS = ['attempts', 'backoff', 'maxBackoff'];
const LAYOUT_KEYS = ['nodes', 'notes'];
const NOTE_KEYS = ['x', 'y', 'width', 'height', 'text'];

/** Returns the config defaults of a node or resource type so they can be left out of the file. */
export type DefaultsLookup = (kind: 'node' | 'resource', type: string, version: number) => Record<string, unknown> | undefined;

export interface SerializeOptions {
  defaults?: DefaultsLookup;
}

export function serializeFlow(doc: FlowDocument, options: SerializeOptions = {}): string {
  return `${JSON.stringify(canonicalFlow(doc, options), null, 2)}\n`;
}

/** The canonical object form (what serializeFlow prints), useful for comparisons. */
export function canonicalFlow(doc: FlowDocument, options: SerializeOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    format: doc.format,
    id: doc.id,
    name: doc.name,
    description: doc.description,
    zone: doc.zone,
    errors: doc.errors && errorsObject(doc.errors),
    resources: nonEmptyMap(doc.resources, (r) =>
      ordered(
        { ...r, config: configObject(r.config, options.defaults?.('resource', r.type, r.version)) },
        RESOURCE_KEYS,
      ),
    ),
    nodes: sortedMap(doc.nodes, (n) =>
      ordered(
        {
          ...n,
          config: configObject(n.config, options.defaults?.('node', n.type, n.version)),
          errors: n.errors && errorsObject(n.errors),
        },
        NODE_KEYS,
      ),
    ),
    edges: doc.edges && doc.edges.length > 0 ? sortEdges(doc.edges).map((e) => ({ from: e.from, to: e.to })) : undefined,
    classification: classificationObject(doc.classification),
    layout: layoutObject(doc.layout),
  };
  return ordered(out, FLOW_KEYS);
}

export function sortEdges<T extends { from: string; to: string }>(edges: readonly T[]): T[] {
  return [...edges].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorsObject(e: NonNullable<FlowDocument['errors']>): Record<string, unknown> | undefined {
  const out = ordered({ ...e, retry: e.retry && ordered({ ...e.retry }, RETRY_KEYS) }, ERRORS_KEYS);
  return Object.keys(out).length ? out : undefined;
}

/** Node ids and field paths sorted; each tag list sorted and without repeats (tags are a set). */
function classificationObject(c: FlowDocument['classification']): Record<string, unknown> | undefined {
  if (!c) return undefined;
  const out: Record<string, unknown> = {};
  for (const id of Object.keys(c).sort()) {
    const fields = c[id] ?? {};
    const paths = Object.keys(fields).sort();
    if (paths.length === 0) continue;
    const entry: Record<string, string[]> = {};
    for (const p of paths) entry[p] = [...new Set(fields[p])].sort();
    out[id] = entry;
  }
  return Object.keys(out).length ? out : undefined;
}

function layoutObject(layout: FlowDocument['layout']): Record<string, unknown> | undefined {
  if (!layout) return undefined;
  const out = ordered(
    {
      nodes: nonEmptyMap(layout.nodes, (p) => ({ x: p.x, y: p.y })),
      notes: nonEmptyMap(layout.notes, (n) => ordered({ ...n }, NOTE_KEYS)),
    },
    LAYOUT_KEYS,
  );
  return Object.keys(out).length ? out : undefined;
}

function configObject(
  config: Record<string, unknown> | undefined,
  defaults: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!config) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(config).sort()) {
    const value = config[key];
    if (value === undefined) continue;
    if (defaults && key in defaults && deepEqual(defaults[key], value)) continue;
    out[key] = sortDeep(value);
  }
  return Object.keys(out).length ? out : undefined;
}

/** Sorts object keys at every depth; arrays keep their order (order is meaning there). */
export function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortDeep(v);
    }
    return out;
  }
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b));
}

function ordered(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function sortedMap<V>(map: Record<string, V>, f: (v: V) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(map).sort()) out[k] = f(map[k] as V);
  return out;
}

function nonEmptyMap<V>(map: Record<string, V> | undefined, f: (v: V) => unknown): Record<string, unknown> | undefined {
  if (!map || Object.keys(map).length === 0) return undefined;
  return sortedMap(map, f);
}
