import { setOwn } from '../../../node-kit/paths';
import { capitalise, type AvroField, type AvroRecord, type AvroType } from '../../../schema/record-schema';
import { uniqueName } from '../../../schema/schema-paths';
import { cardNumber, country, digits, email, iban, IBAN_COUNTRIES, personName, uuid, type Random } from './random';

/**
 * Record templates for test data: a JSON object whose string values may hold placeholders such
 * as `{{int 1 5}}`. A template is compiled once into closures (no text is interpreted per
 * record) together with the Avro schema of what it produces. The grammar is deliberately tiny:
 * `{{name arg arg …}}`, arguments separated by spaces, `"double quotes"` around an argument that
 * contains spaces. Nothing in a template is ever evaluated as code.
 */

/** Per-run generator state; `index` is the 0-based number of the record being generated. */
export interface GenState {
  rng: Random;
  index: number;
  now(): number;
}

export type Gen = (s: GenState) => unknown;

export interface TemplateIssue {
  /** JSON pointer below the template's own pointer. */
  path: string;
  message: string;
  severity?: 'error' | 'warning';
}

interface Compiled {
  gen: Gen;
  type: AvroType;
}

interface PlaceholderSpec {
  usage: string;
  yields: string;
  description: string;
  compile(args: string[]): Compiled | string;
}

const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
};

const TIMESTAMP_MILLIS: AvroType = { type: 'long', logicalType: 'timestamp-millis' };

