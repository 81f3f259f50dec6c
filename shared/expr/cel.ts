import type { Environment, ParseResult } from '@marcbachmann/cel-js';
import type { CompiledExpression, ExpressionCompiler } from '../node-kit/runtime';
import type { ExprResultType } from '../node-kit/hints';
import type { RecordSchema } from '../schema/record-schema';
import { compileProblem, lineColumn, normaliseType, resultProblem, runtimeProblem } from './messages';
import type { CelNode, Problem, ProblemCode, RuntimeContext } from './messages';
import { celBuiltinNames, modelFor, untypedEnvironment } from './schema-types';
import type { SchemaModel } from './schema-types';
import { UnsafeInteger, converterFor, fieldsConverter, toJs } from './values';
import type { Converter } from './values';

/**
 * CEL expressions over records: parsed and type-checked once against the record schema,
 * evaluated per record by cel-js. Nothing user-written reaches eval, `new Function` or vm.
 *
 * Semantics worth knowing when writing expressions:
 * - every top-level field whose name is a CEL identifier is a variable; `record` is the whole
 *   record (unless a field is called `record`), so `record["first-name"]` and `record.type`
 *   reach fields whose names CEL cannot use bare;
 * - Avro int and long are CEL `int` (whole numbers, exact): `qty + 1`, not `qty + 1.0`; float and
 *   double are `double`: `total > 1000.0`. Comparisons may mix them, arithmetic may not;
 * - a nullable field (Avro union with null) has the type of its other branch. CEL has no
 *   null-safe navigation: guard with `field != null && …` before using a nullable value;
 * - with no schema every field is `dyn` and types are only known per record.
 */

/** A located, plain-language expression problem; thrown by compile and by evaluate. */
export class ExpressionError extends Error {
  /** 0-based UTF-16 offset of the problem in the source. */
  readonly offset: number;
  /** Length of the source span the problem covers (at least 1). */
  readonly length: number;
  /** What kind of problem this is (syntax, unknown-field, data-type, runtime…). */
  readonly code: ProblemCode | undefined;
  /** JSON pointer of the config field holding the expression, when the compiler was told. */
  readonly configPath: string | undefined;
  /** The expression text. */
  readonly source: string | undefined;

  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    details: { offset?: number; length?: number; code?: ProblemCode; configPath?: string; source?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ExpressionError';
    this.offset = details.offset ?? 0;
    this.length = details.length ?? 1;
    this.code = details.code;
    this.configPath = details.configPath;
    this.source = details.source;
  }
}

/** One problem found by `checkExpression`; line and column are 1-based. */
export interface ExprIssue {
  message: string;
  line: number;
  column: number;
  /** 0-based UTF-16 offset and length of the span to underline. */
  offset?: number;
  length?: number;
  code?: ProblemCode;
}

function toIssue(p: Problem, source: string): ExprIssue {
  const { line, column } = lineColumn(source, p.offset);
  return { message: p.message, line, column, offset: p.offset, length: p.length, code: p.code };
}

function toError(p: Problem, source: string, configPath: string | undefined, cause?: unknown): ExpressionError {
  const { line, column } = lineColumn(source, p.offset);
  return new ExpressionError(p.message, line, column, { offset: p.offset, length: p.length, code: p.code, configPath, source, cause });
}

interface Analysis {
  parsed: ParseResult;
  refs: References;
  /** The checked result type, e.g. "bool", "list<int>", "dyn". */
  type: string;
}

function analyse(model: SchemaModel, source: unknown, resultType: ExprResultType | undefined): Analysis | Problem {
  if (typeof source !== 'string') return { message: 'syntax error: the expression must be text', code: 'syntax', offset: 0, length: 1 };
  let parsed: ParseResult;
  try {
    parsed = model.env.parse(source);
  } catch (err) {
    return compileProblem(err, source, model);
  }
  const ast = parsed.ast as unknown as CelNode;
  const refs = references(ast);
  const checked = parsed.check();
  if (!checked.valid) return compileProblem(checked.error, source, model, refs.names);
  const type = normaliseType(ast.checkedType?.name ?? checked.type ?? 'dyn');
  if (resultType === 'bool' && type !== 'bool' && type !== 'dyn') {
    return {
      message: `a condition must give true or false, but this gives ${type}`,
      code: 'result-type',
      offset: ast.start,
      length: Math.max(1, ast.end - ast.start),
    };
  }
  return { parsed, refs, type };
}

function isProblem(a: Analysis | Problem): a is Problem {
  return 'message' in a;
}

// Macros whose first argument names an iteration variable scoped to the remaining arguments.
const BINDING_MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

function isCelNode(v: unknown): v is CelNode {
  return typeof v === 'object' && v !== null && typeof (v as CelNode).op === 'string' && 'args' in v;
}

interface References {
  /** Variables the expression reads, in order of first appearance. */
  names: string[];
  /**
   * The field names read through `record` when every use of it is a selection with a literal
   * name (`record.x`, `record["first-name"]`); null when `record` is used as a whole value.
   */
  recordKeys: Set<string> | null;
}

