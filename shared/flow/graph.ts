import type { FlowDocument } from './document';
import { parseEndpoint, type Endpoint } from './document';

export interface FlowEdge {
  from: Endpoint;
  to: Endpoint;
  /** Index in doc.edges, for diagnostics paths. */
  index: number;
}

export interface FlowGraph {
  nodeIds: string[];
  edges: FlowEdge[];
  outgoing: Map<string, FlowEdge[]>;
  incoming: Map<string, FlowEdge[]>;
}

/** Builds adjacency from the edge list; malformed endpoints are skipped (the validator reports them). */
export function buildGraph(doc: FlowDocument): FlowGraph {
  const nodeIds = Object.keys(doc.nodes).sort();
  const outgoing = new Map<string, FlowEdge[]>(nodeIds.map((id) => [id, []]));
  const incoming = new Map<string, FlowEdge[]>(nodeIds.map((id) => [id, []]));
  const edges: FlowEdge[] = [];
  (doc.edges ?? []).forEach((e, index) => {
    const from = parseEndpoint(e.from);
    const to = parseEndpoint(e.to);
    if (!from || !to) return;
    const edge = { from, to, index };
    edges.push(edge);
    outgoing.get(from.node)?.push(edge);
    incoming.get(to.node)?.push(edge);
  });
  return { nodeIds, edges, outgoing, incoming };
}

/**
 * Nodes in dependency order (Kahn). `cycle` lists the nodes left over when the graph has a
 * cycle, in a stable order, so the validator can name them.
 */
export function topoOrder(graph: FlowGraph): { order: string[]; cycle: string[] } {
  const indeg = new Map<string, number>();
  for (const id of graph.nodeIds) indeg.set(id, 0);
  for (const e of graph.edges) if (indeg.has(e.to.node) && indeg.has(e.from.node)) indeg.set(e.to.node, (indeg.get(e.to.node) ?? 0) + 1);
  const ready = graph.nodeIds.filter((id) => indeg.get(id) === 0);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift() as string;
    order.push(id);
    for (const e of graph.outgoing.get(id) ?? []) {
      if (!indeg.has(e.to.node)) continue;
      const d = (indeg.get(e.to.node) ?? 0) - 1;
      indeg.set(e.to.node, d);
      if (d === 0) ready.push(e.to.node);
    }
  }
  const done = new Set(order);
  return { order, cycle: graph.nodeIds.filter((id) => !done.has(id)) };
}