/** The fixed placeholder set. Its usage lines are also the docs table, so the two cannot drift. */
export const PLACEHOLDERS: Record<string, PlaceholderSpec> = {
  seq: {
    usage: 'seq [START]',
    yields: 'number',
    description: 'The record number, counting from START (default 1). Every `{{seq}}` in one record has the same value.',
    compile([start, ...rest]) {
      const from = start === undefined ? 1 : num(start);
      if (rest.length || from === undefined || !Number.isInteger(from)) return 'use {{seq}} or {{seq START}} with a whole number';
      return { gen: (s) => from + s.index, type: 'long' };
    },
  },
  uuid: {
    usage: 'uuid',
    yields: 'text',
    description: 'A random UUID (version 4).',
    compile: (args) => (args.length ? '{{uuid}} takes no arguments' : { gen: (s) => uuid(s.rng), type: { type: 'string', logicalType: 'uuid' } }),
  },
  int: {
    usage: 'int MIN MAX',
    yields: 'number',
    description: 'A whole number from MIN to MAX, both included.',
    compile([a, b, ...rest]) {
      const min = num(a);
      const max = num(b);
      if (rest.length || min === undefined || max === undefined || !Number.isInteger(min) || !Number.isInteger(max)) {
        return 'use {{int MIN MAX}} with two whole numbers, e.g. {{int 1 100}}';
      }
      if (min > max) return `{{int ${a} ${b}}}: MIN is larger than MAX`;
      const span = max - min + 1;
      return { gen: (s) => min + Math.floor(s.rng.next() * span), type: 'long' };
    },
  },
  double: {
    usage: 'double MIN MAX [DECIMALS]',
    yields: 'number',
    description: 'A decimal number from MIN to MAX, rounded to DECIMALS places (default 2).',
    compile([a, b, d, ...rest]) {
      const min = num(a);
      const max = num(b);
      const decimals = d === undefined ? 2 : num(d);
      if (rest.length || min === undefined || max === undefined || decimals === undefined || !Number.isInteger(decimals) || decimals < 0 || decimals > 10) {
        return 'use {{double MIN MAX}} or {{double MIN MAX DECIMALS}} (DECIMALS 0 to 10), e.g. {{double 10 5000 2}}';
      }
      if (min > max) return `{{double ${a} ${b}}}: MIN is larger than MAX`;
      const f = 10 ** decimals;
      const span = max - min;
      return { gen: (s) => Math.round((min + s.rng.next() * span) * f) / f, type: 'double' };
    },
  },
  bool: {
    usage: 'bool [P]',
    yields: 'true/false',
    description: 'true with probability P (default 0.5), otherwise false.',
    compile([p, ...rest]) {
      const prob = p === undefined ? 0.5 : num(p);
      if (rest.length || prob === undefined || prob < 0 || prob > 1) return 'use {{bool}} or {{bool P}} with P from 0 to 1';
      return { gen: (s) => s.rng.next() < prob, type: 'boolean' };
    },
  },
  pick: {
    usage: 'pick A B …',
    yields: 'text',
    description: 'One of the listed words, each equally likely. Quote a choice that contains spaces: `{{pick "New York" Paris}}`.',
    compile(args) {
      if (args.length === 0) return 'use {{pick A B …}} with at least one choice';
      const choices = [...args];
      const n = choices.length;
      return { gen: (s) => choices[Math.floor(s.rng.next() * n)], type: 'string' };
    },
  },
  digits: {
    usage: 'digits N',
    yields: 'text',
    description: 'N random digits (1 to 64), e.g. for account or phone numbers; leading zeros are kept.',
    compile([n, ...rest]) {
      const count = num(n);
      if (rest.length || count === undefined || !Number.isInteger(count) || count < 1 || count > 64) return 'use {{digits N}} with N from 1 to 64';
      return { gen: (s) => digits(s.rng, count), type: 'string' };
    },
  },
  name: {
    usage: 'name',
    yields: 'text',
    description: 'A person\'s first and last name, e.g. "Ana Lima".',
    compile: (args) => (args.length ? '{{name}} takes no arguments' : { gen: (s) => personName(s.rng), type: 'string' }),
  },
  email: {
    usage: 'email',
    yields: 'text',
    description: 'An e-mail address at a reserved example domain (never a real mailbox). Not tied to `{{name}}`.',
    compile: (args) => (args.length ? '{{email}} takes no arguments' : { gen: (s) => email(s.rng), type: 'string' }),
  },
  country: {
    usage: 'country',
    yields: 'text',
    description: 'A two-letter country code (ISO 3166) from the countries of the example reference data.',
    compile: (args) => (args.length ? '{{country}} takes no arguments' : { gen: (s) => country(s.rng), type: 'string' }),
  },
  iban: {
    usage: 'iban [COUNTRY]',
    yields: 'text',
    description: `An IBAN with valid check digits, for COUNTRY (one of ${IBAN_COUNTRIES.join(', ')}) or a random one of them.`,
    compile([cc, ...rest]) {
      if (rest.length || (cc !== undefined && !IBAN_COUNTRIES.includes(cc))) return `use {{iban}} or {{iban COUNTRY}} with COUNTRY one of ${IBAN_COUNTRIES.join(', ')}`;
      return { gen: (s) => iban(s.rng, cc), type: 'string' };
    },
  },
  card: {
    usage: 'card',
    yields: 'text',
    description: 'A 16-digit card number that passes the Luhn check (random, not a real card).',
    compile: (args) => (args.length ? '{{card}} takes no arguments' : { gen: (s) => cardNumber(s.rng), type: 'string' }),
  },
  now: {
    usage: 'now [iso]',
    yields: 'number',
    description: 'The time the record is made: milliseconds since 1970 (a timestamp), or ISO 8601 text with `{{now iso}}`. Not repeatable under a seed.',
    compile([fmt, ...rest]) {
      if (rest.length || (fmt !== undefined && fmt !== 'iso')) return 'use {{now}} or {{now iso}}';
      if (fmt === 'iso') return { gen: (s) => new Date(s.now()).toISOString(), type: 'string' };
      return { gen: (s) => s.now(), type: TIMESTAMP_MILLIS };
    },
  },
};

const REPEAT_USAGE = 'repeat MIN MAX';

/** Markdown table of the placeholders, for node docs. */
export function placeholderTable(): string {
  const rows = Object.values(PLACEHOLDERS).map((p) => `| \`{{${p.usage}}}\` | ${p.yields} | ${p.description} |`);
  return ['| Placeholder | Gives | What it makes |', '|---|---|---|', ...rows].join('\n');
}

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface CompiledTemplate {
  generate: Gen;
  schema: AvroRecord;
}

