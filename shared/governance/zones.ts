import type { FlowDocument } from '../flow/document';
import { configJsonSchema, type NodeDefinition } from '../node-kit/define';
import type { Registry } from '../node-kit/registry';

/**
 * Zones (jurisdictions) of nodes. A node with a connection (Kafka, NATS, MQ: a resource whose
 * config has a `zone`) is in its connection's zone. A node without one (a generator, files, a
 * log, a local dead-letter file) is in its own `zone` when the node declares one, else in the
 * flow's `zone`, else in no known zone.
 */
export interface NodeZone {
  zone: string;
  /** Where the zone comes from: a connection resource (its id), the node's `zone`, or the flow's. */
  from: { connection: string } | 'node' | 'flow';
}

const refKeys = new WeakMap<object, string[]>();

/** Top-level config keys holding a resource reference. */
function resourceRefKeys(def: NodeDefinition): string[] {
  let keys = refKeys.get(def);
  if (!keys) {
    keys = [];
    try {
      const props = (configJsonSchema(def).properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [k, v] of Object.entries(props)) if (v?.['x-widget'] === 'resource-ref') keys.push(k);
    } catch {
      // A config schema zod cannot express: no references found (the contract test reports it).
    }
    refKeys.set(def, keys);
  }
  return keys;
}

/** The zone a resource declares in its config, if any. */
export function resourceZone(doc: FlowDocument, id: string): string | undefined {
  const z = doc.resources?.[id]?.config?.zone;
  return typeof z === 'string' && z !== '' ? z : undefined;
}

/** The connection (resource with a zone) a node uses, if any. */
export function nodeConnection(doc: FlowDocument, registry: Registry, id: string): string | undefined {
  const node = doc.nodes[id];
  const def = node && registry.node(node.type, node.version);
  if (!node || !def) return undefined;
  for (const key of resourceRefKeys(def)) {
    const ref = node.config?.[key];
    if (typeof ref === 'string' && resourceZone(doc, ref) !== undefined) return ref;
  }
  return undefined;
}

export function nodeZone(doc: FlowDocument, registry: Registry, id: string): NodeZone | undefined {
  const connection = nodeConnection(doc, registry, id);
  if (connection) return { zone: resourceZone(doc, connection) as string, from: { connection } };
  const own = doc.nodes[id]?.zone;
  if (own) return { zone: own, from: 'node' };
  return doc.zone ? { zone: doc.zone, from: 'flow' } : undefined;
}
