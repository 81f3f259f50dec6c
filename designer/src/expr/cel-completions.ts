import type { AvailableField } from '../../../shared/expr/schema-types';

/**
 * What the expression editor suggests while an analyst types: the fields of the records arriving
 * at the node, after a `.` the fields inside that record (or the methods of a text or a list),
 * and CEL's macros and functions. Pure, so the rules are tested without Monaco; the Monaco
 * provider only turns these into its own completion items.
 */

export type CelCompletionKind = 'field' | 'macro' | 'function' | 'keyword';

export interface CelCompletion {
  /** What the list shows and filters on. */
  label: string;
  kind: CelCompletionKind;
  /** Text inserted; Monaco snippet syntax (`${1:x}`) when `snippet` is true. */
  insertText: string;
  snippet?: boolean;
  /** Shown next to the label: the CEL type of a field, or a function's signature. */
  detail?: string;
  documentation?: string;
  tags?: readonly string[];
  /** How many characters before the cursor the insertion replaces (the word typed so far, sometimes the dot too). */
  replace: number;
  /** Orders the list: lower first. */
  sortText: string;
}

interface Callable {
  name: string;
  insert: string;
  detail: string;
  doc: string;
}

/** Functions called on their own: `has(customer.email)`, `size(items)`. */
const GLOBAL_CALLS: readonly (Callable & { kind: CelCompletionKind })[] = [
  { kind: 'macro', name: 'has', insert: 'has(${1:customer.email})', detail: 'has(field) → bool', doc: 'True when the record has the field set, e.g. `has(customer.email)`.' },
  { kind: 'function', name: 'size', insert: 'size(${1:value})', detail: 'size(text | list | map) → int', doc: 'Number of characters of a text, or of entries of a list or map.' },
  { kind: 'function', name: 'int', insert: 'int(${1:value})', detail: 'int(value) → int', doc: 'Converts a number or a text to a whole number, e.g. `int("42")`.' },
  { kind: 'function', name: 'double', insert: 'double(${1:value})', detail: 'double(value) → double', doc: 'Converts a whole number or a text to a number with decimals.' },
  { kind: 'function', name: 'string', insert: 'string(${1:value})', detail: 'string(value) → string', doc: 'Converts a value to text.' },
  { kind: 'function', name: 'timestamp', insert: 'timestamp(${1:"2024-01-01T00:00:00Z"})', detail: 'timestamp(text) → timestamp', doc: 'A point in time from an RFC 3339 text.' },
  { kind: 'function', name: 'duration', insert: 'duration(${1:"1h"})', detail: 'duration(text) → duration', doc: 'A length of time, e.g. `duration("90m")`.' },
  { kind: 'function', name: 'matches', insert: 'matches(${1:text}, ${2:"^[A-Z]+$"})', detail: 'matches(text, regex) → bool', doc: 'True when the text matches the regular expression.' },
];

const LIST_MACROS: readonly Callable[] = [
  { name: 'all', insert: 'all(${1:x}, ${2:condition})', detail: 'list.all(x, condition) → bool', doc: 'True when the condition holds for every entry, e.g. `items.all(i, i.qty > 0)`.' },
  { name: 'exists', insert: 'exists(${1:x}, ${2:condition})', detail: 'list.exists(x, condition) → bool', doc: 'True when the condition holds for at least one entry, e.g. `items.exists(i, i.qty > 2)`.' },
  { name: 'exists_one', insert: 'exists_one(${1:x}, ${2:condition})', detail: 'list.exists_one(x, condition) → bool', doc: 'True when the condition holds for exactly one entry.' },
  { name: 'map', insert: 'map(${1:x}, ${2:expression})', detail: 'list.map(x, expression) → list', doc: 'A new list with the expression applied to every entry, e.g. `items.map(i, i.sku)`.' },
  { name: 'filter', insert: 'filter(${1:x}, ${2:condition})', detail: 'list.filter(x, condition) → list', doc: 'The entries for which the condition holds.' },
];