/**
 * Compiles a template object. Returns the issues found (JSON pointers relative to the template);
 * `template` is present only when there are no errors.
 */
export function compileTemplate(template: Record<string, unknown>, recordName = 'Generated'): { template?: CompiledTemplate; issues: TemplateIssue[] } {
  const c = new TemplateCompiler();
  const compiled = c.object(template, '', recordName);
  const errors = c.issues.filter((i) => i.severity !== 'warning');
  if (errors.length) return { issues: c.issues };
  return { template: { generate: compiled.gen, schema: compiled.type as AvroRecord }, issues: c.issues };
}

/** Compiles a text template (e.g. a message key): placeholders are rendered into the text. */
export function compileText(text: string): { gen?: (s: GenState) => string; issues: TemplateIssue[] } {
  const c = new TemplateCompiler();
  const compiled = c.string(text, '');
  if (c.issues.length) return { issues: c.issues };
  const g = compiled.gen;
  return { gen: compiled.type === 'string' ? (g as (s: GenState) => string) : (s) => String(g(s)), issues: [] };
}

function pointerSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

class TemplateCompiler {
  readonly issues: TemplateIssue[] = [];
  private readonly names = new Set<string>();

  private issue(path: string, message: string, severity?: 'warning') {
    this.issues.push(severity ? { path, message, severity } : { path, message });
  }

  value(v: unknown, path: string, name: string): Compiled {
    if (typeof v === 'string') return this.string(v, path);
    if (typeof v === 'number') return { gen: () => v, type: Number.isInteger(v) ? 'long' : 'double' };
    if (typeof v === 'boolean') return { gen: () => v, type: 'boolean' };
    if (v === null || v === undefined) return { gen: () => null, type: 'null' };
    if (Array.isArray(v)) return this.array(v, path, name);
    if (typeof v === 'object') return this.object(v as Record<string, unknown>, path, name);
    this.issue(path, `unsupported value of type ${typeof v}`);
    return { gen: () => null, type: 'null' };
  }

  object(obj: Record<string, unknown>, path: string, name: string): Compiled {
    const keys: string[] = [];
    const gens: Gen[] = [];
    const fields: AvroField[] = [];
    const recordName = uniqueName(this.names, name);
    for (const key of Object.keys(obj)) {
      const p = `${path}/${pointerSegment(key)}`;
      if (key === '__proto__') {
        this.issue(p, 'a field may not be called "__proto__"');
        continue;
      }
      if (!AVRO_NAME.test(key)) {
        this.issue(p, `"${key}" is not a valid Avro field name (letters, digits and _, not starting with a digit): JSON sinks accept it, Avro sinks will not`, 'warning');
      }
      const c = this.value(obj[key], p, capitalise(key));
      keys.push(key);
      gens.push(c.gen);
      fields.push({ name: key, type: c.type });
    }
    return { gen: objectBuilder(keys, gens), type: { type: 'record', name: recordName, fields } };
  }

