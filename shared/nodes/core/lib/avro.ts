import avsc from 'avsc';
import { objectBuilder, type Gen, type GenState } from './template';
import { uuid } from './random';

/**
 * Avro helpers for nodes that take an inline record schema: parsing with a readable error,
 * checking JSON records against it, and seeded random records.
 */

export type AvroTypeObject = ReturnType<typeof avsc.Type.forSchema>;

// avsc types expose these at run time; its .d.ts declares them only on the subclasses.
interface AnyType {
  typeName: string;
  name?: string;
  fields?: Array<{ name: string; type: AnyType }>;
  itemsType?: AnyType;
  valuesType?: AnyType;
  types?: AnyType[];
  symbols?: string[];
  size?: number;
  isValid(value: unknown, opts?: { errorHook?: (path: string[], value: unknown, type: AnyType) => void }): boolean;
}

/** Parses an inline Avro schema that must describe a record; the error reads well in a form. */
export function parseRecordSchema(schema: unknown): { type: AvroTypeObject; error?: undefined } | { type?: undefined; error: string } {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return { error: 'the schema must be an Avro record schema (a JSON object)' };
  if ((schema as { type?: unknown }).type !== 'record') return { error: 'the schema must be an Avro record: {"type": "record", "name": …, "fields": […]}' };
  try {
    return { type: avsc.Type.forSchema(schema as Parameters<typeof avsc.Type.forSchema>[0]) };
  } catch (err) {
    return { error: `not a valid Avro schema: ${(err as Error).message}` };
  }
}

/**
 * A checker for JSON records against a schema, as lenient as JSON payloads need: a field whose
 * type admits null may be left out, bytes and fixed may be text (their Avro JSON form), and a
 * union value is given bare rather than wrapped as `{"branch": value}`. Returns the first
 * problem as a sentence, or undefined when the record fits.
 */
export function recordChecker(type: AvroTypeObject): (value: unknown) => string | undefined {
  const t = type as unknown as AnyType;
  return (value) => problems(t, value)[0];
}

function problems(type: AnyType, value: unknown): string[] {
  const found: string[] = [];
  type.isValid(value, {
    errorHook(path, any, t) {
      if (any === undefined && admitsNull(t)) return;
      if (typeof any === 'string' && (t.typeName === 'bytes' || t.typeName === 'fixed')) return;
      if (t.types && t.types.some((branch) => problems(branch, any).length === 0)) return;
      found.push(describeProblem(path, any, t));
    },
  });
  return found;
}

function admitsNull(t: AnyType): boolean {
  return t.typeName === 'null' || (t.types?.some((b) => b.typeName === 'null') ?? false);
}

function typeLabel(t: AnyType): string {
  if (t.types) return t.types.map(typeLabel).join(' or ');
  if (t.typeName === 'record' || t.typeName === 'error') return 'a record';
  if (t.typeName === 'enum') return `one of ${(t.symbols ?? []).join(', ')}`;
  if (t.typeName === 'int' || t.typeName === 'long') return `a whole number (${t.typeName})`;
  if (t.typeName === 'float' || t.typeName === 'double') return `a number (${t.typeName})`;
  if (t.typeName === 'array') return 'an array';
  if (t.typeName === 'map') return 'an object (map)';
  return t.typeName;
}

function describeProblem(path: string[], value: unknown, t: AnyType): string {
  if (path.length === 0) return `the record should be ${typeLabel(t)}`;
  const where = `field "${path.join('.')}"`;
  if (value === undefined) return `${where} is missing (it should be ${typeLabel(t)})`;
  let shown = JSON.stringify(value) ?? String(value);
  if (shown.length > 40) shown = `${shown.slice(0, 37)}...`;
  return `${where} should be ${typeLabel(t)}, not ${shown}`;
}

interface Depth {
  n: number;
}

// Past this nesting depth, unions take their null branch and arrays stay empty, so recursive
// schemas (a tree of records) still produce finite values.
const MAX_DEPTH = 4;
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const TIMESTAMP_BASE = Date.UTC(2024, 0, 1);
const YEAR_MS = 365 * 86_400_000;

/**
 * Seeded random values for an Avro type, of the same kinds avsc's own `random()` makes but drawn
 * from `GenState.rng`: avsc draws from one module-wide generator seeded from Math.random that
 * cannot be re-seeded, so a seed could not make its output repeatable. Values are plain JSON:
 * unions are bare, bytes and fixed are text. `raw` is the schema JSON at the same place; it is
 * read only for `logicalType`, which avsc drops when no logical type class is registered.
 */