const SIZE_METHOD: Callable = { name: 'size', insert: 'size()', detail: 'size() → int', doc: 'Number of characters of a text, or of entries of a list or map.' };

const STRING_METHODS: readonly Callable[] = [
  { name: 'contains', insert: 'contains(${1:"text"})', detail: 'text.contains(text) → bool', doc: 'True when the text contains the other text.' },
  { name: 'startsWith', insert: 'startsWith(${1:"text"})', detail: 'text.startsWith(text) → bool', doc: 'True when the text starts with the other text.' },
  { name: 'endsWith', insert: 'endsWith(${1:"text"})', detail: 'text.endsWith(text) → bool', doc: 'True when the text ends with the other text.' },
  { name: 'matches', insert: 'matches(${1:"^[A-Z]+$"})', detail: 'text.matches(regex) → bool', doc: 'True when the text matches the regular expression.' },
  SIZE_METHOD,
];

const KEYWORDS = ['true', 'false', 'null', 'in'];

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
/** A field reference as completions insert it: `customer.email`, `record["first-name"]`. */
const ACCESS_PATH = new RegExp(`(${IDENT}(?:\\.${IDENT}|\\["(?:[^"\\\\]|\\\\.)*"\\])*)\\s*\\.\\s*(${IDENT})?$`);
const WORD = new RegExp(`${IDENT}$`);

/**
 * Completions for the text before the cursor. `fields` are those available at the node
 * (`fieldsAt`); their `expr` is what gets inserted, so fields CEL cannot name bare come out as
 * `record["first-name"]`.
 */
export function celCompletions(fields: readonly AvailableField[], textBeforeCursor: string): CelCompletion[] {
  if (insideString(textBeforeCursor)) return [];
  const member = ACCESS_PATH.exec(textBeforeCursor);
  if (member) {
    // A number such as `1.5` is not a selection.
    const before = textBeforeCursor.slice(0, member.index);
    if (!/[0-9]$/.test(before)) return memberCompletions(fields, textBeforeCursor, member[1]!, member[2] ?? '');
  }
  const word = WORD.exec(textBeforeCursor)?.[0] ?? '';
  return topLevelCompletions(fields, word.length);
}

function topLevelCompletions(fields: readonly AvailableField[], replace: number): CelCompletion[] {
  const out: CelCompletion[] = [];
  for (const f of fields) {
    if (f.expr === undefined) continue;
    const nested = f.path.includes('.') || f.path.includes('[');
    out.push(fieldItem(f, f.expr, f.expr, replace, nested ? '1' : '0'));
  }
  for (const c of GLOBAL_CALLS) out.push(callItem(c, c.kind, replace, '2'));
  for (const k of KEYWORDS) out.push({ label: k, kind: 'keyword', insertText: k, replace, sortText: `3${k}` });
  return out;
}

function memberCompletions(fields: readonly AvailableField[], text: string, parentExpr: string, partial: string): CelCompletion[] {
  const replace = partial.length;
  const parentPath = pathOf(fields, text, parentExpr);
  const children = parentPath === undefined ? [] : childrenOf(fields, parentPath);
  const out: CelCompletion[] = [];
  for (const f of children) {
    const name = parentPath === '' ? f.path : f.path.slice(parentPath!.length + 1);
    if (isIdentifier(name)) out.push(fieldItem(f, name, name, replace, '0'));
    // `record["first-name"]` cannot follow a dot: the insertion takes the dot back.
    else out.push(fieldItem(f, name, `[${JSON.stringify(name)}]`, replace + dotLength(text, partial), '0'));
  }
  const parent = parentPath === undefined ? undefined : fields.find((f) => f.path === parentPath);
  // A list item path such as `items[*]` has no entry of its own: its children say it is a record.
  const kind: TypeKind = parent ? typeKind(parent.type) : children.length > 0 || parentPath === '' ? 'record' : 'unknown';
  if (kind === 'record') return out;
  if (kind === 'list' || kind === 'map' || kind === 'unknown') for (const m of LIST_MACROS) out.push(callItem(m, 'macro', replace, '1'));
  if (kind === 'string' || kind === 'unknown') for (const m of STRING_METHODS) if (m !== SIZE_METHOD) out.push(callItem(m, 'function', replace, '1'));
  if (kind !== 'scalar') out.push(callItem(SIZE_METHOD, 'function', replace, '2'));
  return out;
}