  array(items: unknown[], path: string, name: string): Compiled {
    const head = items[0];
    if (typeof head === 'string' && /^\{\{\s*repeat\b/.test(head)) return this.repeat(items, path, name);
    const compiled = items.map((item, i) => this.value(item, `${path}/${i}`, `${name}Item`));
    const gens = compiled.map((c) => c.gen);
    const itemType = this.unify(compiled.map((c) => c.type), path);
    const n = gens.length;
    const gen: Gen = (s) => {
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = (gens[i] as Gen)(s);
      return out;
    };
    return { gen, type: { type: 'array', items: itemType } };
  }

  /** `["{{repeat MIN MAX}}", element]`: MIN to MAX fresh copies of the element. */
  private repeat(items: unknown[], path: string, name: string): Compiled {
    const m = /^\{\{\s*repeat\s+(\S+)\s+(\S+)\s*\}\}$/.exec(items[0] as string);
    const min = num(m?.[1]);
    const max = num(m?.[2]);
    const usage = `use ["{{${REPEAT_USAGE}}}", element] with whole numbers 0 ≤ MIN ≤ MAX ≤ 10000`;
    if (!m || min === undefined || max === undefined || !Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min || max > 10000) {
      this.issue(`${path}/0`, usage);
      return { gen: () => [], type: { type: 'array', items: 'null' } };
    }
    if (items.length !== 2) {
      this.issue(path, `a repeated array has exactly two entries: ${usage}`);
      return { gen: () => [], type: { type: 'array', items: 'null' } };
    }
    const element = this.value(items[1], `${path}/1`, `${name}Item`);
    const g = element.gen;
    const span = max - min + 1;
    const gen: Gen = (s) => {
      const n = min + Math.floor(s.rng.next() * span);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = g(s);
      return out;
    };
    return { gen, type: { type: 'array', items: element.type } };
  }

  private unify(types: AvroType[], path: string): AvroType {
    if (types.length === 0) return 'string';
    const distinct: AvroType[] = [];
    for (const t of types) if (!distinct.some((d) => sameShape(d, t))) distinct.push(t);
    if (distinct.length === 1) return distinct[0] as AvroType;
    const nonNull = distinct.filter((t) => t !== 'null');
    const hasNull = nonNull.length < distinct.length;
    let merged: AvroType | undefined;
    if (nonNull.length === 1) merged = nonNull[0];
    else if (nonNull.every((t) => t === 'long' || t === 'double')) merged = 'double';
    if (merged === undefined) {
      this.issue(path, 'the entries of this array have different shapes; give them one shape (or use ["{{repeat MIN MAX}}", element])');
      return 'null';
    }
    return hasNull ? ['null', merged] : merged;
  }

  string(text: string, path: string): Compiled {
    if (!text.includes('{{')) return { gen: () => text, type: 'string' };
    const literals: string[] = [];
    const parts: Compiled[] = [];
    let pos = 0;
    for (;;) {
      const open = text.indexOf('{{', pos);
      if (open < 0) break;
      const close = text.indexOf('}}', open + 2);
      if (close < 0) {
        this.issue(path, `"{{" at position ${open + 1} has no closing "}}"`);
        return { gen: () => text, type: 'string' };
      }
      literals.push(text.slice(pos, open));
      parts.push(this.placeholder(text.slice(open + 2, close), path));
      pos = close + 2;
    }
    literals.push(text.slice(pos));
    if (parts.length === 1 && literals[0] === '' && literals[1] === '') return parts[0] as Compiled;
    const gens = parts.map((p) => p.gen);
    const n = gens.length;
    const first = literals[0] as string;
    if (n === 1) {
      const g = gens[0] as Gen;
      const last = literals[1] as string;
      return { gen: (s) => first + String(g(s)) + last, type: 'string' };
    }
    const gen: Gen = (s) => {
      let out = first;
      for (let i = 0; i < n; i++) out += String((gens[i] as Gen)(s)) + (literals[i + 1] as string);
      return out;
    };
    return { gen, type: 'string' };
  }

  private placeholder(inner: string, path: string): Compiled {
    const tokens: string[] = [];
    const re = /"([^"]*)"|(\S+)/g;
    for (let m = re.exec(inner); m; m = re.exec(inner)) tokens.push(m[1] ?? (m[2] as string));
    const [name, ...args] = tokens;
    const fallback: Compiled = { gen: () => '', type: 'string' };
    if (!name) {
      this.issue(path, 'empty placeholder "{{}}"');
      return fallback;
    }
    if (name === 'repeat') {
      this.issue(path, '{{repeat MIN MAX}} only works as the first entry of a two-entry array: ["{{repeat 1 3}}", element]');
      return fallback;
    }
    const spec = Object.prototype.hasOwnProperty.call(PLACEHOLDERS, name) ? PLACEHOLDERS[name] : undefined;
    if (!spec) {
      this.issue(path, `unknown placeholder "{{${name}}}"; known: ${[...Object.keys(PLACEHOLDERS), 'repeat'].join(', ')}`);
      return fallback;
    }
    const compiled = spec.compile(args);
    if (typeof compiled === 'string') {
      this.issue(path, compiled);
      return fallback;
    }
    return compiled;
  }
}

