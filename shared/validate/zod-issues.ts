import type { z } from 'zod';
import { knownKeysAt, type JsonSchema, type Segment } from './schema-walk';
import { didYouMean } from './suggest';

/** One field-level problem from a zod parse, already in plain language. */
export interface FieldProblem {
  segments: Segment[];
  code: 'missing-required-field' | 'unknown-field' | 'wrong-type' | 'invalid-value' | 'invalid-key';
  message: string;
}

type Issue = z.core.$ZodIssue;

/**
 * Rewrites zod issues for people: "required", "expected a number, got a string",
 * `unknown field "wehn" (did you mean "when"?)`. `input` is the value that was parsed (to say
 * what was found), `jsonSchema` its JSON Schema (to list the fields that do exist).
 */
export function describeIssues(issues: readonly Issue[], input: unknown, jsonSchema: JsonSchema): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of issues) describe(issue, [], input, jsonSchema, out);
  return out;
}

function describe(issue: Issue, base: Segment[], input: unknown, jsonSchema: JsonSchema, out: FieldProblem[]): void {
  const segments = [...base, ...issue.path.map(toSegment)];
  const value = valueAt(input, segments);
  const custom = isCustomMessage(issue.message) ? issue.message : undefined;
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined && isObject(valueAt(input, segments.slice(0, -1))) && segments.length > 0) {
        out.push({ segments, code: 'missing-required-field', message: 'required' });
      } else {
        out.push({ segments, code: 'wrong-type', message: custom ?? `expected ${expectedName(issue.expected)}, got ${gotName(value, issue.expected)}` });
      }
      return;
    }
    case 'unrecognized_keys': {
      const known = knownKeysAt(jsonSchema, input, segments);
      for (const key of issue.keys) {
        out.push({ segments: [...segments, key], code: 'unknown-field', message: `unknown field "${key}"${didYouMean(key, known.filter((k) => !isObject(value) || !(k in value)))}` });
      }
      return;
    }
    case 'invalid_value': {
      out.push({ segments, code: 'invalid-value', message: custom ?? oneOf(issue.values, value) });
      return;
    }
    case 'invalid_format': {
      out.push({ segments, code: 'invalid-value', message: custom ?? formatMessage(issue) });
      return;
    }
    case 'too_small':
    case 'too_big': {
      out.push({ segments, code: 'invalid-value', message: custom ?? sizeMessage(issue) });
      return;
    }
    case 'not_multiple_of': {
      out.push({ segments, code: 'invalid-value', message: custom ?? `must be a multiple of ${issue.divisor}` });
      return;
    }
    case 'invalid_key': {
      const inner = issue.issues.map((i) => (isCustomMessage(i.message) ? i.message : plainDefault(i.message))).join('; ');
      out.push({ segments, code: 'invalid-key', message: `invalid key "${String(segments[segments.length - 1])}": ${inner}` });
      return;
    }
    case 'invalid_element': {
      const inner = issue.issues.map((i) => (isCustomMessage(i.message) ? i.message : plainDefault(i.message))).join('; ');
      out.push({ segments, code: 'invalid-value', message: `invalid entry: ${inner}` });
      return;
    }
    case 'invalid_union': {
      describeUnion(issue, segments, value, input, jsonSchema, out);
      return;
    }
    default: {
      out.push({ segments, code: 'invalid-value', message: plainDefault(issue.message) });
    }
  }
}

function describeUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  segments: Segment[],
  value: unknown,
  input: unknown,
  jsonSchema: JsonSchema,
  out: FieldProblem[],
): void {
  if (issue.errors.length === 0) {
    const options = 'options' in issue && Array.isArray(issue.options) ? issue.options : undefined;
    if (value === undefined && segments.length > 0) out.push({ segments, code: 'missing-required-field', message: 'required' });
    else if (options) out.push({ segments, code: 'invalid-value', message: oneOf(options, value) });
    else out.push({ segments, code: 'invalid-value', message: 'matches more than one of the allowed shapes' });
    return;
  }
  // Every branch rejected the value's type outright: say which types would do.
  const typeOnly = issue.errors.every((b) => b.length === 1 && b[0]?.code === 'invalid_type' && b[0].path.length === 0);
  if (typeOnly) {
    const expected = [...new Set(issue.errors.map((b) => expectedName((b[0] as { expected: string }).expected)))];
    out.push({ segments, code: 'wrong-type', message: `expected ${joinOr(expected)}, got ${gotName(value, '')}` });
    return;
  }
  // Otherwise the branch that got furthest into the value is the one the author meant.
  const score = (b: Issue[]) => Math.max(...b.map((i) => i.path.length)) * 1000 - b.length;
  const best = [...issue.errors].sort((a, b) => score(b) - score(a))[0] ?? [];
  for (const inner of best) describe(inner, segments, input, jsonSchema, out);
}

function toSegment(k: PropertyKey): Segment {
  return typeof k === 'number' ? k : String(k);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function valueAt(input: unknown, segments: readonly Segment[]): unknown {
  let v = input;
  for (const s of segments) {
    if (Array.isArray(v) && typeof s === 'number') v = v[s];
    else if (isObject(v)) v = v[String(s)];
    else return undefined;
  }
  return v;
}

/** zod's own messages start like this; anything else was written by a node author for people. */
function isCustomMessage(message: string): boolean {
  return !/^(Invalid|Too (small|big)|Unrecognized key|Expected|Input not instance)/.test(message);
}

function plainDefault(message: string): string {
  return message.replace(/^Invalid (input|string|number|option): /, '').replace(/^Invalid input$/, 'not allowed here');
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'object':
    case 'record':
    case 'map':
      return 'an object';
    case 'array':
    case 'tuple':
    case 'set':
      return 'a list';
    case 'null':
      return 'null';
    default:
      return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
  }
}

function gotName(value: unknown, expected: string): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return expected === 'int' ? String(value) : 'a number';
  if (typeof value === 'string') return 'a string';
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function literal(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : String(v);
}

function oneOf(values: readonly unknown[], actual: unknown): string {
  const hint = typeof actual === 'string' ? didYouMean(actual, values.filter((v): v is string => typeof v === 'string')) : '';
  const got = actual === undefined ? '' : `, got ${literal(actual)}`;
  if (values.length === 1) return `must be ${literal(values[0])}${got}${hint}`;
  return `must be one of ${values.map(literal).join(', ')}${got}${hint}`;
}

function formatMessage(issue: Extract<Issue, { code: 'invalid_format' }>): string {
  const i = issue as typeof issue & { prefix?: string; suffix?: string; includes?: string };
  switch (issue.format) {
    case 'regex':
      return `must match the pattern ${issue.pattern ?? ''}`.trim();
    case 'starts_with':
      return `must start with "${i.prefix ?? ''}"`;
    case 'ends_with':
      return `must end with "${i.suffix ?? ''}"`;
    case 'includes':
      return `must contain "${i.includes ?? ''}"`;
    default:
      return `must be a valid ${issue.format}`;
  }
}

function sizeMessage(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const n = Number(small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      if (small && n === 1) return 'must not be empty';
      if (issue.exact) return `must be exactly ${n} characters long`;
      return `must be at ${small ? 'least' : 'most'} ${n} characters long`;
    case 'array':
    case 'set':
      if (small && n === 1) return 'must have at least one item';
      if (issue.exact) return `must have exactly ${n} items`;
      return `must have at ${small ? 'least' : 'most'} ${n} items`;
    default:
      if (inclusive) return `must be at ${small ? 'least' : 'most'} ${n}`;
      return `must be ${small ? 'greater' : 'less'} than ${n}`;
  }
}
