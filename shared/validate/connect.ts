import { parseEndpoint, type FlowDocument } from '../flow/document';
import { buildGraph } from '../flow/graph';
import { outputPorts, type NodeDefinition, type PortDef } from '../node-kit/define';
import type { Registry } from '../node-kit/registry';

export type ConnectionCheck = { ok: true } | { ok: false; reason: string };

/**
 * Ports of a node instance as drawn on the canvas: inputs from the definition, outputs from the
 * definition or its config (a router's routes). A config that does not parse yet still yields
 * the ports its well-formed part names, so half-typed routes do not make edges vanish.
 */
export function nodePorts(registry: Registry, type: string, version: number | undefined, config: unknown): { def?: NodeDefinition; inputs: PortDef[]; outputs: PortDef[] } {
  const def = registry.node(type, version);
  if (!def) return { inputs: [], outputs: [] };
  const parsed = def.config.safeParse(config ?? {});
  let outputs: PortDef[];
  try {
    outputs = outputPorts(def, parsed.success ? parsed.data : (config ?? {}));
  } catch {
    outputs = typeof def.ports.outputs === 'function' ? [] : [...def.ports.outputs];
  }
  return { def, inputs: [...def.ports.inputs], outputs };
}

/**
 * Whether an edge from `from` ("node:port", an output) to `to` (an input) may be drawn, with the
 * reason in words when not. The designer refuses such connections as they are made; the
 * validator reports the same problems in files written by hand.
 */
export function checkConnection(doc: FlowDocument, registry: Registry, from: string, to: string): ConnectionCheck {
  const a = parseEndpoint(from);
  const b = parseEndpoint(to);
  if (!a || !b) return { ok: false, reason: 'an edge runs from "node:port" to "node:port"' };
  const src = doc.nodes[a.node];
  const dst = doc.nodes[b.node];
  if (!src) return { ok: false, reason: `there is no node "${a.node}"` };
  if (!dst) return { ok: false, reason: `there is no node "${b.node}"` };
  if (a.node === b.node) return { ok: false, reason: 'a node cannot feed itself' };
  const srcPorts = nodePorts(registry, src.type, src.version, src.config);
  const dstPorts = nodePorts(registry, dst.type, dst.version, dst.config);
  const srcName = src.label ?? a.node;
  const dstName = dst.label ?? b.node;
  if (srcPorts.def?.category === 'sink') return { ok: false, reason: `"${srcName}" is a sink: nothing leaves it` };
  if (dstPorts.def?.category === 'source') return { ok: false, reason: `"${dstName}" is a source: it takes no input` };
  if (!srcPorts.outputs.some((p) => p.name === a.port)) {
    return { ok: false, reason: `"${srcName}" has no output "${a.port}" (outputs: ${srcPorts.outputs.map((p) => p.name).join(', ') || 'none'})` };
  }
  if (!dstPorts.inputs.some((p) => p.name === b.port)) {
    return { ok: false, reason: `"${dstName}" has no input "${b.port}" (inputs: ${dstPorts.inputs.map((p) => p.name).join(', ') || 'none'})` };
  }
  if ((doc.edges ?? []).some((e) => e.from === from && e.to === to)) return { ok: false, reason: `"${srcName}" is already connected to "${dstName}"` };
  if (reaches(doc, b.node, a.node)) return { ok: false, reason: `this would make a loop: "${dstName}" already feeds "${srcName}"` };
  return { ok: true };
}

/** True when records leaving `start` can reach `goal`. */
function reaches(doc: FlowDocument, start: string, goal: string): boolean {
  const graph = buildGraph(doc);
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length) {
    const id = stack.pop() as string;
    if (id === goal) return true;
    for (const e of graph.outgoing.get(id) ?? []) {
      if (!seen.has(e.to.node)) {
        seen.add(e.to.node);
        stack.push(e.to.node);
      }
    }
  }
  return false;
}
