import type { FlowDocument, NodeInstance } from '../../shared/flow/document';

/**
 * Large but realistic flows for the designer benchmark: repeated branching chains of ten nodes
 * (generate → filter → map → route, then per region a map → log, a filter → map → file, and a
 * log for the rest), every node valid, laid out left to right with one chain per band.
 */

const TEMPLATE = { id: 'ord-{{seq}}', region: '{{pick eu us apac}}', total: '{{double 10 5000 2}}' };

interface Part {
  suffix: string;
  node: NodeInstance;
  col: number;
  row: number;
}

function chain(): Part[] {
  const n = (type: string, label: string, config: Record<string, unknown>): NodeInstance => ({ type, version: 1, label, config });
  return [
    { suffix: 'gen', col: 0, row: 1, node: n('core.generate', 'Orders', { template: TEMPLATE, count: 100 }) },
    { suffix: 'big', col: 1, row: 1, node: n('core.filter', 'Big orders', { when: 'total > 100.0' }) },
    { suffix: 'tag', col: 2, row: 1, node: n('core.map', 'Tag', { set: [{ field: 'gross', value: 'total * 1.2' }] }) },
    {
      suffix: 'route',
      col: 3,
      row: 1,
      node: n('core.route', 'By region', {
        routes: [
          { port: 'eu', when: 'region == "eu"' },
          { port: 'us', when: 'region == "us"' },
        ],
      }),
    },
    { suffix: 'eu-map', col: 4, row: 0, node: n('core.map', 'EU shape', { remove: ['gross'] }) },
    { suffix: 'eu-log', col: 5, row: 0, node: n('core.log', 'EU log', { prefix: '[eu]' }) },
    { suffix: 'us-big', col: 4, row: 1, node: n('core.filter', 'US big', { when: 'gross > 1000.0' }) },
    { suffix: 'us-map', col: 5, row: 1, node: n('core.map', 'US shape', { rename: [{ from: 'gross', to: 'amount' }] }) },
    { suffix: 'us-file', col: 6, row: 1, node: n('file.write', 'US file', { path: 'out/us.jsonl' }) },
    { suffix: 'rest-log', col: 4, row: 2, node: n('core.log', 'Other regions', {}) },
  ];
}

const WIRES: Array<[string, string]> = [
  ['gen:out', 'big:in'],
  ['big:out', 'tag:in'],
  ['tag:out', 'route:in'],
  ['route:eu', 'eu-map:in'],
  ['eu-map:out', 'eu-log:in'],
  ['route:us', 'us-big:in'],
  ['us-big:out', 'us-map:in'],
  ['us-map:out', 'us-file:in'],
  ['route:otherwise', 'rest-log:in'],
];

export const CHAIN_SIZE = 10;

/** A flow of `size` nodes (a multiple of ten) with the id `bench-<size>`. */
export function benchFlow(size: number): FlowDocument {
  if (size % CHAIN_SIZE !== 0) throw new Error(`size must be a multiple of ${CHAIN_SIZE}`);
  const nodes: FlowDocument['nodes'] = {};
  const positions: Record<string, { x: number; y: number }> = {};
  const edges: NonNullable<FlowDocument['edges']> = [];
  const chains = size / CHAIN_SIZE;
  // Chains in a grid rather than one tall column, so "zoom to fit" shows every node.
  const perRow = Math.max(1, Math.round(Math.sqrt(chains / 2)));
  for (let c = 0; c < chains; c++) {
    const id = (suffix: string) => `c${c}-${suffix}`;
    const left = (c % perRow) * 2000;
    const top = Math.floor(c / perRow) * 420;
    for (const p of chain()) {
      nodes[id(p.suffix)] = p.node;
      positions[id(p.suffix)] = { x: left + p.col * 260, y: top + p.row * 120 };
    }
    for (const [from, to] of WIRES) {
      const [fn, fp] = from.split(':') as [string, string];
      const [tn, tp] = to.split(':') as [string, string];
      edges.push({ from: `${id(fn)}:${fp}`, to: `${id(tn)}:${tp}` });
    }
  }
  return { format: 1, id: `bench-${size}`, name: `Benchmark, ${size} nodes`, nodes, edges, layout: { nodes: positions } };
}
