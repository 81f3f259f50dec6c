import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo, useState } from 'react';
import { useDesigner, useFlowState } from '../context';
import type { CanvasEdge } from './derive';
import { edgeSchemaLines } from './edge-schema';
import './canvas.css';

// Inline, not in the stylesheet: the PNG/SVG export copies inline styles of SVG paths only.
const EDGE_STYLE = { stroke: '#8a94a6', strokeWidth: 2 };
const SELECTED_STYLE = { stroke: '#2157d5', strokeWidth: 3 };

/**
 * An edge that shows, on hover, the fields of the records it carries. The schema is only
 * worked out while the pointer is over the edge, so idle edges cost nothing.
 */
function SchemaEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, data, selected }: EdgeProps<CanvasEdge>) {
  const { registry } = useDesigner();
  const [hover, setHover] = useState(false);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  const from = data?.from;
  // A string, not an array, so the selector's result compares equal between store updates.
  const text = useFlowState((s) => (hover && from ? edgeSchemaLines(registry, s.doc, from).join('\n') : ''));

  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={0} className="canvas-edge" style={selected ? SELECTED_STYLE : EDGE_STYLE} />
      <path d={path} className="canvas-edge-hit" fill="none" strokeWidth={18} onMouseEnter={() => setHover(true)} onMouseLeave={() => setHover(false)} />
      {hover && text ? (
        <EdgeLabelRenderer>
          <div className="canvas-edge-tip" role="tooltip" style={{ transform: `translate(-50%, -100%) translate(${labelX}px, ${labelY - 10}px)` }}>
            <div className="canvas-edge-tip-title">Fields on this connection</div>
            {text.split('\n').map((line, i) => (
              <div key={i} className="canvas-edge-tip-line">
                {line}
              </div>
            ))}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}

export const SchemaEdge = memo(SchemaEdgeView);