/** Characters from the end of `text` back to and including the dot before `partial`. */
function dotLength(text: string, partial: string): number {
  const head = text.slice(0, text.length - partial.length);
  return head.length - head.trimEnd().length + 1;
}

/**
 * The field path (`customer`, `items[*]`) an expression prefix names: a field's `expr`, or a
 * macro variable such as `i` in `items.exists(i, i.` followed by a selection.
 */
function pathOf(fields: readonly AvailableField[], text: string, expr: string): string | undefined {
  const direct = fields.find((f) => f.expr === expr);
  if (direct) return direct.path;
  // `record` is the whole record unless a field owns the name (then `direct` found it).
  if (expr === 'record') return '';
  const head = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expr)?.[0];
  if (!head) return undefined;
  const bound = boundVariable(fields, text, head);
  if (bound === undefined) return undefined;
  // The rest of the chain (`i.address.city`) walks down from the list's item path.
  let path = bound;
  for (const step of expr.slice(head.length).split('.').filter(Boolean)) {
    path = `${path}.${step}`;
    if (!fields.some((f) => f.path === path)) return undefined;
  }
  return path;
}

/** For `items.exists(i, …` earlier in the text, the item path `items[*]` bound to `i`. */
function boundVariable(fields: readonly AvailableField[], text: string, name: string): string | undefined {
  const binder = new RegExp(`(${IDENT}(?:\\.${IDENT}|\\["(?:[^"\\\\]|\\\\.)*"\\])*)\\s*\\.\\s*(?:all|exists|exists_one|map|filter)\\(\\s*${name}\\s*,`, 'g');
  let found: string | undefined;
  for (const m of text.matchAll(binder)) {
    const list = fields.find((f) => f.expr === m[1]);
    if (list && typeKind(list.type) === 'list') found = `${list.path}[*]`;
  }
  return found;
}

function childrenOf(fields: readonly AvailableField[], parentPath: string): AvailableField[] {
  const prefix = parentPath === '' ? '' : `${parentPath}.`;
  return fields.filter((f) => f.path.startsWith(prefix) && !/[.[]/.test(f.path.slice(prefix.length)));
}

type TypeKind = 'record' | 'list' | 'map' | 'string' | 'scalar' | 'unknown';

function typeKind(type: string | undefined): TypeKind {
  if (type === undefined || type === 'dyn') return 'unknown';
  if (type.startsWith('list<') || type === 'list') return 'list';
  if (type.startsWith('map<') || type === 'map') return 'map';
  if (type === 'string') return 'string';
  if (['bool', 'int', 'uint', 'double', 'bytes', 'null'].includes(type)) return type === 'bytes' ? 'string' : 'scalar';
  return 'record';
}

function fieldItem(f: AvailableField, label: string, insertText: string, replace: number, rank: string): CelCompletion {
  return {
    label,
    kind: 'field',
    insertText,
    detail: f.type,
    ...(f.doc !== undefined ? { documentation: f.doc } : {}),
    ...(f.tags?.length ? { tags: f.tags } : {}),
    replace,
    sortText: `${rank}${label}`,
  };
}

function callItem(c: Callable, kind: CelCompletionKind, replace: number, rank: string): CelCompletion {
  return { label: c.name, kind, insertText: c.insert, snippet: true, detail: c.detail, documentation: c.doc, replace, sortText: `${rank}${c.name}` };
}

function isIdentifier(name: string): boolean {
  return new RegExp(`^${IDENT}$`).test(name) && !KEYWORDS.includes(name);
}

/** True when the cursor sits inside a string literal, where completions would only get in the way. */
function insideString(text: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
    } else if (c === '"' || c === "'") {
      quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
    }
  }
  return quote !== undefined;
}
