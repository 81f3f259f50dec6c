import type { ELK as ElkApi, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { parseEndpoint, type FlowDocument } from '../../../shared/flow/document';
import type { Registry } from '../../../shared/node-kit/registry';
import { snap, type Point } from '../store/doc-ops';
import { nodeSize, portsOf } from './ports';

/**
 * Auto-layout with ELK's layered algorithm, left to right. The result must be the same for the
 * same document every time (saved files are compared byte for byte), so the input is sorted,
 * node sizes come from port counts rather than the browser's measurements, ELK's random seed
 * is fixed and positions are snapped to the grid.
 */

let elk: Promise<ElkApi> | undefined;

/** ELK is large (about 1.5 MB): loaded, from the designer's own server, the first time it is needed. */
function loadElk(): Promise<ElkApi> {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: ELK }) => new ELK());
  return elk;
}

const GRAPH_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.randomSeed': '1',
  'elk.spacing.nodeNode': '40',
  'elk.layered.spacing.nodeNodeBetweenLayers': '80',
  'elk.spacing.componentComponent': '60',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.crossingMinimization.semiInteractive': 'false',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
};

const PORT = 8;

function portId(node: string, side: 'in' | 'out', port: string): string {
  return `${node}/${side}/${port}`;
}

/** The ELK graph of a document; exported for tests. */
export function elkGraph(doc: FlowDocument, registry: Registry): ElkNode {
  const ids = Object.keys(doc.nodes).sort();
  const known = new Set<string>();
  const children: ElkNode[] = ids.map((id) => {
    const ports = portsOf(registry, doc.nodes[id]!);
    const size = nodeSize(ports.inputs.length, ports.outputs.length);
    const n = ports.inputs.length;
    const m = ports.outputs.length;
    // ELK orders ports clockwise from the top-left corner: east side top to bottom, then the
    // west side bottom to top. Both sides should read top to bottom as the node draws them.
    const elkPorts = [
      ...ports.outputs.map((p, i) => ({ id: portId(id, 'out', p.name), side: 'EAST', index: i })),
      ...ports.inputs.map((p, i) => ({ id: portId(id, 'in', p.name), side: 'WEST', index: m + (n - 1 - i) })),
    ];
    for (const p of elkPorts) known.add(p.id);
    return {
      id,
      width: size.width,
      height: size.height,
      layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
      ports: elkPorts.map((p) => ({
        id: p.id,
        width: PORT,
        height: PORT,
        layoutOptions: { 'elk.port.side': p.side, 'elk.port.index': String(p.index) },
      })),
    };
  });
  const edges: ElkExtendedEdge[] = [];
  const keys = new Set<string>();
  for (const e of [...(doc.edges ?? [])].sort((x, y) => (x.from + x.to < y.from + y.to ? -1 : x.from + x.to > y.from + y.to ? 1 : 0))) {
    const a = parseEndpoint(e.from);
    const b = parseEndpoint(e.to);
    if (!a || !b) continue;
    const source = portId(a.node, 'out', a.port);
    const target = portId(b.node, 'in', b.port);
    // Edges to ports a node does not have (reported by the validator) would make ELK throw.
    if (!known.has(source) || !known.has(target)) continue;
    const id = `${e.from}->${e.to}`;
    if (keys.has(id)) continue;
    keys.add(id);
    edges.push({ id, sources: [source], targets: [target] });
  }
  return { id: 'root', layoutOptions: GRAPH_OPTIONS, children, edges };
}

/** Positions for every node of `doc`, laid out left to right and snapped to the 20 px grid. Notes are left where they are. */
export async function layoutFlow(doc: FlowDocument, registry: Registry): Promise<Record<string, Point>> {
  if (Object.keys(doc.nodes).length === 0) return {};
  const result = await (await loadElk()).layout(elkGraph(doc, registry));
  const out: Record<string, Point> = {};
  for (const child of result.children ?? []) out[child.id] = snap({ x: child.x ?? 0, y: child.y ?? 0 });
  return out;
}
