import { configJsonSchema } from '../../../../shared/node-kit/define';
import { WIDGETS, type ExprResultType, type Widget } from '../../../../shared/node-kit/hints';
import { appendPointer } from './pointer';

/**
 * The part of JSON Schema that zod's `toJSONSchema` produces for node and resource configs, plus
 * the closed UI-hint vocabulary (`x-…` keys). The form reads only these keys.
 */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  'x-widget'?: Widget;
  'x-advanced'?: boolean;
  'x-secret'?: boolean;
  'x-expr-type'?: ExprResultType;
  'x-resource-type'?: string;
  'x-language'?: 'json' | 'avro' | 'text';
}

/** What the form draws for a schema. Hinted kinds come only from `x-widget` / `x-secret`. */
export type WidgetKind =
  | Widget
  | 'text'
  | 'number'
  | 'select'
  | 'boolean'
  | 'list'
  | 'object'
  /** Anything the form has no widget for: edited as JSON text, so nothing is unreachable. */
  | 'json';

const schemaCache = new WeakMap<object, JsonSchema>();

/** The config JSON Schema of a node or resource definition, computed once per definition. */
export function schemaOf(def: { config: Parameters<typeof configJsonSchema>[0]['config'] }): JsonSchema {
  let s = schemaCache.get(def);
  if (!s) {
    s = configJsonSchema(def) as JsonSchema;
    schemaCache.set(def, s);
  }
  return s;
}

/** Drops `null` alternatives (nullable fields) so the real shape decides the widget. */
export function unwrap(schema: JsonSchema): JsonSchema {
  const alts = schema.anyOf ?? schema.oneOf;
  if (!alts) return schema;
  const real = alts.filter((a) => a.type !== 'null');
  if (real.length === 1) {
    const { anyOf: _a, oneOf: _o, ...rest } = schema;
    return { ...(real[0] as JsonSchema), ...rest };
  }
  return schema;
}

/** The allowed values of a choice field (`enum`, `const`, or a union of constants), else undefined. */
export function choicesOf(schema: JsonSchema): unknown[] | undefined {
  const s = unwrap(schema);
  if (s.enum) return s.enum;
  if ('const' in s) return [s.const];
  const alts = s.anyOf ?? s.oneOf;
  if (alts && alts.length > 0 && alts.every((a) => a.enum !== undefined || 'const' in a)) {
    return alts.flatMap((a) => (a.enum ? a.enum : [a.const]));
  }
  return undefined;
}

function typeOf(s: JsonSchema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null');
  return s.type;
}

/** A record whose values are plain text or choices: edited as key/value rows. */
function isScalarRecord(s: JsonSchema): boolean {
  if (typeOf(s) !== 'object' || s.properties) return false;
  const v = s.additionalProperties;
  return typeof v === 'object' && typeOf(v) === 'string';
}

export function widgetOf(schema: JsonSchema): WidgetKind {
  const s = unwrap(schema);
  const hinted = s['x-widget'];
  if (hinted && (WIDGETS as readonly string[]).includes(hinted)) return hinted;
  if (s['x-secret']) return 'secret-ref';
  if (choicesOf(s)) return 'select';
  switch (typeOf(s)) {
    case 'boolean':
      return 'boolean';
    case 'integer':
    case 'number':
      return 'number';
    case 'string':
      return 'text';
    case 'array':
      return s.items ? 'list' : 'json';
    case 'object':
      if (s.properties) return 'object';
      return isScalarRecord(s) ? 'key-value' : 'json';
    default:
      return 'json';
  }
}

/** Kinds drawn as a group (fieldset with a legend) rather than one labelled input. */
export function isGroupKind(kind: WidgetKind): boolean {
  return kind === 'object' || kind === 'list' || kind === 'key-value';
}

/** A list of choices (e.g. which of key, headers, meta to show): drawn as a set of checkboxes. */
export function isChoiceList(schema: JsonSchema): boolean {
  const s = unwrap(schema);
  return widgetOf(s) === 'list' && s.items !== undefined && widgetOf(s.items) === 'select';
}

/** A new list item: its default, its first choice, or an empty value of its shape. */
export function newItem(schema: JsonSchema): unknown {
  const s = unwrap(schema);
  if (s.default !== undefined) return structuredClone(s.default);
  const choices = choicesOf(s);
  if (choices?.length) return choices[0];
  switch (widgetOf(s)) {
    case 'object':
    case 'key-value':
      return {};
    case 'list':
      return [];
    case 'boolean':
      return false;
    case 'number':
      return isMeaningfulBound(s.minimum) ? s.minimum : 0;
    case 'json':
      return typeOf(s) === 'object' ? {} : typeOf(s) === 'array' ? [] : '';
    default:
      return '';
  }
}

/** `maxInFlight` → "Max in flight", `allow_hosts` → "Allow hosts". */
export function humanise(name: string): string {
  const words = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function labelOf(schema: JsonSchema, name: string): string {
  return unwrap(schema).title ?? humanise(name);
}

/** "Routes" → "Route": names one item of a list or one row of a table. */
export function singular(title: string): string {
  return /[^s]s$/i.test(title) ? title.slice(0, -1) : title;
}

export interface FieldSpec {
  name: string;
  pointer: string;
  schema: JsonSchema;
  required: boolean;
  advanced: boolean;
  label: string;
  /** A list item: emptying it leaves an empty item in place instead of removing it. */
  inList?: boolean;
}

/** The properties of an object schema as form fields, in schema order. */
export function fieldsOf(schema: JsonSchema, base: string): FieldSpec[] {
  const s = unwrap(schema);
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    pointer: appendPointer(base, name),
    schema: unwrap(prop),
    required: required.has(name),
    advanced: unwrap(prop)['x-advanced'] === true,
    label: labelOf(prop, name),
  }));
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every pointer the form draws a field wrapper for, given the current value: properties, list
 * items and the fields inside them. Diagnostics are placed on the deepest of these, so this walk
 * must follow the same rules as the renderer (both go through `widgetOf`).
 */
export function fieldPointers(schema: JsonSchema, value: unknown, base: string): string[] {
  const out: string[] = [];
  const obj = isPlainObject(value) ? value : {};
  for (const f of fieldsOf(schema, base)) {
    out.push(f.pointer);
    const v = obj[f.name];
    const kind = widgetOf(f.schema);
    if (kind === 'object') out.push(...fieldPointers(f.schema, v, f.pointer));
    else if (kind === 'list' && Array.isArray(v) && f.schema.items && !isChoiceList(f.schema)) {
      const items = unwrap(f.schema.items);
      const itemKind = widgetOf(items);
      v.forEach((item, i) => {
        const p = appendPointer(f.pointer, i);
        out.push(p);
        if (itemKind === 'object') out.push(...fieldPointers(items, item, p));
      });
    }
  }
  return out;
}

/** Number bounds as the form enforces them (JSON Schema's exclusive bounds kept apart). */
export function boundsOf(schema: JsonSchema): { min?: number; max?: number; exclusiveMin?: number; exclusiveMax?: number } {
  const s = unwrap(schema);
  return { min: s.minimum, max: s.maximum, exclusiveMin: s.exclusiveMinimum, exclusiveMax: s.exclusiveMaximum };
}

/** Bounds at the edge of safe integers are zod's "any integer": not worth telling anyone. */
export function isMeaningfulBound(n: number | undefined): n is number {
  return n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;
}
