import type { CelNode } from '../../../shared/expr/messages';
import { isCelIdentifier, untypedEnvironment, type AvailableField } from '../../../shared/expr/schema-types';

/**
 * The condition builder's model: rows of field / operator / value joined by "all of" (`&&`) or
 * "any of" (`||`), written as plain CEL and read back from it. Only CEL of the shapes written here
 * reads back; anything else is left to the expression editor.
 */

export type ScalarType = 'string' | 'int' | 'double' | 'bool';
export type ConditionOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'contains' | 'startsWith' | 'endsWith' | 'in' | 'set';
export type ConditionMode = 'all' | 'any';

export interface ConditionRow {
  /** The field as CEL reads it: `total`, `customer.country`, `record["first-name"]`. */
  field: string;
  /** The field's type; decides how the value is written (`1000` on a double field is `1000.0`). */
  type: ScalarType;
  op: ConditionOp;
  /**
   * The value as the analyst typed it: the text itself for text fields (no quotes), digits for
   * numbers, `true`/`false`; for "is one of" a comma-separated list (quote an entry that holds a
   * comma: `"a, b", c`); ignored for "is set".
   */
  value: string;
}

export interface Condition {
  mode: ConditionMode;
  rows: ConditionRow[];
}

/** Operators in the order the builder lists them, with the words it shows. */
export const OPERATORS: ReadonlyArray<{ op: ConditionOp; label: string }> = [
  { op: 'eq', label: 'is' },
  { op: 'ne', label: 'is not' },
  { op: 'gt', label: '>' },
  { op: 'ge', label: '>=' },
  { op: 'lt', label: '<' },
  { op: 'le', label: '<=' },
  { op: 'contains', label: 'contains' },
  { op: 'startsWith', label: 'starts with' },
  { op: 'endsWith', label: 'ends with' },
  { op: 'in', label: 'is one of' },
  { op: 'set', label: 'is set' },
];

const COMPARE: Partial<Record<ConditionOp, string>> = { eq: '==', ne: '!=', gt: '>', ge: '>=', lt: '<', le: '<=' };
const TEXT_METHODS: ReadonlySet<ConditionOp> = new Set(['contains', 'startsWith', 'endsWith']);

/** Operators that make sense for a field type: text has them all, numbers no text matching, yes/no only equality. */
export function operatorsFor(type: ScalarType): ConditionOp[] {
  switch (type) {
    case 'string':
      return OPERATORS.map((o) => o.op);
    case 'int':
    case 'double':
      return ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'set'];
    case 'bool':
      return ['eq', 'ne', 'set'];
  }
}

/** The scalar type of a CEL type name, or undefined for records, lists, maps and unknowns. */
export function scalarType(celType: string): ScalarType | undefined {
  switch (celType) {
    case 'string':
    case 'int':
    case 'double':
    case 'bool':
      return celType;
    case 'uint':
      return 'int';
    default:
      return undefined;
  }
}

/** Fields the builder offers: those with a CEL reading (not inside lists) and a scalar type. */
export function scalarFields(fields: readonly AvailableField[]): Array<AvailableField & { expr: string; scalar: ScalarType }> {
  const out: Array<AvailableField & { expr: string; scalar: ScalarType }> = [];
  for (const f of fields) {
    const scalar = scalarType(f.type);
    if (f.expr !== undefined && scalar) out.push({ ...f, expr: f.expr, scalar });
  }
  return out;
}

const INT = /^-?\d+$/;
const DOUBLE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\["(?:[^"\\]|\\.)*"\])*$/;

/**
 * What keeps a row from being written, in words for the analyst; undefined when it is complete.
 * Incomplete rows are not written, so the expression keeps its last complete form meanwhile.
 */
export function rowProblem(row: ConditionRow): string | undefined {
  if (!row.field.trim()) return 'Choose a field.';
  if (!FIELD.test(row.field.trim())) return 'A field name is letters, digits and "_", with "." between levels.';
  if (!operatorsFor(row.type).includes(row.op)) return 'This comparison does not fit the field.';
  if (row.op === 'set') return undefined;
  if (row.op === 'in') {
    const items = listItems(row.value);
    if (items === undefined) return 'Close the quotes of the list.';
    if (items.length === 0) return 'Enter one or more values, separated by commas.';
    for (const item of items) {
      const p = valueProblem(row.type, item, true);
      if (p) return p;
    }
    return undefined;
  }
  return valueProblem(row.type, row.value, false);
}

