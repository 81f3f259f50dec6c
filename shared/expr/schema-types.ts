import { Environment } from '@marcbachmann/cel-js';
import { cloneSchema } from '../schema/record-schema';
import type { AvroRecord, AvroType, RecordSchema } from '../schema/record-schema';

/**
 * How an Avro type reads in CEL, resolved once per schema so the type checker, the int
 * converters, the runtime diagnostics and the designer completions all agree on one picture.
 * Records are shared nodes (recursive schemas make this a graph, not a tree).
 */
export type TypeNode =
  | { readonly k: 'prim'; readonly cel: 'bool' | 'int' | 'double' | 'string' | 'bytes' | 'null' }
  | { readonly k: 'record'; readonly cel: string; readonly info: RecordInfo }
  | { readonly k: 'list'; readonly cel: string; readonly item: TypeNode }
  | { readonly k: 'map'; readonly cel: string; readonly value: TypeNode }
  /** A union with null and exactly one other branch: typed as that branch. */
  | { readonly k: 'nullable'; readonly cel: string; readonly of: TypeNode }
  /** Any other union: `dyn` to the checker; the branches still drive int conversion. */
  | { readonly k: 'union'; readonly cel: 'dyn'; readonly nullable: boolean; readonly branches: readonly TypeNode[] }
  | { readonly k: 'dyn'; readonly cel: 'dyn' };

/** One field of a record as CEL sees it. */
export interface FieldInfo {
  readonly name: string;
  readonly node: TypeNode;
  readonly doc?: string;
  readonly tags?: readonly string[];
}

/** A record type registered with the checker under a unique CEL type name. */
export interface RecordInfo {
  /** The CEL type name: the Avro full name, suffixed `_2`, `_3`… only when names collide. */
  readonly celName: string;
  readonly avro: AvroRecord;
  readonly fields: FieldInfo[];
  readonly byName: Map<string, FieldInfo>;
}

/**
 * Words CEL's grammar reserves (cel-js refuses them as identifiers), plus the literal keywords.
 * A field with such a name is reachable only as `record["name"]`.
 */