/**
 * The variables an expression reads: identifiers not bound by a macro (`items.exists(i, …)`
 * binds `i`) or by `cel.bind`. Lets evaluation touch, and convert, only the fields that matter.
 */
function references(ast: CelNode): References {
  const out = new Set<string>();
  let recordKeys: Set<string> | null = new Set();
  const selectedKey = (n: CelNode, bound: ReadonlySet<string>): string | undefined => {
    const [target, key] = n.args as [unknown, unknown];
    if (!isCelNode(target) || target.op !== 'id' || target.args !== 'record' || bound.has('record')) return undefined;
    if (n.op === '.' || n.op === '.?') return key as string;
    return isCelNode(key) && key.op === 'value' && typeof key.args === 'string' ? key.args : undefined;
  };
  const walk = (n: unknown, bound: ReadonlySet<string>): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x, bound);
      return;
    }
    if (!isCelNode(n)) return;
    const args = n.args as unknown[];
    switch (n.op) {
      case 'id': {
        const name = n.args as string;
        if (bound.has(name)) return;
        out.add(name);
        if (name === 'record') recordKeys = null;
        return;
      }
      case 'value':
        return;
      case '.':
      case '.?':
      case '[]':
      case '[?]': {
        const key = selectedKey(n, bound);
        if (key !== undefined) {
          out.add('record');
          recordKeys?.add(key);
          return;
        }
        return walk(n.op === '.' || n.op === '.?' ? args[0] : args, bound);
      }
      case 'call':
        return walk(args[1], bound);
      case 'rcall': {
        const [name, receiver, callArgs] = args as [string, unknown, unknown[]];
        const binder = callArgs[0];
        if (isCelNode(binder) && binder.op === 'id' && callArgs.length >= 2) {
          const inner = new Set(bound).add(binder.args as string);
          if (BINDING_MACROS.has(name)) {
            walk(receiver, bound);
            return walk(callArgs.slice(1), inner);
          }
          if (name === 'bind' && callArgs.length === 3 && isCelNode(receiver) && receiver.op === 'id' && receiver.args === 'cel') {
            walk(callArgs[1], bound);
            return walk(callArgs[2], inner);
          }
        }
        walk(receiver, bound);
        return walk(callArgs, bound);
      }
      default:
        return walk(n.args, bound);
    }
  };
  walk(ast, new Set());
  return { names: [...out], recordKeys };
}

function evaluationParse(env: Environment, source: string): ParseResult | undefined {
  try {
    const parsed = env.parse(source);
    // Checking now caches the types on the AST, so the first evaluation does not pay for it.
    return parsed.check().valid ? parsed : undefined;
  } catch {
    return undefined;
  }
}

type Guard = 'bool' | 'string' | 'double' | 'int' | 'bytes' | 'any';

interface Slot {
  name: string;
  conv: Converter | null;
  /** Names such as `constructor` that a plain property read would find on Object.prototype. */
  ownOnly: boolean;
}

function compile(model: SchemaModel, source: string, options: { resultType?: ExprResultType; configPath?: string }): CompiledExpression {
  const { resultType, configPath } = options;
  const a = analyse(model, source, resultType);
  if (isProblem(a)) throw toError(a, typeof source === 'string' ? source : '', configPath);

  // The checker's verdict is in; evaluation runs in the leaner environment (see
  // SchemaModel.evaluation), or the all-dyn one should that ever disagree with the checker.
  let run: ParseResult = a.parsed;
  if (model.typed) run = evaluationParse(model.evaluation, source) ?? evaluationParse(untypedEnvironment(), source) ?? a.parsed;

  const slots: Slot[] = [];
  const typedRefs: RuntimeContext['typedRefs'][number][] = [];
  let whole: { conv: Converter | null; fieldMayWin: boolean } | undefined;
  const builtins = celBuiltinNames();
  for (const name of a.refs.names) {
    if (builtins.has(name)) continue;
    if (!model.typed) {
      if (name === 'record') whole = { conv: null, fieldMayWin: true };
      else slots.push({ name, conv: null, ownOnly: name in Object.prototype });
      continue;
    }
    const node = model.variables.get(name);
    if (!node) continue;
    if (name === 'record' && model.recordIsWhole) {
      // `record.region` alone should not pay for converting every int field of the record.
      const keys = a.refs.recordKeys;
      whole = { conv: keys && model.root ? fieldsConverter(model.root.info, keys) : converterFor(node), fieldMayWin: false };
      typedRefs.push({ name, node, whole: true, tagged: false });
    } else {
      slots.push({ name, conv: converterFor(node), ownOnly: name in Object.prototype });
      typedRefs.push({ name, node, whole: false, tagged: !!model.fields.find((f) => f.name === name)?.tags?.length });
    }
  }

  const ctx: RuntimeContext = { source, model, typedRefs };
  const fail = (err: unknown, record: unknown): ExpressionError =>
    err instanceof ExpressionError ? err : toError(runtimeProblem(err, record, ctx), source, configPath, err);
  const guard: Guard =
    resultType === 'bool' || a.type === 'bool' ? 'bool' : (['string', 'double', 'int', 'bytes'] as const).find((t) => t === a.type) ?? 'any';
  const bad = (value: unknown, record: unknown): never => {
    throw toError(resultProblem(value, record, ctx, guard === 'bool' && resultType === 'bool' ? 'condition' : a.type), source, configPath);
  };
  const finish = finisher(guard, bad, fail);

  const direct = !whole && slots.every((s) => s.conv === null && !s.ownOnly);
  let evaluate: (record: unknown) => unknown;
  if (direct) {
    // The record itself is the activation: no copy, no allocation on our side.
    evaluate = (record) => {
      let out: unknown;
      try {
        out = run(record as Record<string, unknown>);
      } catch (err) {
        throw fail(err, record);
      }
      return finish(out, record);
    };
  } else {
    const fill = activationFiller(slots, whole);
    evaluate = (record) => {
      let out: unknown;
      try {
        out = run(fill(record as Record<string, unknown>));
      } catch (err) {
        throw fail(err, record);
      }
      return finish(out, record);
    };
  }
  return { source, type: a.type, evaluate };
}

