import { Environment } from '@marcbachmann/cel-js';
import { isCelIdentifier, splitTypeArgs, unwrapDyn } from './schema-types';
import type { SchemaModel, TypeNode } from './schema-types';
import { NotAnInteger, UnsafeInteger, describeValue, findMismatch, joinPath, shortName } from './values';
import type { Mismatch } from './values';

/**
 * Turns cel-js errors into sentences an analyst can act on. cel-js reports in compiler terms
 * ("no such overload: double > string"); we name the fields, the operator and the fix.
 */

/** The part of a cel-js AST node the messages read (cel-js does not type its checker fields). */
export interface CelNode {
  readonly op: string;
  readonly args: unknown;
  readonly pos: number;
  readonly start: number;
  readonly end: number;
  readonly checkedType?: { readonly name: string };
  readonly argTypes?: ReadonlyArray<{ readonly name: string }>;
}

/** The kinds of problem, for callers that want to treat some differently (e.g. squiggle colour). */
export type ProblemCode =
  | 'syntax'
  | 'unknown-field'
  | 'no-such-field'
  | 'type'
  | 'result-type'
  | 'missing-field'
  | 'data-type'
  | 'runtime';

/** A located, rewritten problem; offsets are UTF-16 indexes into the source. */
export interface Problem {
  message: string;
  code: ProblemCode;
  offset: number;
  length: number;
}

interface CelErrorLike {
  name?: string;
  code?: string;
  summary?: string;
  message?: string;
  node?: Partial<CelNode>;
}

/** 1-based line and column of a source offset. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.max(0, Math.min(offset, source.length));
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function isNode(v: unknown): v is CelNode {
  return typeof v === 'object' && v !== null && typeof (v as CelNode).op === 'string' && typeof (v as CelNode).start === 'number';
}

function locate(source: string, node: Partial<CelNode> | undefined): { offset: number; length: number } {
  const offset = typeof node?.pos === 'number' ? node.pos : typeof node?.start === 'number' ? node.start : 0;
  const end = typeof node?.end === 'number' ? node.end : offset;
  const clamped = Math.max(0, Math.min(offset, source.length));
  return { offset: clamped, length: Math.max(1, Math.min(end, source.length) - clamped) };
}

function text(source: string, node: CelNode | undefined): string {
  return node ? source.slice(node.start, node.end).trim() : '';
}

/** A CEL type name as the result of an expression is reported: no `dyn<…>`, no type parameters. */
export function normaliseType(celType: string): string {
  return unwrapDyn(celType)
    .replace(/dyn<([^<>]*)>/g, '$1')
    .replace(/(?<=[<,]\s*)[A-Z](?=\s*[,>])/g, 'dyn');
}

function typeOf(node: CelNode | undefined): string {
  return normaliseType(node?.checkedType?.name ?? 'dyn');
}

/** "a double", "an int", "a Customer record", "a list<int>"… */
export function describeType(celType: string, model?: SchemaModel): string {
  const t = normaliseType(celType);
  switch (t) {
    case 'bytes':
    case 'null':
      return t;
    case 'int':
    case 'uint':
      return `an ${t}`;
    case 'dyn':
      return 'a value of unknown type';
    case 'google.protobuf.Timestamp':
      return 'a timestamp';
    case 'google.protobuf.Duration':
      return 'a duration';
  }
  if (model?.records.has(t)) return `a ${shortName(t)} record`;
  return `a ${t}`;
}

const TOKEN_TEXT: Record<string, string> = {
  EOF: 'the end of the expression',
  RPAREN: '")"',
  LPAREN: '"("',
  RBRACKET: '"]"',
  LBRACKET: '"["',
  RBRACE: '"}"',
  LBRACE: '"{"',
  COMMA: '","',
  COLON: '":"',
  QUESTION: '"?"',
  DOT: '"."',
  IDENTIFIER: 'a name',
  NUMBER: 'a number',
  STRING: 'a string',
};

const WORD_HINTS: Record<string, string> = { and: '&&', or: '||', not: '!' };

