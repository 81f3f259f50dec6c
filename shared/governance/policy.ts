import { z } from 'zod';
import { TAG_PATTERN, ZONE_PATTERN } from '../flow/document';
import { parseTag, type Redaction } from '../schema/tags';
import { pointer } from '../validate/pointer';
import type { JsonSchema } from '../validate/schema-walk';
import { didYouMean } from '../validate/suggest';
import { describeIssues } from '../validate/zod-issues';

/**
 * The governance policy: which tagged data may move from which zone to which, and which
 * redactions make a tagged field safe to move. Kept in `governance.policy.json` (the nearest one
 * in a flow's folder or a folder above it) or given with `sluice validate --policy <file>`. See
 * docs/governance.md for the format with an example.
 *
 * Staying in a zone is always allowed; every rule here is about leaving one. A tagged field that
 * reaches a sink in another zone is safe when it was dropped (always), disguised by a redaction
 * the policy accepts for its tag, or when an `allow` entry lets that tag move between those
 * zones as it is. Entries only ever grant; nothing here can forbid what another entry grants.
 */

export const POLICY_FORMAT = 1 as const;

/** What a policy may accept: `drop` is always safe (a dropped field never arrives); listing it is allowed and changes nothing. */
export const POLICY_REDACTIONS = ['drop', 'mask', 'hash', 'tokenize'] as const;
export type PolicyRedaction = (typeof POLICY_REDACTIONS)[number];

const zone = z.string().regex(ZONE_PATTERN, 'a zone is a short label without spaces such as eu, us or ch-finma');
const anyZone = z.union([z.literal('*'), zone]);
const tag = z.string().regex(TAG_PATTERN, 'a tag is a name such as PII or PCI: a letter, then letters, digits, "_" or "-"');
const redactions = z.array(z.enum(POLICY_REDACTIONS));

export const PolicyFile = z.strictObject({
  format: z.literal(POLICY_FORMAT).describe('Format of this file; 1.'),
  description: z.string().optional(),
  zones: z.array(zone).optional().describe('The zones flows may use. When given, a connection or flow naming another zone is an error (catches "EU" for "eu").'),
  redactions: redactions.optional().describe('Redactions that make a field safe to leave its zone, for tags not listed under `tags`. Default: all (mask, hash, tokenize).'),
  tags: z
    .record(
      tag,
      z.strictObject({
        description: z.string().optional(),
        redactions: redactions.optional().describe('Redactions that make a field with this tag safe to leave its zone. Default: the top-level `redactions`.'),
      }),
    )
    .optional(),
  allow: z
    .array(
      z.strictObject({
        description: z.string().optional(),
        tags: z.array(z.union([z.literal('*'), tag])).min(1).describe('Tags the entry is about; "*" for every tag.'),
        from: anyZone.describe('Zone the data leaves; "*" for any.'),
        to: anyZone.describe('Zone the data enters; "*" for any.'),
        redactions: redactions
          .optional()
          .describe('Without it, these tags may move as they are. With it, these redactions also count as safe for this move, besides the tag\'s own.'),
      }),
    )
    .optional(),
  unknownSchema: z
    .enum(['error', 'warning', 'ignore'])
    .default('error')
    .describe('What to report when the record schema on a path between zones is unknown, so nothing can be proven: error (default in a policy file), warning, or ignore.'),
});

export type PolicyFile = z.input<typeof PolicyFile>;
export type Policy = z.output<typeof PolicyFile>;

/**
 * The policy when none is given: every tag may stay in its zone, none may leave it unless
 * dropped, masked, hashed or tokenized. Paths between zones whose schema is unknown are
 * warnings, so flows written before governance existed keep running; a policy file makes them
 * errors unless it says otherwise.
 */
export const DEFAULT_POLICY: Policy = { format: POLICY_FORMAT, unknownSchema: 'warning' };

export interface PolicyProblem {
  /** JSON pointer into the policy file. */
  path: string;
  message: string;
}

/** Parses a policy file's JSON value; problems name the place in the file. */
export function parsePolicy(raw: unknown): { policy: Policy; problems?: undefined } | { policy?: undefined; problems: PolicyProblem[] } {
  const r = PolicyFile.safeParse(raw);
  if (!r.success) {
    policySchema ??= z.toJSONSchema(PolicyFile, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    return {
      problems: describeIssues(r.error.issues, raw, policySchema).map((p) => {
        const path = pointer(p.segments);
        if (valueAt(raw, p.segments) === undefined && p.segments.length > 0 && p.code !== 'unknown-field') return { path, message: 'required' };
        if (path === '/format') return { path, message: `this Sluice reads policy format ${POLICY_FORMAT}; set "format": ${POLICY_FORMAT}` };
        return { path, message: p.message };
      }),
    };
  }
  const problems: PolicyProblem[] = [];
  const known = r.data.zones;
  if (known) {
    r.data.allow?.forEach((entry, i) => {
      for (const end of ['from', 'to'] as const) {
        const z = entry[end];
        if (z !== '*' && !known.includes(z)) problems.push({ path: `/allow/${i}/${end}`, message: `zone "${z}" is not in "zones"${didYouMean(z, known)}` });
      }
    });
  }
  return problems.length ? { problems } : { policy: r.data };
}

/** As parsePolicy, from the file's text. */
export function parsePolicyText(text: string): ReturnType<typeof parsePolicy> {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { problems: [{ path: '', message: `not valid JSON: ${(err as Error).message}` }] };
  }
  return parsePolicy(raw);
}

let policySchema: JsonSchema | undefined;

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let v = root;
  for (const s of segments) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[s];
  }
  return v;
}

/** What the policy says about data with one tag moving from one zone to another. */
export interface Crossing {
  /** The tag may move as it is. */
  raw: boolean;
  /** Redactions that make it safe (besides drop, always safe), in the order hash, mask, tokenize. */
  redactions: Redaction[];
}

const ORDER: Redaction[] = ['hash', 'mask', 'tokenize'];

export function crossing(policy: Policy, tagName: string, from: string, to: string): Crossing {
  const base = policy.tags?.[tagName]?.redactions ?? policy.redactions ?? POLICY_REDACTIONS;
  const accepted = new Set<string>(base);
  let raw = false;
  for (const entry of policy.allow ?? []) {
    if (!(entry.tags.includes('*') || entry.tags.includes(tagName))) continue;
    if (!(entry.from === '*' || entry.from === from) || !(entry.to === '*' || entry.to === to)) continue;
    if (!entry.redactions) raw = true;
    else for (const r of entry.redactions) accepted.add(r);
  }
  return { raw, redactions: ORDER.filter((r) => accepted.has(r)) };
}

/**
 * Whether a field's tag (`PII`, or `PII:hashed` for a disguised one) may reach zone `to` from
 * zone `from`. Same zone: always.
 */
export function tagMayCross(policy: Policy, tag: string, from: string, to: string): boolean {
  if (from === to) return true;
  const { name, redaction } = parseTag(tag);
  const c = crossing(policy, name, from, to);
  return c.raw || (redaction !== undefined && c.redactions.includes(redaction));
}
