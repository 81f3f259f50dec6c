import type { EditKind } from '../form-scope';
import type { JsonSchema } from '../json-schema';

/** What every single-control widget gets from the field around it. */
export interface WidgetProps {
  /** Id of the main control, which the field's `<label htmlFor>` names. */
  id: string;
  /** Field pointer, e.g. `/config/when`. */
  pointer: string;
  schema: JsonSchema;
  value: unknown;
  label: string;
  required: boolean;
  /** Help and problem ids for `aria-describedby`. */
  describedBy?: string;
  /** The validator has an error on this field. */
  invalid: boolean;
  /** Writes the new value; `undefined` removes the key from the config. */
  onChange(next: unknown, how?: EditKind): void;
}

/** `aria-describedby` from the field's ids plus a widget's own (a local problem, a hint). */
export function joinIds(...ids: Array<string | undefined | false>): string | undefined {
  const s = ids.filter(Boolean).join(' ');
  return s || undefined;
}

/** A default shown as the placeholder of an empty field (never written to the config). */
export function placeholderOf(schema: JsonSchema): string | undefined {
  const d = schema.default;
  if (d === undefined || d === null) return undefined;
  return typeof d === 'string' ? d : typeof d === 'number' || typeof d === 'boolean' ? String(d) : undefined;
}