function syntaxMessage(err: CelErrorLike, source: string, loc: { offset: number; length: number }): string {
  const summary = err.summary ?? err.message ?? '';
  const found = source.slice(loc.offset, loc.offset + loc.length).trim();
  switch (err.code) {
    case 'unexpected_token': {
      if (/EOF$/.test(summary)) {
        return source.trim() === '' ? 'syntax error: the expression is empty' : 'syntax error: the expression ends too early';
      }
      return `syntax error: unexpected "${found}"`;
    }
    case 'expected_token': {
      const m = /^Expected (\w+), got (\w+)/.exec(summary);
      if (m) return `syntax error: expected ${TOKEN_TEXT[m[1]!] ?? m[1]} but found ${TOKEN_TEXT[m[2]!] ?? m[2]}`;
      break;
    }
    case 'unexpected_character': {
      const word = /^[A-Za-z_]\w*/.exec(source.slice(loc.offset))?.[0];
      if (word && WORD_HINTS[word]) return `syntax error: unexpected "${word}"; CEL writes ${WORD_HINTS[word]} instead`;
      const ch = source[loc.offset] ?? '';
      if (ch === '=') return 'syntax error: unexpected "="; to compare write ==';
      if (ch === '&' || ch === '|') return `syntax error: unexpected "${ch}"; write ${ch}${ch}`;
      return `syntax error: unexpected ${word ? `"${word}"` : ch ? `character "${ch}"` : 'text'}`;
    }
    case 'reserved_identifier': {
      const word = summary.replace(/^Reserved identifier:\s*/, '');
      return `syntax error: "${word}" is a reserved word in CEL; for a field with that name write record["${word}"]`;
    }
    case 'unterminated_string':
    case 'unterminated_triple_quoted_string':
      return 'syntax error: a string is not closed; add the closing quote';
    case 'newline_in_string':
      return 'syntax error: a line break inside a "…" string; use """…""" for text over several lines';
    case 'limit_exceeded':
      return `syntax error: the expression is too large or too deeply nested (${summary})`;
  }
  return `syntax error: ${lowerFirst(plain(summary))}`;
}

function lowerFirst(s: string): string {
  return s && /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function plain(s: string): string {
  return s.replace(/'([^']*)'/g, '"$1"').replace(/dyn<([^<>]*)>/g, '$1');
}

/** The names one may write for a record's fields, for "fields here: …" lists. */
function fieldList(model: SchemaModel): string {
  const names = model.fields.map((f) => (f.variable ? f.name : joinPath('', f.name).replace(/^record\["([A-Za-z_]\w*)"\]$/, 'record.$1')));
  return listText(names);
}

function listText(names: string[]): string {
  const max = 12;
  return names.length > max ? `${names.slice(0, max).join(', ')}, …` : names.join(', ');
}

function didYouMean(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, c);
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  // Short names are too close to everything for a guess to help.
  const limit = name.length < 3 ? 0 : Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestScore <= limit ? best : undefined;
}

/** Edit distance counting a swap of neighbours as one edit: "emial" is one step from "email". */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

const ARITHMETIC: Record<string, string> = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide', '%': 'take the remainder of' };
const COMPARISON = new Set(['<', '<=', '>', '>=', '==', '!=']);
const NUMERIC = new Set(['int', 'uint', 'double']);

function intLiteral(node: CelNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.op === 'value' && typeof node.args === 'bigint') return String(node.args);
  if (node.op === '-_' && isNode(node.args)) {
    const inner = intLiteral(node.args);
    return inner === undefined ? undefined : `-${inner}`;
  }
  return undefined;
}

