import type { NodeInstance } from '../../../shared/flow/document';
import type { NodeDefinition, PortDef } from '../../../shared/node-kit/define';
import type { Registry } from '../../../shared/node-kit/registry';
import { nodePorts } from '../../../shared/validate/connect';

/** A node instance's definition and ports as the canvas draws them. */
export interface NodePorts {
  def?: NodeDefinition;
  inputs: readonly PortDef[];
  outputs: readonly PortDef[];
}

// Parsing a node's config for its ports is not free; a node instance object only changes when
// that node is edited, so one entry per instance keeps 500-node flows cheap to redraw.
const cache = new WeakMap<Registry, WeakMap<NodeInstance, NodePorts>>();

/** Ports of a node instance (memoised per instance object; routers derive outputs from config). */
export function portsOf(registry: Registry, node: NodeInstance): NodePorts {
  let perRegistry = cache.get(registry);
  if (!perRegistry) {
    perRegistry = new WeakMap();
    cache.set(registry, perRegistry);
  }
  let ports = perRegistry.get(node);
  if (!ports) {
    const def = registry.node(node.type, node.version);
    // Only ports derived from config (a router's routes) need the config parsed; most types
    // have fixed ports, and parsing 500 configs would delay opening a big flow.
    ports = def && Array.isArray(def.ports.outputs) ? { def, inputs: def.ports.inputs, outputs: def.ports.outputs as NodePorts['outputs'] } : nodePorts(registry, node.type, node.version, node.config);
    perRegistry.set(node, ports);
  }
  return ports;
}

/** Width of every flow node on the canvas, in pixels. */
export const NODE_WIDTH = 220;
/** Height of one labelled port row. */
export const PORT_ROW = 18;
const NODE_BASE_HEIGHT = 60;

/**
 * Ports get a name tag when a node has several on one side; otherwise one handle sits in the
 * middle of each side and the node stays compact.
 */
export function labelledPorts(inputs: number, outputs: number): boolean {
  return inputs > 1 || outputs > 1;
}

/**
 * The size a node is drawn at, from its port counts alone. Auto-layout uses this rather than
 * measured sizes so that the same document always lays out the same way, whatever the fonts.
 */
export function nodeSize(inputs: number, outputs: number): { width: number; height: number } {
  const rows = labelledPorts(inputs, outputs) ? Math.max(inputs, outputs) : 0;
  return { width: NODE_WIDTH, height: NODE_BASE_HEIGHT + (rows ? rows * PORT_ROW + 4 : 0) };
}