/**
 * Fills one reused activation object per compiled expression: evaluation is synchronous (no
 * async functions are registered), so no two evaluations of one expression overlap.
 */
function activationFiller(slots: Slot[], whole: { conv: Converter | null; fieldMayWin: boolean } | undefined) {
  const act: Record<string, unknown> = Object.create(null);
  for (const s of slots) act[s.name] = undefined;
  if (whole) act.record = undefined;
  const names = slots.map((s) => s.name);
  const convs = slots.map((s) => s.conv);
  const ownOnly = slots.map((s) => s.ownOnly);
  const n = slots.length;
  const hasOwn = Object.hasOwn;
  return (r: Record<string, unknown>): Record<string, unknown> => {
    for (let i = 0; i < n; i++) {
      const name = names[i]!;
      let v = ownOnly[i] ? (hasOwn(r, name) ? r[name] : undefined) : r[name];
      const c = convs[i];
      if (c !== null && v !== undefined) v = c!(v);
      act[name] = v;
    }
    if (whole) {
      // With no schema a field literally named `record` wins over the whole record.
      if (whole.fieldMayWin && hasOwn(r, 'record')) act.record = r.record;
      else act.record = whole.conv ? whole.conv(r) : r;
    }
    return act;
  };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function finisher(
  guard: Guard,
  bad: (value: unknown, record: unknown) => never,
  fail: (err: unknown, record: unknown) => ExpressionError,
): (out: unknown, record: unknown) => unknown {
  switch (guard) {
    case 'bool':
      return (out, record) => (typeof out === 'boolean' ? out : bad(out, record));
    case 'string':
      return (out, record) => (typeof out === 'string' ? out : bad(out, record));
    case 'double':
      return (out, record) => (typeof out === 'number' ? out : bad(out, record));
    case 'bytes':
      return (out, record) => (out instanceof Uint8Array ? out : bad(out, record));
    case 'int':
      return (out, record) => {
        if (typeof out !== 'bigint') return bad(out, record);
        if (out > MAX_SAFE || out < -MAX_SAFE) throw fail(new UnsafeInteger(out), record);
        return Number(out);
      };
    case 'any':
      return (out, record) => {
        try {
          return toJs(out);
        } catch (err) {
          throw fail(err, record);
        }
      };
  }
}

/**
 * The compiler for one input schema. The schema's type environment is built once per schema
 * object and shared; `undefined` (schema unknown) makes every field `dyn`, so expressions still
 * parse, run and fail per record instead of at compile time.
 */
export function createExpressionCompiler(schema: RecordSchema): ExpressionCompiler {
  const model = modelFor(schema);
  return {
    compile(source, options = {}) {
      return compile(model, source, options);
    },
  };
}

/**
 * Type-checks an expression against a record schema; [] when valid, else one issue (cel-js stops
 * at the first error). With `resultType: 'bool'` a result that is neither bool nor dyn is an issue.
 */
export function checkExpression(source: string, schema: RecordSchema, options: { resultType?: ExprResultType } = {}): ExprIssue[] {
  const a = analyse(modelFor(schema), source, options.resultType);
  return isProblem(a) ? [toIssue(a, typeof source === 'string' ? source : '')] : [];
}

/**
 * The CEL type an expression gives against a schema (e.g. "bool", "string", "list<int>", a record
 * type name, or "dyn" when unknown), or its issues when it does not type-check. Map it to Avro
 * with `celTypeToAvro`.
 */
export function expressionType(source: string, schema: RecordSchema): string | ExprIssue[] {
  const a = analyse(modelFor(schema), source, 'any');
  return isProblem(a) ? [toIssue(a, typeof source === 'string' ? source : '')] : a.type;
}
