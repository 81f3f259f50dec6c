import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { CircleQuestionMark } from 'lucide-react';
import { memo, useEffect, useRef, type CSSProperties } from 'react';
import { useStore } from 'zustand';
import { useDesigner } from '../context';
import { useNodeCounts } from '../store/run-store';
import { testIds } from '../testids';
import type { FlowCanvasNode } from './derive';
import { iconFor } from './icons';
import { formatCounts } from './node-status';
import { labelledPorts, nodeSize, portsOf } from './ports';
import { useCanvasUi } from './ui-store';
import './canvas.css';

interface DrawnPort {
  name: string;
  /** Tooltip: the port's title and description from the node definition. */
  hint: string;
  /** Used by an edge but not declared by the node (e.g. a route that was renamed). */
  stray: boolean;
}

function drawn(ports: readonly { name: string; title?: string; description?: string }[], stray: readonly string[]): DrawnPort[] {
  return [
    ...ports.map((p) => ({ name: p.name, hint: [p.title ?? p.name, p.description].filter(Boolean).join(': '), stray: false })),
    ...stray.map((name) => ({ name, hint: `"${name}" does not exist on this node any more; remove or reconnect this connection`, stray: true })),
  ];
}

function PortHandle({ port, side }: { port: DrawnPort; side: 'in' | 'out' }) {
  return (
    <Handle
      type={side === 'in' ? 'target' : 'source'}
      position={side === 'in' ? Position.Left : Position.Right}
      id={port.name}
      isConnectable={!port.stray}
      className={port.stray ? 'canvas-handle canvas-handle--stray' : 'canvas-handle'}
      title={port.hint}
      aria-label={`${side === 'in' ? 'Input' : 'Output'} ${port.name}`}
    />
  );
}

/**
 * The one node component: draws any node type from its definition (icon, title, ports,
 * category colour), with its problem badge and, while the flow runs, its live counts. Each
 * node subscribes to its own badge and counts, so a change elsewhere does not redraw it.
 */
function FlowNodeView({ id, data }: NodeProps<FlowCanvasNode>) {
  const { registry, runs } = useDesigner();
  const { node, strayIn, strayOut } = data;
  const { def, inputs, outputs } = portsOf(registry, node);
  const badge = useStore(useCanvasUi(), (s) => s.badges.get(id));
  const counts = useNodeCounts(runs, id);

  const ins = drawn(inputs, strayIn);
  const outs = drawn(outputs, strayOut);
  const labelled = labelledPorts(ins.length, outs.length);

  // React Flow measures handle positions once; when ports come and go (a route gains an
  // output) or the node grows, it must measure again or edges attach to stale points.
  const updateInternals = useUpdateNodeInternals();
  const shapeKey = `${ins.map((p) => p.name).join(',')}|${outs.map((p) => p.name).join(',')}|${counts ? 1 : 0}`;
  const lastShape = useRef(shapeKey);
  useEffect(() => {
    if (lastShape.current === shapeKey) return;
    lastShape.current = shapeKey;
    updateInternals(id);
  }, [shapeKey, id, updateInternals]);

  const Icon = def ? iconFor(def.icon) : CircleQuestionMark;
  const label = node.label || id;
  const style = {
    minHeight: nodeSize(ins.length, outs.length).height,
    ...(def ? { '--canvas-cat': `var(--cat-${def.category})` } : {}),
  } as CSSProperties;

  return (
    <div className={def ? 'canvas-node' : 'canvas-node canvas-node--unknown'} data-testid={testIds.node(id)} style={style}>
      <div className="canvas-node-head">
        <Icon className="canvas-node-icon" size={16} aria-hidden="true" />
        <span className="canvas-node-label" title={label}>
          {label}
        </span>
      </div>
      <div className="canvas-node-type">{def ? def.title : `Unknown type "${node.type}"`}</div>
      {labelled ? (
        <div className="canvas-node-ports">
          <div className="canvas-ports canvas-ports-in">
            {ins.length > 1
              ? ins.map((p) => (
                  <div key={p.name} className={p.stray ? 'canvas-port canvas-port--stray' : 'canvas-port'}>
                    <PortHandle port={p} side="in" />
                    <span className="canvas-port-name">{p.name}</span>
                  </div>
                ))
              : null}
          </div>
          <div className="canvas-ports canvas-ports-out">
            {outs.length > 1
              ? outs.map((p) => (
                  <div key={p.name} className={p.stray ? 'canvas-port canvas-port--stray' : 'canvas-port'}>
                    <span className="canvas-port-name">{p.name}</span>
                    <PortHandle port={p} side="out" />
                  </div>
                ))
              : null}
          </div>
        </div>
      ) : null}
      {/* A side with one port has no name tag: its handle sits in the middle of the node's edge. */}
      {!labelled || ins.length === 1 ? ins.map((p) => <PortHandle key={`in:${p.name}`} port={p} side="in" />) : null}
      {!labelled || outs.length === 1 ? outs.map((p) => <PortHandle key={`out:${p.name}`} port={p} side="out" />) : null}
      {counts ? (
        <div className="canvas-node-counts" data-testid={testIds.nodeCounts(id)}>
          {formatCounts(counts)}
        </div>
      ) : null}
      {badge ? (
        <span
          className={`canvas-node-badge canvas-node-badge--${badge.severity}`}
          data-testid={testIds.nodeBadge(id)}
          title={badge.title}
          aria-label={`${badge.count} ${badge.count === 1 ? 'problem' : 'problems'}: ${badge.title}`}
        >
          {badge.count}
        </span>
      ) : null}
    </div>
  );
}

export const FlowNode = memo(FlowNodeView);
