import type { FlowDocument } from '../../../shared/flow/document';
import type { Registry } from '../../../shared/node-kit/registry';
import { checkConnection } from '../../../shared/validate/connect';
import { portsOf } from './ports';

/** One entry of the "Connect to…" menu. */
export interface ConnectionTarget {
  from: string;
  to: string;
  /** "out → Total over 1000 (in)" */
  text: string;
}

/**
 * Every connection the shared rules allow from one of `nodeId`'s outputs to another node's
 * input, in the order outputs are drawn, then by the other node's label.
 */
export function connectionTargets(doc: FlowDocument, registry: Registry, nodeId: string): ConnectionTarget[] {
  const node = doc.nodes[nodeId];
  if (!node) return [];
  const outputs = portsOf(registry, node).outputs;
  const others = Object.entries(doc.nodes)
    .filter(([id]) => id !== nodeId)
    .map(([id, n]) => ({ id, node: n, label: n.label || id }))
    .sort((a, b) => a.label.localeCompare(b.label) || (a.id < b.id ? -1 : 1));
  const out: ConnectionTarget[] = [];
  for (const port of outputs) {
    for (const other of others) {
      const inputs = portsOf(registry, other.node).inputs;
      for (const input of inputs) {
        const from = `${nodeId}:${port.name}`;
        const to = `${other.id}:${input.name}`;
        if (!checkConnection(doc, registry, from, to).ok) continue;
        const target = inputs.length > 1 ? `${other.label} (${input.name})` : other.label;
        out.push({ from, to, text: outputs.length > 1 ? `${port.name} → ${target}` : `→ ${target}` });
      }
    }
  }
  return out;
}

/** One existing connection of a node, for the menu's "Disconnect" entries. */
export interface ExistingConnection {
  edge: { from: string; to: string };
  /** "Disconnect from Total over 1000 (out → in)" */
  text: string;
}

/** The node's edges, incoming first then outgoing, each named by the node at its other end. */
export function existingConnections(doc: FlowDocument, nodeId: string): ExistingConnection[] {
  const name = (id: string) => doc.nodes[id]?.label || id;
  const split = (endpoint: string) => {
    const at = endpoint.indexOf(':');
    return { node: endpoint.slice(0, at), port: endpoint.slice(at + 1) };
  };
  const edges = doc.edges ?? [];
  const incoming = edges.filter((e) => split(e.to).node === nodeId && split(e.from).node !== nodeId);
  const outgoing = edges.filter((e) => split(e.from).node === nodeId);
  return [
    ...incoming.map((e) => ({ edge: e, text: `Disconnect from ${name(split(e.from).node)} (${split(e.from).port} → ${split(e.to).port})` })),
    ...outgoing.map((e) => ({ edge: e, text: `Disconnect from ${name(split(e.to).node)} (${split(e.from).port} → ${split(e.to).port})` })),
  ];
}