function binaryMessage(
  source: string,
  whole: CelNode,
  lt: string,
  rt: string,
  model: SchemaModel | undefined,
  suffix = '',
): string {
  const [left, right] = (Array.isArray(whole.args) ? whole.args : []) as CelNode[];
  const op = whole.op;
  const all = `(${text(source, whole)})${suffix}`;
  if (NUMERIC.has(lt) && NUMERIC.has(rt) && lt !== rt) {
    // Without a schema every JSON number is a double, which is the usual cause at run time.
    const untyped = suffix && model && !model.typed ? '; without a schema, numbers in the data are doubles' : '';
    const intSide = lt === 'int' ? left : rt === 'int' ? right : undefined;
    const literal = intLiteral(intSide);
    const head = `mixing ${lt} and ${rt}${suffix ? ` ${all}` : ''}`;
    if (literal !== undefined && (lt === 'double' || rt === 'double')) return `${head}: write ${literal}.0 instead of ${literal}${untyped}`;
    if (lt === 'double' || rt === 'double') {
      const other = lt === 'double' ? right : left;
      return `${head}: write double(${text(source, other)}) to use it as a double${suffix ? '' : ` (${text(source, whole)})`}${untyped}`;
    }
    return `${head}: convert one side with int(…) or uint(…)${suffix ? '' : ` (${text(source, whole)})`}`;
  }
  const verb = ARITHMETIC[op];
  if (verb) {
    const head = `cannot ${verb} ${describeType(lt, model)} and ${describeType(rt, model)} ${all}`;
    if (op === '+' && (lt === 'string') !== (rt === 'string')) {
      return `${head}: to join text write string(${text(source, lt === 'string' ? right : left)})`;
    }
    return head;
  }
  if (COMPARISON.has(op)) return `cannot compare ${describeType(lt, model)} with ${describeType(rt, model)} ${all}`;
  if (op === 'in') {
    const head = `cannot look for ${describeType(lt, model)} in ${describeType(rt, model)} ${all}`;
    if (rt === 'string') return `${head}: for text write ${text(source, right)}.contains(${text(source, left)})`;
    if (!rt.startsWith('list') && !rt.startsWith('map')) return `${head}: "in" needs a list or a map on its right`;
    return head;
  }
  return `"${op}" cannot take ${describeType(lt, model)} and ${describeType(rt, model)} ${all}`;
}

/** Types named in cel-js's "no such overload: A op B" for runtime errors, where the AST says dyn. */
function overloadTypes(summary: string, op: string): [string, string] | undefined {
  const body = summary.replace(/^no such overload:\s*/, '');
  const i = body.indexOf(` ${op} `);
  if (i < 0) return undefined;
  return [normaliseType(body.slice(0, i)), normaliseType(body.slice(i + op.length + 2))];
}

let functionNames: Set<string> | undefined;
function knownFunctions(): Set<string> {
  functionNames ??= new Set(new Environment().getDefinitions().functions.map((f) => f.name));
  return functionNames;
}

function functionMessage(source: string, node: CelNode, model: SchemaModel | undefined, summary: string, suffix = ''): string {
  const args = Array.isArray(node.args) ? node.args : [];
  const name = String(args[0]);
  const receiver = node.op === 'rcall' && isNode(args[1]) ? args[1] : undefined;
  const fnArgs = ((node.op === 'rcall' ? args[2] : args[1]) ?? []) as CelNode[];
  if (!knownFunctions().has(name)) {
    const guess = didYouMean(name, [...knownFunctions()]);
    return `unknown function "${name}"${guess ? `, did you mean "${guess}"?` : ''}${receiver ? ` (${text(source, node)})` : ''}`;
  }
  // Runtime summaries carry the actual types, e.g. "found no matching overload for 'null.startsWith(string)'".
  const m = /for '(?:(.+?)\.)?\w+\((.*)\)'$/.exec(summary);
  const argTypes = m?.[2] !== undefined && suffix ? splitTypeArgs(m[2]).map(normaliseType) : fnArgs.map((a) => typeOf(a));
  if (receiver) {
    const recvType = suffix && m?.[1] ? normaliseType(m[1]) : typeOf(receiver);
    if (recvType === 'null') return `${text(source, receiver)} is null${suffix}, so ${name}() cannot be used (${text(source, node)})`;
    return `cannot call ${name}(${argTypes.join(', ')}) on ${describeType(recvType, model)} (${text(source, node)})${suffix}`;
  }
  const nullArg = argTypes.indexOf('null');
  if (suffix && nullArg >= 0 && fnArgs[nullArg]) return `${text(source, fnArgs[nullArg])} is null${suffix}, so ${name}() cannot be used (${text(source, node)})`;
  return `cannot call ${name}(${argTypes.join(', ')}) (${text(source, node)})${suffix}`;
}

function accessKey(node: CelNode): string | undefined {
  const args = node.args as [CelNode, unknown];
  if (node.op === '.' || node.op === '.?') return String(args[1]);
  const key = args[1];
  return isNode(key) && key.op === 'value' && typeof key.args === 'string' ? key.args : undefined;
}

const MACRO_LABEL = /^(\w+)\(var, (?:filter, transform|transform|predicate)\)/;

/**
 * A type-check or parse error as a located problem. `refs` are the free identifiers of the
 * expression, used to spot a field that is hidden behind a CEL built-in name.
 */