function valueProblem(type: ScalarType, value: string, inList: boolean): string | undefined {
  const v = value.trim();
  switch (type) {
    case 'string':
      return value === '' && !inList ? 'Enter a value.' : undefined;
    case 'int':
      if (!v) return 'Enter a value.';
      return INT.test(v) ? undefined : `"${v}" is not a whole number.`;
    case 'double':
      if (!v) return 'Enter a value.';
      return DOUBLE.test(v) ? undefined : `"${v}" is not a number.`;
    case 'bool':
      return v === 'true' || v === 'false' ? undefined : 'Choose true or false.';
  }
}

/** The CEL of complete rows (see `rowProblem`), joined by `&&` (all of) or `||` (any of). */
export function writeCondition(rows: readonly ConditionRow[], mode: ConditionMode): string {
  return rows.map(writeRow).join(mode === 'all' ? ' && ' : ' || ');
}

function writeRow(row: ConditionRow): string {
  const field = row.field.trim();
  switch (row.op) {
    case 'set':
      return `${field} != null`;
    case 'in':
      return `${field} in [${(listItems(row.value) ?? []).map((v) => literal(row.type, v)).join(', ')}]`;
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return `${field}.${row.op}(${literal('string', row.value)})`;
    default:
      return `${field} ${COMPARE[row.op]} ${literal(row.type, row.value)}`;
  }
}

/** A CEL literal of `type` for the typed text: strings quoted and escaped, doubles always with a decimal point. */
export function literal(type: ScalarType, text: string): string {
  const v = text.trim();
  switch (type) {
    case 'string':
      // JSON's escapes (\" \\ \n \u0001…) are all CEL escapes too.
      return JSON.stringify(text);
    case 'bool':
      return v;
    case 'int': {
      const negative = v.startsWith('-');
      const digits = BigInt(negative ? v.slice(1) : v).toString();
      return negative && digits !== '0' ? `-${digits}` : digits;
    }
    case 'double': {
      const negative = v.startsWith('-');
      let body = negative ? v.slice(1) : v;
      // CEL reads `1000` as a whole number, which a double field will not compare with in every
      // position; `1000.0` is a double everywhere.
      if (body.startsWith('.')) body = `0${body}`;
      const [mantissa = '', exponent] = body.split(/(?=[eE])/);
      let m = mantissa;
      if (m.endsWith('.')) m = `${m}0`;
      if (!m.includes('.') && exponent === undefined) m = `${m}.0`;
      return `${negative ? '-' : ''}${m}${exponent ?? ''}`;
    }
  }
}

/**
 * Splits "is one of" text at commas; an entry in double quotes may hold commas and escaped
 * quotes (`"a, b", c`). Undefined when a quote is left open.
 */
export function listItems(text: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    if (text[i] === '"') {
      let j = i + 1;
      let item = '';
      for (; j < n && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < n) j++;
        item += text[j];
      }
      if (j >= n) return undefined;
      out.push(item);
      i = j + 1;
      while (i < n && text[i] !== ',') i++;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      const item = text.slice(i, end).trim();
      if (item) out.push(item);
      i = end;
    }
    i++;
  }
  return out;
}