export const CEL_RESERVED: ReadonlySet<string> = new Set([
  'as', 'break', 'const', 'continue', 'else', 'false', 'for', 'function', 'if', 'import', 'in',
  'let', 'loop', 'package', 'namespace', 'null', 'return', 'true', 'var', 'void', 'while',
  '__proto__', 'prototype',
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `name` can be written bare in CEL (a variable or a `.field` selection). */
export function isCelIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !CEL_RESERVED.has(name);
}

let builtinNames: ReadonlySet<string> | undefined;
/**
 * Names every CEL environment predeclares (`int`, `string`, `type`, `cel`…). A record field with
 * one of these names cannot be a variable, because the name already means the built-in.
 */
export function celBuiltinNames(): ReadonlySet<string> {
  builtinNames ??= new Set(new Environment().getDefinitions().variables.map((v) => v.name));
  return builtinNames;
}

const PRIMITIVES: Record<string, 'bool' | 'int' | 'double' | 'string' | 'bytes' | 'null'> = {
  null: 'null',
  boolean: 'bool',
  int: 'int',
  long: 'int',
  float: 'double',
  double: 'double',
  bytes: 'bytes',
  string: 'string',
};

// Names the checker already owns, or that its type-string parser reads specially.
const TAKEN_TYPE_NAMES = new Set([
  'bool', 'int', 'uint', 'double', 'string', 'bytes', 'list', 'map', 'null', 'null_type', 'type',
  'dyn', 'optional', 'ast', 'CelNamespace', 'google.protobuf.Timestamp', 'google.protobuf.Duration',
]);

const DYN: TypeNode = { k: 'dyn', cel: 'dyn' };
const PRIM_NODES = new Map(
  (['bool', 'int', 'double', 'string', 'bytes', 'null'] as const).map((c) => [c, { k: 'prim', cel: c } as TypeNode]),
);

type Named = { kind: 'record'; node: TypeNode & { k: 'record' } } | { kind: 'enum' } | { kind: 'fixed' };

type Registrar = (info: RecordInfo) => void;

/**
 * Walks Avro types in a fixed order and names record types deterministically, so the same
 * schema always yields the same CEL type names.
 */
class Typer {
  readonly records = new Map<string, RecordInfo>();
  private readonly byAvro = new Map<object, TypeNode & { k: 'record' }>();
  private readonly named = new Map<string, Named>();

  constructor(private readonly register?: Registrar) {}

  typeOf(t: unknown, ns: string | undefined): TypeNode {
    if (typeof t === 'string') return PRIM_NODES.get(PRIMITIVES[t] as never) ?? this.reference(t, ns);
    if (Array.isArray(t)) return this.union(t, ns);
    if (typeof t !== 'object' || t === null) return DYN;
    const o = t as { type?: unknown; items?: unknown; values?: unknown; name?: unknown; namespace?: unknown };
    switch (o.type) {
      case 'record':
      case 'error':
        return this.record(o as AvroRecord, ns);
      case 'enum':
        this.define(o, ns, { kind: 'enum' });
        return PRIM_NODES.get('string')!;
      case 'fixed':
        this.define(o, ns, { kind: 'fixed' });
        return PRIM_NODES.get('bytes')!;
      case 'array': {
        const item = this.typeOf(o.items, ns);
        return { k: 'list', cel: `list<${item.cel}>`, item };
      }
      case 'map': {
        const value = this.typeOf(o.values, ns);
        return { k: 'map', cel: `map<string, ${value.cel}>`, value };
      }
      default:
        // `{type: "long", logicalType: ...}` and other wrapped forms read as their underlying type.
        return this.typeOf(o.type, ns);
    }
  }

  private union(branches: unknown[], ns: string | undefined): TypeNode {
    const isNull = (b: unknown) => b === 'null' || (typeof b === 'object' && b !== null && (b as { type?: unknown }).type === 'null');
    const nullable = branches.some(isNull);
    const rest = branches.filter((b) => !isNull(b)).map((b) => this.typeOf(b, ns));
    if (rest.length === 0) return PRIM_NODES.get('null')!;
    const first = rest[0]!;
    if (rest.length === 1) return nullable ? { k: 'nullable', cel: first.cel, of: first } : first;
    // ["int","long"] or ["float","double"] are one CEL type; anything else is dyn.
    if (rest.every((b) => b.k === 'prim' && b.cel === first.cel)) return nullable ? { k: 'nullable', cel: first.cel, of: first } : first;
    return { k: 'union', cel: 'dyn', nullable, branches: rest };
  }

  private reference(name: string, ns: string | undefined): TypeNode {
    const found = (ns && !name.includes('.') ? this.named.get(`${ns}.${name}`) : undefined) ?? this.named.get(name);
    if (!found) return DYN;
    if (found.kind === 'enum') return PRIM_NODES.get('string')!;
    if (found.kind === 'fixed') return PRIM_NODES.get('bytes')!;
    return found.node;
  }

  private define(o: { name?: unknown; namespace?: unknown }, ns: string | undefined, named: Named): void {
    const full = fullName(o, ns);
    // The first definition of a name is the one later references mean.
    if (full && !this.named.has(full)) this.named.set(full, named);
  }

  private record(rec: AvroRecord, ns: string | undefined): TypeNode {
    const known = this.byAvro.get(rec);
    if (known) return known;
    const full = fullName(rec, ns) ?? 'Record';
    const info: RecordInfo = { celName: this.uniqueName(full), avro: rec, fields: [], byName: new Map() };
    const node = { k: 'record', cel: info.celName, info } as const;
    this.byAvro.set(rec, node);
    this.records.set(info.celName, info);
    // Registered before the fields are walked, so a field can refer back to this record.
    this.define(rec, ns, { kind: 'record', node });
    const innerNs = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;
    for (const f of Array.isArray(rec.fields) ? rec.fields : []) {
      if (typeof f?.name !== 'string') continue;
      const field: FieldInfo = { name: f.name, node: this.typeOf(f.type, innerNs), doc: f.doc, tags: f['confluent:tags'] };
      info.fields.push(field);
      info.byName.set(f.name, field);
    }
    this.register?.(info);
    return node;
  }

  private uniqueName(full: string): string {
    let base = full.replace(/[^A-Za-z0-9_.]/g, '_').replace(/^\.+|\.+$/g, '') || 'Record';
    if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
    // A lone capital letter is a type parameter to cel-js, so it cannot name a record.
    if (/^[A-Z]$/.test(base) || CEL_RESERVED.has(base)) base = `${base}_`;
    let name = base;
    for (let i = 2; TAKEN_TYPE_NAMES.has(name) || this.records.has(name); i++) name = `${base}_${i}`;
    return name;
  }
}

function fullName(o: { name?: unknown; namespace?: unknown }, ns: string | undefined): string | undefined {
  if (typeof o.name !== 'string' || !o.name) return undefined;
  if (o.name.includes('.')) return o.name;
  const space = typeof o.namespace === 'string' ? o.namespace : ns;
  return space ? `${space}.${o.name}` : o.name;
}

/** A record field as a top-level CEL variable, or why it is not one. */
export interface TopField extends FieldInfo {
  /** Whether the field is a CEL variable; when false it is reachable only through `record`. */
  readonly variable: boolean;
}

/**
 * Everything the expression module knows about one record schema: the type-checking
 * environment (built once, it is the expensive part) and the resolved types.
 */
export class SchemaModel {
  /** The checker: every variable and record type declared, nothing unlisted allowed. */
  readonly env: Environment;
  readonly typed: boolean;
  readonly root?: TypeNode & { k: 'record' };
  readonly fields: readonly TopField[];
  readonly records: ReadonlyMap<string, RecordInfo>;
  /** Top-level variables: field names that are CEL identifiers, plus `record` unless a field owns it. */
  readonly variables: ReadonlyMap<string, TypeNode>;
  /** True when `record` means the whole record rather than a field of that name. */
  readonly recordIsWhole: boolean;

  constructor(schema: RecordSchema) {
    this.typed = schema !== undefined;
    if (!schema) {
      this.env = untypedEnvironment();
      this.fields = [];
      this.records = new Map();
      this.variables = new Map();
      this.recordIsWhole = true;
      return;
    }
    const env = new Environment({ homogeneousAggregateLiterals: false });
    const typer = new Typer((info) => {
      const fields: Record<string, string> = Object.create(null);
      for (const f of info.fields) fields[f.name] = f.node.cel;
      // A constructor of our own keeps cel-js from generating converters: this environment only
      // type-checks, evaluation runs elsewhere on the plain record objects.
      env.registerType(info.celName, { ctor: class {}, fields });
    });
    const root = typer.typeOf(schema, undefined);
    if (root.k !== 'record') throw new Error('a record schema must be an Avro record');
    this.root = root;
    this.records = typer.records;
    const builtins = celBuiltinNames();
    const variables = new Map<string, TypeNode>();
    this.fields = root.info.fields.map((f) => {
      const variable = isCelIdentifier(f.name) && !builtins.has(f.name);
      if (variable) variables.set(f.name, f.node);
      return { ...f, variable };
    });
    this.recordIsWhole = !variables.has('record');
    if (this.recordIsWhole) variables.set('record', root);
    for (const [name, node] of variables) env.registerVariable(name, node.cel);
    // Avro unions with null read as their non-null type, so without these an analyst could not
    // write `middleName != null`. Registering `==` also gives `!=` and the mirrored forms.
    for (const t of ['bool', 'int', 'double', 'string', 'bytes', 'list', 'map', ...this.records.keys()]) {
      env.registerOperator(`${t} == null`, (a: unknown, b: unknown) => a === b);
    }
    this.env = env;
    this.variables = variables;
  }

  private evalEnv: Environment | undefined;

  /**
   * The environment expressions are evaluated in. Top-level fields of primitive type (and lists
   * and maps of them) keep their type, so cel-js checks each value as it reads it and picks
   * operators statically; records, nullable fields and unions are `dyn`, so records are read as
   * the plain objects they are instead of being wrapped per evaluation (the typed checker's
   * record types cost an allocation per record and per access).
   */
  get evaluation(): Environment {
    if (!this.typed) return this.env;
    if (!this.evalEnv) {
      const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
      for (const [name, node] of this.variables) {
        const t = evalType(node);
        if (t !== 'dyn') env.registerVariable(name, t);
      }
      for (const t of ['bool', 'int', 'double', 'string', 'bytes', 'list', 'map']) {
        env.registerOperator(`${t} == null`, (a: unknown, b: unknown) => a === b);
      }
      this.evalEnv = env;
    }
    return this.evalEnv;
  }

  /** The record type behind a CEL type name (after unwrapping `dyn<…>`), if it is one of ours. */
  recordOf(celType: string | undefined): RecordInfo | undefined {
    return celType === undefined ? undefined : this.records.get(unwrapDyn(celType));
  }
}

function evalType(node: TypeNode): string {
  switch (node.k) {
    case 'prim':
      return node.cel === 'null' ? 'dyn' : node.cel;
    case 'list': {
      const t = evalType(node.item);
      return t === 'dyn' ? 'list' : `list<${t}>`;
    }
    case 'map': {
      const t = evalType(node.value);
      return t === 'dyn' ? 'map' : `map<string, ${t}>`;
    }
    default:
      return 'dyn';
  }
}

let untyped: Environment | undefined;
/**
 * The one environment for unknown schemas and for evaluation: every name is `dyn`, so it reads
 * plain JSON records as they are, with no per-record wrapping.
 */
export function untypedEnvironment(): Environment {
  untyped ??= new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
  return untyped;
}

const models = new WeakMap<AvroRecord, SchemaModel>();
let untypedModel: SchemaModel | undefined;

/** The model for a schema, built once per schema object (schemas are treated as immutable). */
export function modelFor(schema: RecordSchema): SchemaModel {
  if (!schema) return (untypedModel ??= new SchemaModel(undefined));
  let m = models.get(schema);
  if (!m) models.set(schema, (m = new SchemaModel(schema)));
  return m;
}

/** Strips cel-js's `dyn<T>` wrapper, which marks a statically known type used dynamically. */
export function unwrapDyn(celType: string): string {
  let t = celType;
  while (t.startsWith('dyn<') && t.endsWith('>')) t = t.slice(4, -1);
  return t;
}

/**
 * The CEL type name an Avro type reads as: boolean→bool, int/long→int, float/double→double,
 * string/enum→string, bytes/fixed→bytes, array→list<T>, map→map<string, T>, record→its Avro full
 * name, a union with null→the non-null type, any other union→dyn. Logical types read as their
 * underlying type. Named references resolve against types defined earlier in `avroType`.
 */
export function celTypeOf(avroType: AvroType): string {
  return new Typer().typeOf(avroType, undefined).cel;
}

/**
 * The Avro type for a CEL result type, for deriving output schemas: bool→boolean, int/uint→long,
 * double→double, string→string, bytes→bytes, list<T>→array, map<string, T>→map, and a record
 * type of `schema` (as named by the checker) → a copy of that Avro record. Returns undefined
 * when the type is unknown (dyn, a timestamp, a non-string map key, or anything containing one).
 */
export function celTypeToAvro(celType: string, schema?: RecordSchema): AvroType | undefined {
  const t = unwrapDyn(celType.trim());
  switch (t) {
    case 'bool':
      return 'boolean';
    case 'int':
    case 'uint':
      return 'long';
    case 'double':
      return 'double';
    case 'string':
      return 'string';
    case 'bytes':
      return 'bytes';
    case 'null':
      return 'null';
  }
  const generic = /^(list|map)<(.*)>$/.exec(t);
  if (generic) {
    const args = splitTypeArgs(generic[2]!);
    if (generic[1] === 'list' && args.length === 1) {
      const items = celTypeToAvro(args[0]!, schema);
      return items === undefined ? undefined : { type: 'array', items };
    }
    if (generic[1] === 'map' && args.length === 2 && unwrapDyn(args[0]!) === 'string') {
      const values = celTypeToAvro(args[1]!, schema);
      return values === undefined ? undefined : { type: 'map', values };
    }
    return undefined;
  }
  const rec = schema ? modelFor(schema).records.get(t) : undefined;
  return rec ? cloneSchema(rec.avro) : undefined;
}

/** Splits `a, map<b, c>` at its top-level commas. */
export function splitTypeArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (s.trim()) out.push(s.slice(start).trim());
  return out;
}

