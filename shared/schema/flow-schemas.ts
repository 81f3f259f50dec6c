import type { FlowDocument } from '../flow/document';
import { buildGraph, topoOrder } from '../flow/graph';
import { outputSchemas, type NodeDefinition, type SchemaEnv } from '../node-kit/define';
import type { Registry } from '../node-kit/registry';
import type { AvroRecord, PortSchemas, RecordSchema } from './record-schema';
import { classify, mergeTagged, type ClassificationProblem } from './tags';

export interface NodeSchemas {
  /**
   * Schema arriving per input port: undefined when unknown or when the edges into the port carry
   * different schemas (schemas differing only in their tags merge, with the tags of all).
   */
  inputs: Record<string, RecordSchema>;
  /** Output schemas per port, with the flow's classification map applied. */
  outputs: PortSchemas;
  /** Entries of the flow's classification map for this node that name no field of its output. */
  classification?: ClassificationProblem[];
}

/**
 * A node's outputs with the tags the flow's classification map gives its fields. Problems
 * (paths that name no field) come from the first port with a schema; a node with no known
 * output schema cannot be classified and gets none.
 */
export function classifyOutputs(outputs: PortSchemas, fields: Readonly<Record<string, readonly string[]>> | undefined): { outputs: PortSchemas; problems?: ClassificationProblem[] } {
  if (!fields || Object.keys(fields).length === 0) return { outputs };
  const out: PortSchemas = {};
  let problems: ClassificationProblem[] | undefined;
  for (const [port, schema] of Object.entries(outputs)) {
    if (!schema) {
      out[port] = schema;
      continue;
    }
    const r = classify(schema, fields);
    out[port] = r.schema;
    problems ??= r.problems;
  }
  return problems ? { outputs: out, problems } : { outputs: out };
}

/**
 * Computes the record schema on every edge by walking the flow in dependency order and asking
 * each node type how its outputs derive from its inputs. Nodes with unknown types or configs
 * that do not parse get unknown (undefined) schemas; the validator reports those separately.
 */
export function inferFlowSchemas(doc: FlowDocument, registry: Registry): Map<string, NodeSchemas> {
  const graph = buildGraph(doc);
  const { order } = topoOrder(graph);
  const result = new Map<string, NodeSchemas>();
  const env = schemaEnv(doc, registry);
  for (const id of order) {
    if (!doc.nodes[id]) continue;
    const inputs: Record<string, RecordSchema> = {};
    const arriving = new Map<string, RecordSchema[]>();
    for (const e of graph.incoming.get(id) ?? []) {
      const upstream = result.get(e.from.node);
      const list = arriving.get(e.to.port) ?? [];
      list.push(upstream?.outputs[e.from.port]);
      arriving.set(e.to.port, list);
    }
    for (const [port, list] of arriving) inputs[port] = sameSchema(list);
    const { outputs, problems } = nodeOutputSchemas(doc, registry, env, id, inputs);
    result.set(id, { inputs, outputs, ...(problems ? { classification: problems } : {}) });
  }
  return result;
}

/** What schema derivation may look at: the flow's resources, with their configs parsed. */
export function schemaEnv(doc: FlowDocument, registry: Registry): SchemaEnv {
  return {
    resource(id) {
      const r = doc.resources?.[id];
      if (!r) return undefined;
      const def = registry.resource(r.type, r.version);
      const parsed = def?.config.safeParse(r.config ?? {});
      return { type: r.type, config: (parsed?.success ? parsed.data : r.config ?? {}) as Record<string, unknown> };
    },
  };
}

/**
 * One node's output schemas from the schemas arriving at its input ports, with the flow's
 * classification map applied. Unknown node types, configs that do not parse and derivations
 * that fail give unknown (undefined) outputs; the validator reports those separately.
 */
export function nodeOutputSchemas(
  doc: FlowDocument,
  registry: Registry,
  env: SchemaEnv,
  id: string,
  inputs: Record<string, RecordSchema>,
): { outputs: PortSchemas; problems?: ClassificationProblem[] } {
  const node = doc.nodes[id];
  const def: NodeDefinition | undefined = node && registry.node(node.type, node.version);
  let outputs: PortSchemas = {};
  if (node && def) {
    const parsed = def.config.safeParse(node.config ?? {});
    if (parsed.success) {
      try {
        outputs = outputSchemas(def, inputs, parsed.data, env);
      } catch {
        // A derivation that cannot cope with this config yields unknown schemas; lint reports why.
        outputs = {};
      }
    }
  }
  return classifyOutputs(outputs, doc.classification?.[id]);
}

/** The one schema of records arriving over several edges (see NodeSchemas.inputs). */
export function sameSchema(list: readonly RecordSchema[]): RecordSchema {
  const first = list[0];
  if (!first) return undefined;
  const text = JSON.stringify(first);
  if (list.every((s) => s !== undefined && JSON.stringify(s) === text)) return first;
  return list.every((s) => s !== undefined) ? mergeTagged(list as AvroRecord[]) : undefined;
}
