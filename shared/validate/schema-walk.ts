import { deepEqual } from '../flow/canonical';

/**
 * Reading values through a JSON Schema (as z.toJSONSchema writes it): which subschema governs
 * the value at a given place. The validator uses it to find hinted fields (`x-widget`,
 * `x-secret`) at any depth, inside arrays, maps and unions, and to list the known keys of an
 * object for "did you mean" hints.
 */
export type JsonSchema = Record<string, unknown>;

export type Segment = string | number;

function isSchema(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function resolveRef(root: JsonSchema, schema: JsonSchema, seen = new Set<string>()): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#') || seen.has(ref)) return schema;
  seen.add(ref);
  let target: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    target = isSchema(target) ? target[key] : undefined;
  }
  if (!isSchema(target)) return schema;
  const { $ref: _ignored, ...siblings } = schema;
  return resolveRef(root, { ...target, ...siblings }, seen);
}

function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** A cheap "could this branch describe this value" test, enough to pick union branches. */
function compatible(root: JsonSchema, schema: JsonSchema, value: unknown): boolean {
  const s = resolveRef(root, schema);
  if (value === undefined) return true;
  const t = jsonTypeOf(value);
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : undefined;
  if (types && !types.includes(t) && !(t === 'integer' && types.includes('number'))) return false;
  if ('const' in s && !deepEqual(s.const, value)) return false;
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, value))) return false;
  if (t === 'object' && isSchema(s.properties)) {
    const obj = value as Record<string, unknown>;
    for (const [k, p] of Object.entries(s.properties)) {
      if (!(k in obj) || !isSchema(p)) continue;
      const ps = resolveRef(root, p);
      // Discriminators: a branch whose constant property disagrees is not this branch.
      if ('const' in ps && !deepEqual(ps.const, obj[k])) return false;
    }
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = s[key];
    if (Array.isArray(branches) && !branches.some((b) => isSchema(b) && compatible(root, b, value))) return false;
  }
  return true;
}

/**
 * The schemas that apply to `value` at this place: the schema itself with refs resolved, plus
 * every allOf part and every union branch compatible with the value (all branches when none is).
 */
export function applicableSchemas(root: JsonSchema, schema: JsonSchema, value: unknown): JsonSchema[] {
  const out: JsonSchema[] = [];
  const visit = (raw: JsonSchema, depth: number) => {
    if (depth > 32) return;
    const s = resolveRef(root, raw);
    out.push(s);
    for (const part of Array.isArray(s.allOf) ? s.allOf : []) if (isSchema(part)) visit(part, depth + 1);
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = (Array.isArray(s[key]) ? (s[key] as unknown[]) : []).filter(isSchema);
      if (branches.length === 0) continue;
      const fitting = branches.filter((b) => compatible(root, b, value));
      for (const b of fitting.length ? fitting : branches) visit(b, depth + 1);
    }
  };
  visit(schema, 0);
  return out;
}

/** The subschemas governing `schema`'s child at `key` (an object key or an array index). */
function childSchemas(schema: JsonSchema, key: Segment, container: unknown): JsonSchema[] {
  const out: JsonSchema[] = [];
  if (Array.isArray(container) && typeof key === 'number') {
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
    const item = key < prefix.length ? prefix[key] : schema.items;
    if (isSchema(item)) out.push(item);
    return out;
  }
  const k = String(key);
  const props = isSchema(schema.properties) ? schema.properties : {};
  if (isSchema(props[k])) {
    out.push(props[k] as JsonSchema);
    return out;
  }
  let matchedPattern = false;
  if (isSchema(schema.patternProperties)) {
    for (const [pattern, p] of Object.entries(schema.patternProperties)) {
      if (isSchema(p) && safeRegex(pattern)?.test(k)) {
        out.push(p);
        matchedPattern = true;
      }
    }
  }
  if (!matchedPattern && isSchema(schema.additionalProperties)) out.push(schema.additionalProperties);
  return out;
}

function safeRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

/** The known property names of the object at `segments` (for "did you mean" on unknown keys). */
export function knownKeysAt(root: JsonSchema, rootValue: unknown, segments: readonly Segment[]): string[] {
  let schemas = applicableSchemas(root, root, rootValue);
  let value = rootValue;
  for (const seg of segments) {
    const next = childValue(value, seg);
    schemas = schemas.flatMap((s) => childSchemas(s, seg, value)).flatMap((s) => applicableSchemas(root, s, next));
    value = next;
  }
  const keys = new Set<string>();
  for (const s of schemas) if (isSchema(s.properties)) for (const k of Object.keys(s.properties)) keys.add(k);
  return [...keys].sort();
}

function childValue(container: unknown, seg: Segment): unknown {
  if (Array.isArray(container)) return typeof seg === 'number' ? container[seg] : undefined;
  if (isSchema(container)) return container[String(seg)];
  return undefined;
}

export interface SchemaVisit {
  schema: JsonSchema;
  value: unknown;
  segments: Segment[];
}

/**
 * Calls `visit` for every value present in `value` together with each subschema that governs
 * it, depth first. Only values actually present are visited: an absent optional field has
 * nothing to check.
 */
export function walkValues(root: JsonSchema, value: unknown, visit: (v: SchemaVisit) => void): void {
  const go = (schema: JsonSchema, v: unknown, segments: Segment[], depth: number) => {
    if (depth > 64) return;
    for (const s of applicableSchemas(root, schema, v)) {
      visit({ schema: s, value: v, segments });
      if (Array.isArray(v)) {
        v.forEach((item, i) => {
          for (const c of childSchemas(s, i, v)) go(c, item, [...segments, i], depth + 1);
        });
      } else if (isSchema(v)) {
        for (const [k, item] of Object.entries(v)) {
          if (item === undefined) continue;
          for (const c of childSchemas(s, k, v)) go(c, item, [...segments, k], depth + 1);
        }
      }
    }
  };
  go(root, value, [], 0);
}
