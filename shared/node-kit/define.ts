import { z } from 'zod';
import type { PortSchemas, RecordSchema } from '../schema/record-schema';
import type { Message } from './message';
import type { NodeRuntime, RuntimeContext } from './runtime';

export const CATEGORIES = ['source', 'filter', 'enricher', 'redactor', 'router', 'transform', 'sink'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface PortDef {
  name: string;
  title?: string;
  description?: string;
}

export interface LintIssue {
  /** JSON pointer into the node's config, e.g. `/routes/1/port`. */
  path: string;
  message: string;
  severity?: 'error' | 'warning';
}

/**
 * A worked example: a config that must parse, and optionally records in and the records
 * expected out per port. The contract test runs every example that has inputs through
 * `runNode`, so examples in the docs cannot rot.
 */
export interface NodeExample<C = unknown> {
  title: string;
  description?: string;
  config: C;
  input?: unknown[];
  output?: Record<string, unknown[]>;
}

/** What schema derivation may look at besides its inputs: the flow's resources (parsed configs). */
export interface SchemaEnv {
  resource(id: string): { type: string; config: Record<string, unknown> } | undefined;
}

export const EMPTY_SCHEMA_ENV: SchemaEnv = { resource: () => undefined };

export interface NodeDefinition<C = any> {
  /** `family.name`, e.g. `core.filter`. Never changes once published. */
  type: string;
  /** Bumped when config meaning changes; older versions migrate through `migrations`. */
  version: number;
  category: Category;
  title: string;
  summary: string;
  /** Markdown shown in the designer and in `sluice catalog --md`. */
  docs: string;
  /** Icon name from the designer's local icon set. */
  icon: string;
  ports: {
    inputs: readonly PortDef[];
    /** Fixed ports, or ports derived from config (routes, optional `rejected`). */
    outputs: readonly PortDef[] | ((config: C) => PortDef[]);
  };
  /** zod schema of `config`; prefer z.strictObject so typos are reported. No refinements. */
  config: z.ZodType<C>;
  /** Cross-field rules the schema cannot express; both designer and runtime run them. */
  lint?(config: C): LintIssue[];
  /**
   * Output record schema per output port from the input schemas (by input port name).
   * Omitted: every output carries the `in` schema unchanged (sources: unknown).
   */
  schema?(inputs: Record<string, RecordSchema>, config: C, env: SchemaEnv): PortSchemas;
  /** Builds the runtime behaviour; called once per flow run. */
  create(config: C, ctx: RuntimeContext): NodeRuntime | Promise<NodeRuntime>;
  examples: NodeExample<C>[];
  /** `migrations[v]` turns a version-v config into version v+1. */
  migrations?: Record<number, (config: Record<string, unknown>) => Record<string, unknown>>;
}

/** Declares a node type. Identity function with checks; the registry lists definitions explicitly. */
export function defineNode<S extends z.ZodType>(def: NodeDefinition<z.output<S>> & { config: S }): NodeDefinition<z.output<S>> {
  if (!/^[a-z][a-z0-9]*\.[a-z][a-z0-9-]*$/.test(def.type)) {
    throw new Error(`node type "${def.type}" must look like "family.name"`);
  }
  return def;
}

export interface ResourceDefinition<C = any> {
  type: string;
  version: number;
  title: string;
  summary: string;
  docs: string;
  config: z.ZodType<C>;
  lint?(config: C): LintIssue[];
  examples: { title: string; config: C }[];
  migrations?: Record<number, (config: Record<string, unknown>) => Record<string, unknown>>;
}

export function defineResource<S extends z.ZodType>(def: ResourceDefinition<z.output<S>> & { config: S }): ResourceDefinition<z.output<S>> {
  return def;
}

/** Output ports of a node for a given (parsed) config. */
export function outputPorts(def: NodeDefinition, config: unknown): PortDef[] {
  const o = def.ports.outputs;
  return typeof o === 'function' ? o(config) : [...o];
}

/** Output schemas, applying the pass-through default. */
export function outputSchemas(
  def: NodeDefinition,
  inputs: Record<string, RecordSchema>,
  config: unknown,
  env: SchemaEnv = EMPTY_SCHEMA_ENV,
): PortSchemas {
  if (def.schema) return def.schema(inputs, config, env);
  const out: PortSchemas = {};
  for (const p of outputPorts(def, config)) out[p.name] = def.category === 'source' ? undefined : inputs.in;
  return out;
}

/** JSON Schema of a node's config (input side, so defaults show as defaults). */
export function configJsonSchema(def: { config: z.ZodType }): Record<string, unknown> {
  return z.toJSONSchema(def.config, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** Config defaults at the top level, used by the canonical writer to omit them. */
export function configDefaults(def: { config: z.ZodType }): Record<string, unknown> {
  const schema = configJsonSchema(def);
  const out: Record<string, unknown> = {};
  const props = (schema.properties ?? {}) as Record<string, { default?: unknown }>;
  for (const [k, v] of Object.entries(props)) if (v && 'default' in v) out[k] = v.default;
  return out;
}

export type { Message };
