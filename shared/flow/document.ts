import { z } from 'zod';

/** Readable slug ids for flows, nodes and resources; made from a label once, never changed. */
export const SLUG_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
export const CURRENT_FORMAT = 1 as const;

const slug = z.string().regex(SLUG_PATTERN, 'must be a slug: lower-case letters, digits and "-", starting with a letter, at most 63 characters');

/** `node-id:port-name` */
export const ENDPOINT_PATTERN = /^([a-z][a-z0-9-]{0,62}):([a-z][a-z0-9-]{0,62})$/;
const endpoint = z.string().regex(ENDPOINT_PATTERN, 'must be "node-id:port"');

/** A zone (jurisdiction) label, as connections declare it: `eu`, `us`, `ch-finma`. */
export const ZONE_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const zone = z.string().regex(ZONE_PATTERN, 'a zone is a short label without spaces such as eu, us or ch-finma');

/** A field tag such as `PII`: a letter, then letters, digits, `_` or `-`. */
export const TAG_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const tag = z.string().regex(TAG_PATTERN, 'a tag is a name such as PII or PCI: a letter, then letters, digits, "_" or "-"');

/**
 * Tags for fields of nodes' output records, by node id then field path (`customer.email`,
 * `items[*].card`): `{"orders": {"customer.email": ["PII"]}}`. Adds to the tags the record
 * schema carries (`confluent:tags`); see docs/governance.md.
 */
export const Classification = z.record(slug, z.record(z.string().min(1), z.array(tag).min(1)));

export const durationPattern = /^\d+(ms|s|m|h)$/;

export const RetryPolicy = z.strictObject({
  attempts: z.number().int().min(0).max(100).optional().describe('Retries after the first failure before the record is dead-lettered.'),
  backoff: z.string().regex(durationPattern).optional().describe('First delay between retries, e.g. "100ms"; doubles each attempt.'),
  maxBackoff: z.string().regex(durationPattern).optional().describe('Upper bound of the delay between retries.'),
});

/**
 * What happens when a node fails on a record: retried with backoff, then sent to the
 * dead-letter node (a sink, usually `core.dlq`). Without a dead-letter node the flow stops,
 * because a record is never dropped silently.
 */
export const ErrorPolicy = z.strictObject({
  retry: RetryPolicy.optional(),
  deadLetter: slug.optional().describe('Id of the sink node that receives dead letters.'),
});

export const NodeInstance = z.strictObject({
  type: z.string().min(1),
  version: z.number().int().min(1),
  label: z.string().optional(),
  description: z.string().optional(),
  zone: zone.optional().describe('Zone of a node without a connection (file, log, generator); the flow\'s zone when left out.'),
  config: z.record(z.string(), z.unknown()).optional(),
  errors: ErrorPolicy.optional(),
});

export const ResourceInstance = z.strictObject({
  type: z.string().min(1),
  version: z.number().int().min(1),
  label: z.string().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

export const Edge = z.strictObject({ from: endpoint, to: endpoint });

const Point = z.strictObject({ x: z.number().int(), y: z.number().int() });
export const StickyNote = z.strictObject({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  text: z.string(),
});

/** Positions only: the compiler ignores it, bundles strip it. */
export const Layout = z.strictObject({
  nodes: z.record(z.string(), Point).optional(),
  notes: z.record(z.string(), StickyNote).optional(),
});

export const FlowDocument = z.strictObject({
  format: z.literal(CURRENT_FORMAT),
  id: slug,
  name: z.string().optional(),
  description: z.string().optional(),
  zone: zone.optional().describe('Zone (jurisdiction) of the nodes that have no connection of their own.'),
  errors: ErrorPolicy.optional(),
  resources: z.record(slug, ResourceInstance).optional(),
  nodes: z.record(slug, NodeInstance),
  edges: z.array(Edge).optional(),
  classification: Classification.optional().describe('Tags for fields of node outputs: node id → field path → tags.'),
  layout: Layout.optional(),
});

export type FlowDocument = z.infer<typeof FlowDocument>;
export type NodeInstance = z.infer<typeof NodeInstance>;
export type ResourceInstance = z.infer<typeof ResourceInstance>;
export type Edge = z.infer<typeof Edge>;
export type ErrorPolicy = z.infer<typeof ErrorPolicy>;
export type Layout = z.infer<typeof Layout>;
export type Classification = z.infer<typeof Classification>;

export interface Endpoint {
  node: string;
  port: string;
}

export function parseEndpoint(s: string): Endpoint | undefined {
  const m = ENDPOINT_PATTERN.exec(s);
  return m ? { node: m[1] as string, port: m[2] as string } : undefined;
}

/** Turns a label into a slug id not yet in `taken`: "Big orders (EU)" -> "big-orders-eu". */
export function slugify(label: string, taken: Iterable<string> = []): string {
  const used = new Set(taken);
  let base = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(base)) base = `n-${base}`.replace(/-+$/, '');
  base = base.slice(0, 56).replace(/-+$/, '') || 'node';
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** Parses a duration like "250ms", "5s", "2m", "1h" into milliseconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(s);
  if (!m) throw new Error(`invalid duration "${s}": use a number and ms, s, m or h, e.g. "500ms"`);
  const n = Number(m[1]);
  const unit = m[2];
  return unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
}
