import type { z } from 'zod';

/**
 * The closed UI-hint vocabulary. Hints ride on zod's `.meta()` and come out in the config's JSON
 * Schema, where the designer form, the validator and the docs read them. Widgets are chosen
 * only from these keys, never from titles or descriptions.
 */
export const WIDGETS = ['expression', 'field', 'resource-ref', 'secret-ref', 'duration', 'key-value', 'code'] as const;
export type Widget = (typeof WIDGETS)[number];

/** CEL result type an expression field must have. */
export type ExprResultType = 'bool' | 'any';

export interface UiHints {
  'x-widget'?: Widget;
  /** Hidden under "Advanced" in the form. */
  'x-advanced'?: boolean;
  /** A secret: must be a `${secret:NAME}` or `${env:NAME}` reference, never a literal. */
  'x-secret'?: boolean;
  /** For `x-widget: expression`: the type the expression must produce. */
  'x-expr-type'?: ExprResultType;
  /** For `x-widget: resource-ref`: the resource type the id must name. */
  'x-resource-type'?: string;
  /** For `x-widget: code`: the language of the editor. */
  'x-language'?: 'json' | 'avro' | 'text';
}

export const HINT_KEYS = ['x-widget', 'x-advanced', 'x-secret', 'x-expr-type', 'x-resource-type', 'x-language'] as const;

type Meta = UiHints & { title?: string; description?: string };

/** Small helpers so node modules say what a field is rather than spelling hint keys. */
export const hint = {
  expression<T extends z.ZodType>(schema: T, meta: Meta & { resultType?: ExprResultType } = {}): T {
    const { resultType, ...rest } = meta;
    return schema.meta({ ...rest, 'x-widget': 'expression', 'x-expr-type': resultType ?? 'any' }) as T;
  },
  field<T extends z.ZodType>(schema: T, meta: Meta = {}): T {
    return schema.meta({ ...meta, 'x-widget': 'field' }) as T;
  },
  resourceRef<T extends z.ZodType>(schema: T, resourceType: string, meta: Meta = {}): T {
    return schema.meta({ ...meta, 'x-widget': 'resource-ref', 'x-resource-type': resourceType }) as T;
  },
  secretRef<T extends z.ZodType>(schema: T, meta: Meta = {}): T {
    return schema.meta({ ...meta, 'x-widget': 'secret-ref', 'x-secret': true }) as T;
  },
  duration<T extends z.ZodType>(schema: T, meta: Meta = {}): T {
    return schema.meta({ ...meta, 'x-widget': 'duration' }) as T;
  },
  keyValue<T extends z.ZodType>(schema: T, meta: Meta = {}): T {
    return schema.meta({ ...meta, 'x-widget': 'key-value' }) as T;
  },
  code<T extends z.ZodType>(schema: T, language: 'json' | 'avro' | 'text', meta: Meta = {}): T {
    return schema.meta({ ...meta, 'x-widget': 'code', 'x-language': language }) as T;
  },
  advanced<T extends z.ZodType>(schema: T, meta: Meta = {}): T {
    return schema.meta({ ...meta, 'x-advanced': true }) as T;
  },
};

/** `${secret:NAME}` or `${env:NAME}`: the only way a secret may appear in a flow file. */
export const SECRET_REF_PATTERN = /^\$\{(secret|env):([A-Za-z_][A-Za-z0-9_.-]*)\}$/;
/** References may also appear inside ordinary string fields (e.g. broker lists). */
export const REF_IN_TEXT_PATTERN = /\$\{(secret|env):([A-Za-z_][A-Za-z0-9_.-]*)\}/g;