type Obj = Record<string, unknown>;

/**
 * Builds one object per call. Unrolled up to eight fields because each store then has its own
 * call site and key: V8 keeps those monomorphic, where one looping store over many keys goes
 * megamorphic and runs several times slower (the generator feeds million-record benchmarks).
 */
export function objectBuilder(keys: string[], gens: Gen[]): Gen {
  if (keys.includes('__proto__')) {
    // An Avro field may be called __proto__; assigning it would set the prototype (see setOwn).
    const n = keys.length;
    return (s) => {
      const o: Obj = {};
      for (let i = 0; i < n; i++) setOwn(o, keys[i] as string, (gens[i] as Gen)(s));
      return o;
    };
  }
  if (keys.length > 8) {
    const head = objectBuilder(keys.slice(0, 8), gens.slice(0, 8));
    const restKeys = keys.slice(8);
    const restGens = gens.slice(8);
    const n = restKeys.length;
    return (s) => {
      const o = head(s) as Obj;
      for (let i = 0; i < n; i++) o[restKeys[i] as string] = (restGens[i] as Gen)(s);
      return o;
    };
  }
  const [k0, k1, k2, k3, k4, k5, k6, k7] = keys as [string, string, string, string, string, string, string, string];
  const [g0, g1, g2, g3, g4, g5, g6, g7] = gens as [Gen, Gen, Gen, Gen, Gen, Gen, Gen, Gen];
  switch (keys.length) {
    case 0:
      return () => ({});
    case 1:
      return (s) => { const o: Obj = {}; o[k0] = g0(s); return o; };
    case 2:
      return (s) => { const o: Obj = {}; o[k0] = g0(s); o[k1] = g1(s); return o; };
    case 3:
      return (s) => { const o: Obj = {}; o[k0] = g0(s); o[k1] = g1(s); o[k2] = g2(s); return o; };
    case 4:
      return (s) => { const o: Obj = {}; o[k0] = g0(s); o[k1] = g1(s); o[k2] = g2(s); o[k3] = g3(s); return o; };
    case 5:
      return (s) => { const o: Obj = {}; o[k0] = g0(s); o[k1] = g1(s); o[k2] = g2(s); o[k3] = g3(s); o[k4] = g4(s); return o; };
    case 6:
      return (s) => { const o: Obj = {}; o[k0] = g0(s); o[k1] = g1(s); o[k2] = g2(s); o[k3] = g3(s); o[k4] = g4(s); o[k5] = g5(s); return o; };
    case 7:
      return (s) => { const o: Obj = {}; o[k0] = g0(s); o[k1] = g1(s); o[k2] = g2(s); o[k3] = g3(s); o[k4] = g4(s); o[k5] = g5(s); o[k6] = g6(s); return o; };
    default:
      return (s) => { const o: Obj = {}; o[k0] = g0(s); o[k1] = g1(s); o[k2] = g2(s); o[k3] = g3(s); o[k4] = g4(s); o[k5] = g5(s); o[k6] = g6(s); o[k7] = g7(s); return o; };
  }
}

function stripNames(t: unknown): unknown {
  if (Array.isArray(t)) return t.map(stripNames);
  if (t && typeof t === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t)) if (k !== 'name' || (t as { type?: unknown }).type !== 'record') out[k] = stripNames(v);
    return out;
  }
  return t;
}

/** Same structure, ignoring record names (each template entry gets its own name). */
function sameShape(a: AvroType, b: AvroType): boolean {
  return JSON.stringify(stripNames(a)) === JSON.stringify(stripNames(b));
}
