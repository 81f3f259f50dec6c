import { useRef } from 'react';
import { useDesigner, useFlowState } from '../context';
import { FlowSettings } from './FlowSettings';
import { NodeInspector } from './NodeInspector';
import './inspector.css';

/**
 * The right-hand panel (the editor screen puts it in its "Inspector" landmark): the selected node's settings, a count when several nodes are selected,
 * or the flow's own settings when none is.
 */
export function Inspector() {
  const { store } = useDesigner();
  const count = useFlowState((s) => s.selection.nodes.length);
  const only = useFlowState((s) => (s.selection.nodes.length === 1 && s.doc.nodes[s.selection.nodes[0] as string] ? s.selection.nodes[0] : undefined));
  // Focus requests already answered; kept here so it outlives each node's form.
  const handled = useRef(store.getState().focus.seq);
  return (
    <div className="inspector">
      {only ? (
        <NodeInspector key={only} id={only} handled={handled} />
      ) : count > 1 ? (
        <div className="inspector-multi">
          <h2>{count} nodes selected</h2>
          <p className="inspector-help">Select a single node to edit its settings.</p>
        </div>
      ) : (
        <FlowSettings handled={handled} />
      )}
    </div>
  );
}