/** The list text for entries, quoting those a plain comma split would break. */
export function listText(items: readonly string[]): string {
  return items.map((v) => (/[,"\\]/.test(v) || v !== v.trim() || v === '' ? `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"` : v)).join(', ');
}

// ---- reading CEL back -------------------------------------------------------------------------

const COMPARE_OPS: Record<string, ConditionOp> = { '==': 'eq', '!=': 'ne', '>': 'gt', '>=': 'ge', '<': 'lt', '<=': 'le' };

interface Lit {
  type: ScalarType | 'null';
  text: string;
}

/**
 * Rows and mode for CEL the builder can show, else undefined: a comparison, a text match, an "is
 * one of" or an "is set" per row, all joined by `&&` or all by `||`. Empty text is no rows.
 * Literal types come from the text (`1000.0` double, `1000` int); the builder corrects them from
 * the field's type when it knows the field.
 */
export function parseCondition(cel: string): Condition | undefined {
  if (!cel.trim()) return { mode: 'all', rows: [] };
  let ast: CelNode;
  try {
    ast = untypedEnvironment().parse(cel).ast as unknown as CelNode;
  } catch {
    return undefined;
  }
  let mode: ConditionMode = 'all';
  let parts: CelNode[] = [ast];
  if (ast.op === '&&' || ast.op === '||') {
    mode = ast.op === '&&' ? 'all' : 'any';
    parts = flatten(ast, ast.op);
  }
  const rows: ConditionRow[] = [];
  for (const part of parts) {
    const row = readRow(part, cel);
    if (!row) return undefined;
    rows.push(row);
  }
  return { mode, rows };
}

function flatten(node: CelNode, op: string): CelNode[] {
  if (node.op !== op) return [node];
  const [a, b] = node.args as [CelNode, CelNode];
  return [...flatten(a, op), ...flatten(b, op)];
}

function readRow(node: CelNode, source: string): ConditionRow | undefined {
  const compare = COMPARE_OPS[node.op];
  if (compare) {
    const [left, right] = node.args as [CelNode, CelNode];
    const field = fieldText(left);
    const lit = literalOf(right, source);
    if (field === undefined || !lit) return undefined;
    if (lit.type === 'null') return compare === 'ne' ? { field, type: 'string', op: 'set', value: '' } : undefined;
    return { field, type: lit.type, op: compare, value: lit.text };
  }
  if (node.op === 'in') {
    const [left, right] = node.args as [CelNode, CelNode];
    const field = fieldText(left);
    if (field === undefined || right.op !== 'list') return undefined;
    const lits = (right.args as CelNode[]).map((n) => literalOf(n, source));
    if (lits.length === 0 || lits.some((l) => !l || l.type === 'null')) return undefined;
    const types = new Set(lits.map((l) => l!.type));
    let type: ScalarType;
    if (types.size === 1) type = [...types][0] as ScalarType;
    else if ([...types].every((t) => t === 'int' || t === 'double')) type = 'double';
    else return undefined;
    const texts = lits.map((l) => l!.text);
    return { field, type, op: 'in', value: type === 'string' ? listText(texts) : texts.join(', ') };
  }
  if (node.op === 'rcall') {
    const [name, receiver, args] = node.args as [string, CelNode, CelNode[]];
    if (!TEXT_METHODS.has(name as ConditionOp) || args.length !== 1) return undefined;
    const field = fieldText(receiver);
    const lit = literalOf(args[0]!, source);
    if (field === undefined || lit?.type !== 'string') return undefined;
    return { field, type: 'string', op: name as ConditionOp, value: lit.text };
  }
  return undefined;
}

/** `a`, `a.b`, `record["first-name"]` in the builder's own spelling; undefined for anything else. */
function fieldText(node: CelNode): string | undefined {
  if (node.op === 'id') return typeof node.args === 'string' ? node.args : undefined;
  if (node.op === '.') {
    const [target, key] = node.args as [CelNode, string];
    const base = fieldText(target);
    return base === undefined || !isCelIdentifier(key) ? undefined : `${base}.${key}`;
  }
  if (node.op === '[]') {
    const [target, key] = node.args as [CelNode, CelNode];
    const base = fieldText(target);
    return base === undefined || key.op !== 'value' || typeof key.args !== 'string' ? undefined : `${base}[${JSON.stringify(key.args)}]`;
  }
  return undefined;
}

/** A literal's type and the text the builder shows for it; numbers keep their written digits. */
function literalOf(node: CelNode, source: string): Lit | undefined {
  if (node.op === '-_') {
    const inner = literalOf(node.args as CelNode, source);
    return inner && (inner.type === 'int' || inner.type === 'double') && !inner.text.startsWith('-') ? { type: inner.type, text: `-${inner.text}` } : undefined;
  }
  if (node.op !== 'value') return undefined;
  const v = node.args;
  if (v === null) return { type: 'null', text: '' };
  if (typeof v === 'string') return { type: 'string', text: v };
  if (typeof v === 'boolean') return { type: 'bool', text: String(v) };
  if (typeof v === 'bigint') return { type: 'int', text: v.toString() };
  if (typeof v === 'number') {
    const written = source.slice(node.start, node.end).trim();
    return { type: 'double', text: DOUBLE.test(written) ? written : String(v) };
  }
  // uint and bytes literals are not something the builder writes.
  return undefined;
}