export function compileProblem(err: unknown, source: string, model: SchemaModel, refs: readonly string[] = []): Problem {
  const e = (err ?? {}) as CelErrorLike;
  const loc = locate(source, e.node);
  if (e.name === 'ParseError') return { message: syntaxMessage(e, source, loc), code: 'syntax', ...loc };
  const node = isNode(e.node) ? e.node : undefined;
  const summary = e.summary ?? e.message ?? String(err);
  const args = (node && Array.isArray(node.args) ? node.args : []) as CelNode[];
  let message: string;
  let code: ProblemCode = 'type';
  switch (e.code) {
    case 'unknown_variable': {
      const name = String(node?.args ?? summary.replace(/^Unknown variable:\s*/, ''));
      const candidates = [...model.variables.keys()];
      const guess = didYouMean(name, candidates);
      const known = model.fields.length ? ` (fields here: ${fieldList(model)})` : '';
      message = `unknown field "${name}"${guess ? `, did you mean "${guess}"?` : ''}${known}`;
      code = 'unknown-field';
      break;
    }
    case 'no_such_key': {
      const left = args[0];
      const key = node ? accessKey(node) : undefined;
      const rec = model.recordOf(left?.checkedType?.name);
      const names = rec ? rec.fields.map((f) => f.name) : [];
      const guess = key !== undefined ? didYouMean(key, names) : undefined;
      message =
        `field "${key ?? '?'}" does not exist on ${text(source, left) || 'this value'}` +
        (guess ? `, did you mean "${guess}"?` : '') +
        (rec ? ` (it has: ${listText(names)})` : '');
      code = 'no-such-field';
      break;
    }
    case 'cannot_index_type': {
      const left = args[0];
      const key = node ? accessKey(node) : undefined;
      message =
        key !== undefined
          ? `${text(source, left)} is ${describeType(typeOf(left), model)}, so it has no field "${key}"`
          : `${text(source, left)} is ${describeType(typeOf(left), model)} and cannot be indexed (${text(source, node)})`;
      break;
    }
    case 'invalid_index_type': {
      const left = args[0];
      const lt = typeOf(left);
      message = lt.startsWith('list')
        ? `a list is indexed by an int, but ${text(source, args[1])} is ${describeType(typeOf(args[1]), model)} (${text(source, node)})`
        : `the fields of ${text(source, left)} are named by strings, not by ${describeType(typeOf(args[1]), model)} (${text(source, node)})`;
      break;
    }
    case 'no_such_overload': {
      if (node && (node.op === '!_' || node.op === '-_')) {
        const operand = node.args as CelNode;
        message =
          node.op === '!_'
            ? `"!" needs a bool, but ${text(source, operand)} is ${describeType(typeOf(operand), model)}`
            : `"-" needs a number, but ${text(source, operand)} is ${describeType(typeOf(operand), model)}`;
      } else if (node) {
        const types = args.length === 2 ? ([typeOf(args[0]), typeOf(args[1])] as [string, string]) : overloadTypes(summary, node.op);
        message = types ? binaryMessage(source, node, types[0], types[1], model) : plain(summary);
      } else message = plain(summary);
      break;
    }
    case 'no_matching_overload':
      message = node ? functionMessage(source, node, model, summary) : plain(summary);
      break;
    case 'invalid_logical_operand': {
      const bad = args.find((a) => !['bool', 'dyn'].includes(typeOf(a)));
      message = bad
        ? `${node?.op ?? '&&'} needs true or false on both sides, but ${text(source, bad)} is ${describeType(typeOf(bad), model)}`
        : `${node?.op ?? '&&'} needs true or false on both sides`;
      break;
    }
    case 'invalid_condition_type': {
      const macro = MACRO_LABEL.exec(summary)?.[1];
      const where = macro ? `the condition in ${macro}(…)` : 'the condition before "?"';
      message = `${where} must give true or false, but ${text(source, node)} is ${describeType(typeOf(node), model)}`;
      break;
    }
    case 'incompatible_ternary_branches':
      message = `both branches of "? :" must give the same type, but one gives ${typeOf(args[1])} and the other ${typeOf(args[2])}`;
      break;
    case 'invalid_comprehension_range': {
      message = `${text(source, node)} is ${describeType(typeOf(node), model)}; list macros such as exists() need a list or a map`;
      break;
    }
    case 'invalid_macro_argument':
      message = /^has\(\)/.test(summary)
        ? 'has() needs a field selection, e.g. has(customer.email)'
        : `${summary.replace(/\(var.*$/, '')}(…) needs a simple name first, e.g. items.exists(i, i.qty > 2)`;
      break;
    default:
      message = plain(summary);
  }
  const hidden = hiddenFieldHint(model, refs);
  return { message: hidden ? `${message} (${hidden})` : message, code, ...loc };
}

