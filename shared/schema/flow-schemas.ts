import type { FlowDocument } from '../flow/document';
import { buildGraph, topoOrder } from '../flow/graph';
import { outputSchemas, type NodeDefinition, type SchemaEnv } from '../node-kit/define';
import type { Registry } from '../node-kit/registry';
import type { PortSchemas, RecordSchema } from './record-schema';

export interface NodeSchemas {
  /** Schema arriving per input port (undefined when unknown or when edges disagree). */
  inputs: Record<string, RecordSchema>;
  outputs: PortSchemas;
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
  const env: SchemaEnv = {
    resource(id) {
      const r = doc.resources?.[id];
      if (!r) return undefined;
      const def = registry.resource(r.type, r.version);
      const parsed = def?.config.safeParse(r.config ?? {});
      return { type: r.type, config: (parsed?.success ? parsed.data : r.config ?? {}) as Record<string, unknown> };
    },
  };
  for (const id of order) {
    const node = doc.nodes[id];
    if (!node) continue;
    const inputs: Record<string, RecordSchema> = {};
    const arriving = new Map<string, RecordSchema[]>();
    for (const e of graph.incoming.get(id) ?? []) {
      const upstream = result.get(e.from.node);
      const list = arriving.get(e.to.port) ?? [];
      list.push(upstream?.outputs[e.from.port]);
      arriving.set(e.to.port, list);
    }
    for (const [port, list] of arriving) inputs[port] = sameSchema(list);
    const def: NodeDefinition | undefined = registry.node(node.type, node.version);
    let outputs: PortSchemas = {};
    if (def) {
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
    result.set(id, { inputs, outputs });
  }
  return result;
}

function sameSchema(list: RecordSchema[]): RecordSchema {
  const first = list[0];
  if (!first) return undefined;
  const text = JSON.stringify(first);
  return list.every((s) => s !== undefined && JSON.stringify(s) === text) ? first : undefined;
}