export function randomRecordGen(type: AvroTypeObject, raw: unknown): Gen {
  return compileRandom(type as unknown as AnyType, raw, new Map(), { n: 0 });
}

function compileRandom(t: AnyType, raw: unknown, cache: Map<AnyType, Gen>, depth: Depth): Gen {
  let r = raw;
  while (r && typeof r === 'object' && !Array.isArray(r) && typeof (r as { type?: unknown }).type === 'object') r = (r as { type: unknown }).type;
  const logical = r && typeof r === 'object' && !Array.isArray(r) ? (r as { logicalType?: unknown }).logicalType : undefined;
  const rawObj = (r && typeof r === 'object' && !Array.isArray(r) ? r : {}) as Record<string, unknown>;
  const cached = cache.get(t);
  if (cached) return cached;
  switch (t.typeName) {
    case 'null':
      return () => null;
    case 'boolean':
      return (s) => s.rng.next() < 0.5;
    case 'int':
      if (logical === 'date') return (s) => 19_723 + Math.floor(s.rng.next() * 365);
      if (logical === 'time-millis') return (s) => Math.floor(s.rng.next() * 86_400_000);
      return (s) => Math.floor(s.rng.next() * 1000);
    case 'long':
      if (logical === 'timestamp-millis' || logical === 'local-timestamp-millis') return (s) => TIMESTAMP_BASE + Math.floor(s.rng.next() * YEAR_MS);
      if (logical === 'timestamp-micros' || logical === 'local-timestamp-micros') return (s) => (TIMESTAMP_BASE + Math.floor(s.rng.next() * YEAR_MS)) * 1000;
      if (logical === 'time-micros') return (s) => Math.floor(s.rng.next() * 86_400_000) * 1000;
      return (s) => Math.floor(s.rng.next() * 2_147_483_648);
    case 'float':
      return (s) => Math.fround(s.rng.next() * 1000);
    case 'double':
      return (s) => s.rng.next() * 1000;
    case 'string':
      if (logical === 'uuid') return (s) => uuid(s.rng);
      return (s) => randomWord(s, 1, 12);
    case 'bytes':
      return (s) => randomWord(s, 0, 16);
    case 'fixed': {
      const size = t.size ?? 0;
      const g: Gen = (s) => randomWord(s, size, size);
      cache.set(t, g);
      return g;
    }
    case 'enum': {
      const symbols = t.symbols ?? [];
      const g: Gen = (s) => symbols[Math.floor(s.rng.next() * symbols.length)];
      cache.set(t, g);
      return g;
    }
    case 'array': {
      const item = compileRandom(t.itemsType as AnyType, rawObj.items, cache, depth);
      return (s) => {
        const n = depth.n > MAX_DEPTH ? 0 : Math.floor(s.rng.next() * 10);
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = item(s);
        return out;
      };
    }
    case 'map': {
      const value = compileRandom(t.valuesType as AnyType, rawObj.values, cache, depth);
      return (s) => {
        const n = depth.n > MAX_DEPTH ? 0 : Math.floor(s.rng.next() * 10);
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) out[randomWord(s, 1, 8)] = value(s);
        return out;
      };
    }
    case 'union:unwrapped':
    case 'union:wrapped': {
      const branches = t.types ?? [];
      const rawBranches = Array.isArray(r) ? r : [];
      const gens = branches.map((b, i) => compileRandom(b, rawBranches[i], cache, depth));
      const nullIndex = branches.findIndex((b) => b.typeName === 'null');
      return (s) => {
        const i = nullIndex >= 0 && depth.n > MAX_DEPTH ? nullIndex : Math.floor(s.rng.next() * gens.length);
        return (gens[i] as Gen)(s);
      };
    }
    case 'record':
    case 'error': {
      const fields = t.fields ?? [];
      const rawFields = Array.isArray(rawObj.fields) ? (rawObj.fields as Array<{ type?: unknown }>) : [];
      let build: Gen = () => ({});
      const g: Gen = (s) => {
        depth.n++;
        const out = build(s);
        depth.n--;
        return out;
      };
      // Registered before the fields compile, so a recursive reference finds it.
      cache.set(t, g);
      const gens = fields.map((f, i) => compileRandom(f.type, rawFields[i]?.type, cache, depth));
      build = objectBuilder(
        fields.map((f) => f.name),
        gens,
      );
      return g;
    }
    default:
      throw new Error(`cannot generate values of Avro type "${t.typeName}"`);
  }
}

function randomWord(s: GenState, min: number, max: number): string {
  const n = min + Math.floor(s.rng.next() * (max - min + 1));
  let out = '';
  for (let i = 0; i < n; i++) out += LOWER[Math.floor(s.rng.next() * 26)];
  return out;
}