function hiddenFieldHint(model: SchemaModel, refs: readonly string[]): string | undefined {
  if (!model.recordIsWhole) return undefined;
  const f = model.fields.find((x) => !x.variable && isCelIdentifier(x.name) && refs.includes(x.name));
  return f ? `"${f.name}" is a CEL built-in name; for the field write record.${f.name}` : undefined;
}

/** What the runtime needs to explain a failed evaluation in terms of the record. */
export interface RuntimeContext {
  source: string;
  model: SchemaModel;
  /** Referenced variables with their schema types, in order of appearance. */
  typedRefs: ReadonlyArray<{ name: string; node: TypeNode; whole: boolean; tagged: boolean }>;
}

/** A failed evaluation as a located problem, explained against the record where possible. */
export function runtimeProblem(err: unknown, record: unknown, ctx: RuntimeContext): Problem {
  const { source, model } = ctx;
  if (typeof record !== 'object' || record === null) {
    return { message: `the record is not an object but ${describeValue(record)}`, code: 'data-type', offset: 0, length: Math.max(1, source.length) };
  }
  if (err instanceof NotAnInteger) {
    const m = mismatch(record, ctx);
    const where = m ? `field "${m.path}"` : 'an int field';
    return { message: `${where} should be an int (a whole number), but this record has ${err.value}`, code: 'data-type', offset: 0, length: Math.max(1, source.length) };
  }
  if (err instanceof UnsafeInteger) {
    return {
      message: `the result ${err.value} is too large to be an exact number (the limit is ±${Number.MAX_SAFE_INTEGER})`,
      code: 'runtime',
      offset: 0,
      length: Math.max(1, source.length),
    };
  }
  const e = (err ?? {}) as CelErrorLike;
  const loc = locate(source, e.node);
  const node = isNode(e.node) ? e.node : undefined;
  const summary = e.summary ?? e.message ?? String(err);
  const args = (node && Array.isArray(node.args) ? node.args : []) as CelNode[];
  switch (e.code) {
    case 'unknown_variable':
      return { message: `field "${String(node?.args ?? '?')}" is missing from this record`, code: 'missing-field', ...loc };
    case 'no_such_key': {
      if (!node) break;
      const key = accessKey(node);
      const left = args[0];
      const leftText = text(source, left);
      const found = left ? lookup(left, record, model) : NOT_FOUND;
      if (found !== NOT_FOUND && found === null) return { message: `${leftText} is null in this record, so it has no field "${key}"`, code: 'data-type', ...loc };
      if (found !== NOT_FOUND && (typeof found !== 'object' || Array.isArray(found))) {
        return { message: `${leftText} is ${describeValue(found)} in this record, not a record, so it has no field "${key}"`, code: 'data-type', ...loc };
      }
      const path = key !== undefined && /^[A-Za-z_]\w*$/.test(key) ? `${leftText}.${key}` : `${leftText}[${JSON.stringify(key)}]`;
      return { message: `field "${path}" is missing from this record`, code: 'missing-field', ...loc };
    }
    case 'index_out_of_bounds': {
      const m = /index (-?\d+)(?:.*size (\d+))?/.exec(summary);
      const detail = m ? `there is no item ${m[1]}${m[2] !== undefined ? ` (the list has ${m[2]})` : ''}` : 'the index is outside the list';
      return { message: `${text(source, node)}: ${detail} in this record`, code: 'runtime', ...loc };
    }
    case 'division_by_zero':
      return { message: `division by zero in ${text(source, node)} for this record`, code: 'runtime', ...loc };
    case 'modulus_by_zero':
      return { message: `remainder of a division by zero in ${text(source, node)} for this record`, code: 'runtime', ...loc };
    case 'numeric_overflow':
      return { message: `${text(source, node)} is outside the int range for this record`, code: 'runtime', ...loc };
    case 'invalid_context':
      return { message: `the record is not an object but ${describeValue(record)}`, code: 'data-type', ...loc };
  }
  // Remaining failures come from values of the wrong type: blame the data when it breaks the schema.
  const m = mismatch(record, ctx);
  if (m) {
    return { message: mismatchMessage(m), code: 'data-type', ...loc };
  }
  const suffix = ' in this record';
  let message: string;
  switch (e.code) {
    case 'no_such_overload': {
      if (node && (node.op === '!_' || node.op === '-_')) {
        const t = normaliseType(summary.replace(/^no such overload:\s*[-!]/, ''));
        message = `"${node.op[0]}" cannot be used on ${describeType(t, model)} (${text(source, node)})${suffix}`;
        break;
      }
      const types = node ? overloadTypes(summary, node.op) : undefined;
      if (node && types) {
        const nullSide = types[0] === 'null' ? args[0] : types[1] === 'null' ? args[1] : undefined;
        message = nullSide
          ? `${text(source, nullSide)} is null${suffix} (${text(source, node)})`
          : binaryMessage(source, node, types[0], types[1], model, suffix);
      } else message = `${plain(summary)}${suffix}`;
      break;
    }
    case 'no_matching_overload':
      message = node ? functionMessage(source, node, model, summary, suffix) : `${plain(summary)}${suffix}`;
      break;
    case 'invalid_logical_operand':
    case 'invalid_condition_type': {
      const got = /got '([^']+)'/.exec(summary)?.[1];
      message = `${text(source, node) || 'a condition'} must give true or false, but gives ${describeType(got ?? 'dyn', model)}${suffix}`;
      break;
    }
    default:
      message = `${lowerFirst(plain(summary))}${suffix}`;
  }
  return { message, code: 'runtime', ...loc };
}