/** One completion entry for the designer. */
export interface AvailableField {
  /** Dotted field path; `[*]` steps into list items and map values (see FieldPath). */
  path: string;
  /** CEL type, e.g. "double", "list<com.acme.Item>". */
  type: string;
  /**
   * CEL text that reads the field, e.g. `customer.email` or `record["first-name"]`; absent for
   * fields inside lists and maps, which need a macro such as `items.exists(i, i.qty > 2)`.
   */
  expr?: string;
  doc?: string;
  tags?: readonly string[];
}

const MAX_COMPLETION_DEPTH = 8;

/**
 * Every field reachable from the record, depth first in schema order, for field completions.
 * Recursive records are listed once per path (not followed into themselves). [] when the schema
 * is unknown.
 */
export function availableFields(schema: RecordSchema): AvailableField[] {
  const model = modelFor(schema);
  const out: AvailableField[] = [];
  if (!model.root) return out;
  const visit = (info: RecordInfo, path: string, expr: string | undefined, onPath: Set<RecordInfo>, depth: number) => {
    // The root's own field list carries whether each field is a variable.
    for (const f of path === '' ? model.fields : info.fields) {
      const top = path === '';
      const fieldPath = top ? f.name : `${path}.${f.name}`;
      let fieldExpr: string | undefined;
      if (top) {
        const isVar = (f as TopField).variable;
        fieldExpr = isVar ? f.name : model.recordIsWhole ? selectText('record', f.name) : undefined;
      } else if (expr !== undefined) {
        fieldExpr = selectText(expr, f.name);
      }
      out.push({
        path: fieldPath,
        type: f.node.cel,
        ...(fieldExpr !== undefined ? { expr: fieldExpr } : {}),
        ...(f.doc !== undefined ? { doc: f.doc } : {}),
        ...(f.tags !== undefined ? { tags: f.tags } : {}),
      });
      if (depth >= MAX_COMPLETION_DEPTH) continue;
      descend(f.node, fieldPath, fieldExpr, onPath, depth);
    }
  };
  const descend = (node: TypeNode, path: string, expr: string | undefined, onPath: Set<RecordInfo>, depth: number) => {
    switch (node.k) {
      case 'nullable':
        return descend(node.of, path, expr, onPath, depth);
      case 'record':
        if (onPath.has(node.info)) return;
        onPath.add(node.info);
        visit(node.info, path, expr, onPath, depth + 1);
        onPath.delete(node.info);
        return;
      case 'list':
        return descend(node.item, `${path}[*]`, undefined, onPath, depth);
      case 'map':
        return descend(node.value, `${path}[*]`, undefined, onPath, depth);
    }
  };
  visit(model.root.info, '', undefined, new Set([model.root.info]), 0);
  return out;
}

function selectText(expr: string, name: string): string {
  return isCelIdentifier(name) ? `${expr}.${name}` : `${expr}[${JSON.stringify(name)}]`;
}
