/**
 * What the designer needs of avsc, without avsc. In the browser, node definitions only ask
 * whether an inline Avro schema is valid (for lint and schema inference); avsc answers by
 * generating code with `new Function` at import time, which the designer's Content-Security-
 * Policy forbids, and it needs Node's buffer and stream. vite.config.ts aliases `avsc` to this
 * module for the browser build only; the runtime and every test use the real avsc, and
 * test/designer/src/shims/avsc-browser.test.ts checks that both accept and refuse the same
 * schemas.
 *
 * The returned type object has no codecs: building records (a node's `create`) never happens in
 * the browser.
 */

type Json = unknown;

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Named {
  kind: 'record' | 'enum' | 'fixed';
  schema: Record<string, Json>;
  fields?: Array<{ name: string; type: T }>;
  symbols?: string[];
  size?: number;
}

/** A resolved schema: a primitive name, a named type, or a complex one. */
type T =
  | { k: 'prim'; name: string }
  | { k: 'named'; ref: Named }
  | { k: 'array'; items: T }
  | { k: 'map'; values: T }
  | { k: 'union'; types: T[] };

class Parser {
  private readonly names = new Map<string, Named>();

  parse(s: Json, ns: string | undefined): T {
    if (typeof s === 'string') return this.byName(s, ns);
    if (Array.isArray(s)) return this.union(s, ns);
    if (typeof s !== 'object' || s === null) throw new Error(`invalid type: ${JSON.stringify(s)}`);
    const o = s as Record<string, Json>;
    const type = o.type;
    if (typeof type === 'string' && PRIMITIVES.has(type)) return { k: 'prim', name: type };
    switch (type) {
      case 'record':
      case 'error':
        return this.record(o, ns);
      case 'enum':
        return this.enumType(o, ns);
      case 'fixed': {
        const named = this.define(o, ns, 'fixed');
        if (typeof o.size !== 'number' || !Number.isInteger(o.size) || o.size < 0) throw new Error(`invalid ${String(named.schema.name)} size`);
        named.size = o.size;
        return { k: 'named', ref: named };
      }
      case 'array':
        if (o.items === undefined) throw new Error('missing array items');
        return { k: 'array', items: this.parse(o.items, ns) };
      case 'map':
        if (o.values === undefined) throw new Error('missing map values');
        return { k: 'map', values: this.parse(o.values, ns) };
      default:
        if (typeof type === 'string') return this.byName(type, ns);
        if (type !== undefined && typeof type === 'object') return this.parse(type, ns);
        throw new Error(`invalid type: ${JSON.stringify(s)}`);
    }
  }

  private byName(name: string, ns: string | undefined): T {
    if (PRIMITIVES.has(name)) return { k: 'prim', name };
    const full = qualify(name, ns);
    const named = this.names.get(full) ?? this.names.get(name);
    if (!named) throw new Error(`undefined type name: ${full}`);
    return { k: 'named', ref: named };
  }

  private define(o: Record<string, Json>, ns: string | undefined, kind: Named['kind']): Named {
    const name = o.name;
    // avsc accepts anonymous named types unless told otherwise; so does this.
    if (name === undefined) return { kind, schema: o };
    if (typeof name !== 'string') throw new Error(`invalid name: ${JSON.stringify(name)}`);
    const own = typeof o.namespace === 'string' ? o.namespace : ns;
    const full = qualify(name, own);
    for (const part of full.split('.')) if (!NAME.test(part)) throw new Error(`invalid name: ${full}`);
    if (PRIMITIVES.has(name)) throw new Error(`cannot rename primitive type: ${name}`);
    if (this.names.has(full)) throw new Error(`duplicate type name: ${full}`);
    const named: Named = { kind, schema: o };
    this.names.set(full, named);
    return named;
  }

