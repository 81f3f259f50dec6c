import { getPath, splitPath } from '../../../node-kit/paths';
import { parseFieldTemplate, type TemplatePart } from '../../lib/field-template';

/**
 * NATS subjects and names, checked the same way by the node lint and the connector, and subject
 * templates for nats.publish: `orders.{region}` with `{field.path}` placeholders filled from the
 * record. A placeholder value must be one plain token (letters, digits, `_`, `-`): it can never
 * add a `.` level or a wildcard, so a record cannot steer a message to a subject the template
 * does not allow.
 */

/** Dot-separated non-empty tokens without whitespace; `*` for one token and `>` (last) for the rest, when allowed. */
export function subjectProblem(subject: string, options: { wildcards: boolean }): string | undefined {
  if (subject.trim() === '') return 'give a subject, e.g. orders.created';
  if (/\s/.test(subject)) return `"${subject}" contains spaces; subjects are dot-separated tokens such as orders.created`;
  const tokens = subject.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (t === '') return `"${subject}" has an empty token (two dots in a row, or a dot at the start or end)`;
    const wildcard = t === '*' || t === '>';
    if (!wildcard && /[*>]/.test(t)) return `"${subject}": "*" and ">" are whole tokens (orders.*), not parts of one`;
    if (wildcard && !options.wildcards) return `"${subject}": messages are published to one subject, without "*" or ">"`;
    if (t === '>' && i !== tokens.length - 1) return `"${subject}": ">" may only be the last token`;
  }
  return undefined;
}

/** Stream and durable consumer names: letters, digits, `_` and `-` (NATS forbids `.`, `*`, `>`, spaces and slashes). */
export const NATS_NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

export function nameProblem(name: string, what: string): string | undefined {
  if (NATS_NAME_PATTERN.test(name)) return undefined;
  return `"${name}" is not a valid ${what} name: use letters, digits, "_" and "-" only (no dots, spaces or wildcards)`;
}

export type SubjectPart = TemplatePart;

/** A value that can stand in for a placeholder: one plain token. */
const TOKEN_VALUE = /^[A-Za-z0-9_-]+$/;

/** Parses `orders.{region}.{kind}`; throws with a readable reason for unbalanced or empty braces. */
export function parseSubjectTemplate(template: string): SubjectPart[] {
  const parts = parseFieldTemplate(template, { toSteps: splitPath, example: '{region}' });
  for (const p of parts) {
    if ('field' in p && p.steps.includes('*')) throw new Error(`placeholder {${p.field}} must name one field, not every element of a list`);
  }
  return parts;
}

export function hasPlaceholders(parts: readonly SubjectPart[]): boolean {
  return parts.some((p) => 'field' in p);
}

/** The template with every placeholder as `*`: what it can match, for checks and stream subjects. */
export function subjectPattern(parts: readonly SubjectPart[]): string {
  return parts.map((p) => ('text' in p ? p.text : '*')).join('');
}

/** Problems of a publish subject template (placeholders must each be a whole token). */
export function subjectTemplateProblem(template: string): string | undefined {
  let parts: SubjectPart[];
  try {
    parts = parseSubjectTemplate(template);
  } catch (err) {
    return (err as Error).message;
  }
  const fixed = subjectProblem(parts.map((p) => ('text' in p ? p.text : 'x')).join(''), { wildcards: false });
  if (fixed) return fixed;
  const tokens = subjectPattern(parts).split('.');
  const placeholders = parts.filter((p) => 'field' in p).length;
  const whole = tokens.filter((t) => t === '*').length;
  if (whole !== placeholders) return `"${template}": a placeholder must be a whole token between dots, e.g. orders.{region}`;
  return undefined;
}

/** Thrown when a record cannot fill a subject template; the engine's error policy applies. */
export class SubjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubjectError';
  }
}

/** Fills placeholders from the record; each value must be one token of letters, digits, `_`, `-`. */
export function fillSubject(parts: readonly SubjectPart[], record: unknown): string {
  let out = '';
  for (const part of parts) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    const value = getPath(record, part.steps);
    if (value === undefined || value === null) throw new SubjectError(`subject placeholder {${part.field}} has no value in this record`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'boolean') {
      throw new SubjectError(`subject placeholder {${part.field}} must be text or a number, not ${Array.isArray(value) ? 'a list' : 'a record'}`);
    }
    const text = String(value);
    if (!TOKEN_VALUE.test(text)) {
      throw new SubjectError(`subject placeholder {${part.field}} is "${text.slice(0, 40)}", which is not one subject token (letters, digits, "_" and "-" only)`);
    }
    out += text;
  }
  return out;
}