function mismatch(record: object, ctx: RuntimeContext): Mismatch | undefined {
  for (const ref of ctx.typedRefs) {
    const value = ref.whole ? record : (record as Record<string, unknown>)[ref.name];
    const m = findMismatch(ref.node, value, ref.whole ? '' : joinPath('', ref.name), ref.tagged);
    if (m) return m;
  }
  return undefined;
}

function mismatchMessage(m: Mismatch): string {
  // The text of a field that breaks its schema helps to find the bad producer, unless tagged.
  return `field "${m.path}" should be ${m.expected}, but this record has ${describeValue(m.actual, !m.tagged)}`;
}

const NOT_FOUND = Symbol('not found');

/** The value of a plain field path (`a.b["c"]`) in the raw record, or NOT_FOUND. */
function lookup(node: CelNode, record: object, model: SchemaModel): unknown {
  if (node.op === 'id') {
    const name = String(node.args);
    if (name === 'record' && model.recordIsWhole && !(model.typed === false && Object.hasOwn(record, 'record'))) return record;
    return Object.hasOwn(record, name) ? (record as Record<string, unknown>)[name] : NOT_FOUND;
  }
  if (node.op === '.' || node.op === '[]') {
    const key = accessKey(node);
    if (key === undefined) return NOT_FOUND;
    const parent = lookup((node.args as CelNode[])[0]!, record, model);
    if (parent === NOT_FOUND || typeof parent !== 'object' || parent === null) return NOT_FOUND;
    return Object.hasOwn(parent, key) ? (parent as Record<string, unknown>)[key] : NOT_FOUND;
  }
  return NOT_FOUND;
}

/**
 * An evaluation that gave a value of the wrong type: the data broke the schema (named when we can
 * find where), or, with no schema, the record's fields were not what the expression assumed.
 */
export function resultProblem(value: unknown, record: unknown, ctx: RuntimeContext, expected: 'condition' | string): Problem {
  const span = { offset: 0, length: Math.max(1, ctx.source.length) };
  if (typeof record !== 'object' || record === null) {
    return { message: `the record is not an object but ${describeValue(record)}`, code: 'data-type', ...span };
  }
  const m = mismatch(record, ctx);
  if (m) return { message: mismatchMessage(m), code: 'data-type', ...span };
  const message =
    expected === 'condition'
      ? `a condition must give true or false, but for this record it gives ${describeValue(value)}`
      : `the expression should give ${describeType(expected, ctx.model)}, but for this record it gives ${describeValue(value)}`;
  return { message, code: 'runtime', ...span };
}