  private record(o: Record<string, Json>, ns: string | undefined): T {
    const named = this.define(o, ns, 'record');
    const full = typeof o.name === 'string' ? qualify(o.name, typeof o.namespace === 'string' ? o.namespace : ns) : 'record';
    const inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;
    if (!Array.isArray(o.fields)) throw new Error(`non-array ${full} fields: ${JSON.stringify(o.fields)}`);
    const seen = new Set<string>();
    named.fields = o.fields.map((f: Json) => {
      if (typeof f !== 'object' || f === null) throw new Error(`invalid field: ${JSON.stringify(f)}`);
      const field = f as Record<string, Json>;
      if (typeof field.name !== 'string' || !NAME.test(field.name)) throw new Error(`invalid ${full} field name: ${JSON.stringify(field.name)}`);
      if (seen.has(field.name)) throw new Error(`duplicate ${full} field name: ${field.name}`);
      seen.add(field.name);
      if (field.type === undefined) throw new Error(`missing field type: ${field.name}`);
      const type = this.parse(field.type, inner);
      if ('default' in field && !validDefault(type, field.default)) throw new Error(`invalid default for field ${field.name}: ${JSON.stringify(field.default)}`);
      return { name: field.name, type };
    });
    return { k: 'named', ref: named };
  }

  private enumType(o: Record<string, Json>, ns: string | undefined): T {
    const named = this.define(o, ns, 'enum');
    if (!Array.isArray(o.symbols) || !o.symbols.length) throw new Error(`invalid ${String(o.name)} symbols: ${JSON.stringify(o.symbols)}`);
    const seen = new Set<string>();
    for (const s of o.symbols) {
      if (typeof s !== 'string' || !NAME.test(s) || seen.has(s)) throw new Error(`invalid ${String(o.name)} symbols: ${JSON.stringify(o.symbols)}`);
      seen.add(s);
    }
    named.symbols = o.symbols as string[];
    if (o.default !== undefined && !seen.has(o.default as string)) throw new Error(`invalid ${String(o.name)} default: ${JSON.stringify(o.default)}`);
    return { k: 'named', ref: named };
  }

  private union(list: Json[], ns: string | undefined): T {
    const types = list.map((s) => this.parse(s, ns));
    const seen = new Set<string>();
    for (const t of types) {
      if (t.k === 'union') throw new Error('nested union');
      const key = t.k === 'prim' ? t.name : t.k === 'named' ? `named:${t.ref.schema.name as string}` : t.k;
      if (seen.has(key)) throw new Error(`duplicate union type: ${key}`);
      seen.add(key);
    }
    return { k: 'union', types };
  }
}

function qualify(name: string, ns: string | undefined): string {
  return name.includes('.') || !ns ? name : `${ns}.${name}`;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Whether `v` is a valid JSON default for `t` (unions: their first branch, as Avro says). */
function validDefault(t: T, v: Json): boolean {
  if (t.k === 'union') return t.types[0] !== undefined && validDefault(t.types[0], v);
  return isValid(t, v);
}

function isValid(t: T, v: Json): boolean {
  switch (t.k) {
    case 'prim':
      switch (t.name) {
        case 'null':
          return v === null;
        case 'boolean':
          return typeof v === 'boolean';
        case 'int':
          return typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX;
        case 'long':
          return typeof v === 'number' && Number.isSafeInteger(v);
        case 'float':
        case 'double':
          return typeof v === 'number';
        default:
          return typeof v === 'string';
      }
    case 'array':
      return Array.isArray(v) && v.every((x) => isValid(t.items, x));
    case 'map':
      return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => isValid(t.values, x));
    case 'union':
      return t.types.some((b) => isValid(b, v));
    case 'named': {
      const r = t.ref;
      if (r.kind === 'enum') return typeof v === 'string' && !!r.symbols?.includes(v);
      if (r.kind === 'fixed') return typeof v === 'string' && v.length === r.size;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      const o = v as Record<string, Json>;
      return (r.fields ?? []).every((f) => isValid(f.type, o[f.name] === undefined ? null : o[f.name]));
    }
  }
}

function unavailable(): never {
  throw new Error('Avro encoding is not available in the designer; it runs in the Sluice runtime');
}

export const Type = {
  forSchema(schema: Json): { schema(): Json; isValid(): never; random(): never; toBuffer(): never; fromBuffer(): never } {
    new Parser().parse(schema, undefined);
    return { schema: () => schema, isValid: unavailable, random: unavailable, toBuffer: unavailable, fromBuffer: unavailable };
  },
};

export default { Type };
