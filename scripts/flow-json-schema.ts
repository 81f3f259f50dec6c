import { z } from 'zod';
import { FlowDocument } from '../shared/flow/document';
import { configJsonSchema } from '../shared/node-kit/define';
import type { Registry } from '../shared/node-kit/registry';

type JsonSchema = Record<string, unknown>;

/** Where the generated schema is committed, relative to the repository root. */
export const FLOW_SCHEMA_PATH = 'shared/flow/flow.schema.json';
export const REGENERATE_COMMAND = 'node --import tsx scripts/gen-flow-schema.ts';

/**
 * JSON Schema of flow files for editors (completion and squiggles in `*.flow.json`): the
 * envelope from the FlowDocument zod schema, and per registered node and resource type its
 * config schema, applied when `type` names it and `version` is the current one (older versions
 * hold older config shapes that only the validator's migrations understand).
 */
export function buildFlowJsonSchema(registry: Registry): JsonSchema {
  const { $schema: _s, ...envelope } = z.toJSONSchema(FlowDocument, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const defs: Record<string, JsonSchema> = {};
  const properties = envelope.properties as Record<string, JsonSchema>;
  const nodes = newestByType(registry.nodes());
  const resources = newestByType(registry.resources());
  properties.nodes = withTypes(properties.nodes as JsonSchema, 'node', nodes, defs);
  properties.resources = withTypes(properties.resources as JsonSchema, 'resource', resources, defs);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Sluice flow',
    description: `A Sluice flow file (<id>.flow.json). Generated from the flow document schema and the node registry by \`${REGENERATE_COMMAND}\`; do not edit.`,
    ...envelope,
    $defs: defs,
  };
}

export function renderFlowJsonSchema(registry: Registry): string {
  return `${JSON.stringify(buildFlowJsonSchema(registry), null, 2)}\n`;
}

function newestByType<T extends { type: string; version: number }>(defs: readonly T[]): T[] {
  const newest = new Map<string, T>();
  for (const d of defs) if ((newest.get(d.type)?.version ?? 0) < d.version) newest.set(d.type, d);
  return [...newest.values()].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

function withTypes(
  map: JsonSchema,
  kind: 'node' | 'resource',
  defs: ReadonlyArray<{ type: string; version: number; title: string; summary: string; config: z.ZodType }>,
  out: Record<string, JsonSchema>,
): JsonSchema {
  const instance = structuredClone(map.additionalProperties) as JsonSchema;
  const props = instance.properties as Record<string, JsonSchema>;
  props.type = { ...props.type, enum: defs.map((d) => d.type) };
  const conditions: JsonSchema[] = [];
  for (const def of defs) {
    const name = `${kind}.${def.type}`;
    out[name] = hoist(configJsonSchema(def), name, def, out);
    conditions.push({
      if: { properties: { type: { const: def.type } }, required: ['type'] },
      then: {
        properties: { version: { maximum: def.version } },
        if: { properties: { version: { const: def.version } }, required: ['version'] },
        then: { properties: { config: { $ref: `#/$defs/${name}` } } },
      },
    });
  }
  if (conditions.length) instance.allOf = conditions;
  return { ...map, additionalProperties: instance };
}

/**
 * Moves one config schema under the shared `$defs`: its own `$defs` become `<name>.<def>` and
 * every local `$ref` is rewritten to match, so refs still resolve from the document root.
 */
function hoist(schema: JsonSchema, name: string, def: { title: string; summary: string }, out: Record<string, JsonSchema>): JsonSchema {
  const { $schema: _s, $defs, ...rest } = schema;
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (typeof v !== 'object' || v === null) return v;
    const o: JsonSchema = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') o[k] = x === '#' ? `#/$defs/${name}` : x.replace(/^#\/\$defs\//, `#/$defs/${name}.`);
      else o[k] = rewrite(x);
    }
    return o;
  };
  for (const [key, value] of Object.entries(($defs ?? {}) as Record<string, unknown>)) out[`${name}.${key}`] = rewrite(value) as JsonSchema;
  return { title: def.title, description: def.summary, ...(rewrite(rest) as JsonSchema) };
}
