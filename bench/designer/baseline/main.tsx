import { createRoot } from 'react-dom/client';
import { useState } from 'react';
import { applyNodeChanges, Background, Panel, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, type Node, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';

/**
 * The baseline bench/designer compares the designer with: the same flow drawn by a bare React
 * Flow page (default nodes with a text label, the same edges and positions, the same viewport
 * rules: above 200 nodes only visible ones are drawn and the flow opens at its start), with no
 * store, validation, inspector or palette. What the designer costs on top is the ratio.
 */
interface FlowFile {
  nodes: Record<string, { label?: string }>;
  edges?: Array<{ from: string; to: string }>;
  layout?: { nodes?: Record<string, { x: number; y: number }> };
}

function toCanvas(flow: FlowFile): { nodes: Node[]; edges: Edge[] } {
  const nodes = Object.entries(flow.nodes).map(([id, n]) => ({ id, position: flow.layout?.nodes?.[id] ?? { x: 0, y: 0 }, data: { label: n.label ?? id } }));
  const edges = (flow.edges ?? []).map((e) => ({ id: `${e.from}->${e.to}`, source: e.from.split(':')[0] as string, target: e.to.split(':')[0] as string }));
  return { nodes, edges };
}

function Canvas({ flow }: { flow: FlowFile }) {
  const [{ nodes, edges }, set] = useState(() => toCanvas(flow));
  const { fitView } = useReactFlow();
  // The designer's rules (designer/src/canvas/Canvas.tsx): draw only what is visible above 200
  // nodes; fit a flow of up to 60 nodes, open bigger ones readable at their start.
  const big = nodes.length > 200;
  const fit = nodes.length <= 60;
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      onNodesChange={(changes: NodeChange[]) => set((s) => ({ ...s, nodes: applyNodeChanges(changes, s.nodes) }))}
      onlyRenderVisibleElements={big}
      defaultViewport={{ x: 40, y: 40, zoom: 0.8 }}
      fitView={fit}
      minZoom={0.05}
    >
      <Background />
      <Panel position="top-right">
        <button type="button" aria-label="Zoom to fit" onClick={() => void fitView({ padding: 0.15 })}>
          Fit
        </button>
      </Panel>
    </ReactFlow>
  );
}

const size = new URLSearchParams(location.search).get('n') ?? '50';
void fetch(`./bench-${size}.flow.json`)
  .then((r) => r.json() as Promise<FlowFile>)
  .then((flow) =>
    createRoot(document.getElementById('root') as HTMLElement).render(
      <ReactFlowProvider>
        <Canvas flow={flow} />
      </ReactFlowProvider>,
    ),
  );
