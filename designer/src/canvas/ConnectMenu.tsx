import { useEffect, useMemo, useRef, type FocusEvent, type KeyboardEvent } from 'react';
import { useDesigner, useFlowState } from '../context';
import { connectionTargets, existingConnections } from './connect-targets';
import './canvas.css';

export interface ConnectMenuProps {
  nodeId: string;
  /** Called after a choice or Escape; `chosen` tells whether a connection was made. */
  onClose(reason: 'chosen' | 'escape' | 'blur'): void;
}

/**
 * The keyboard way to draw an edge: every connection the shared rules allow from this node's
 * outputs, as menu items (arrow keys, Home/End, Enter). Focus goes to the first item on open.
 */
export function ConnectMenu({ nodeId, onClose }: ConnectMenuProps) {
  const { store, registry } = useDesigner();
  const doc = useFlowState((s) => s.doc);
  const targets = useMemo(() => connectionTargets(doc, registry, nodeId), [doc, registry, nodeId]);
  // Removing an edge must not need a mouse either: the node's connections follow its targets.
  const existing = useMemo(() => existingConnections(doc, nodeId), [doc, nodeId]);
  const ref = useRef<HTMLDivElement>(null);
  const label = doc.nodes[nodeId]?.label || nodeId;

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, []);

  const items = () => [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    let next: number | undefined;
    if (e.key === 'ArrowDown') next = (at + 1) % list.length;
    else if (e.key === 'ArrowUp') next = (at - 1 + list.length) % list.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = list.length - 1;
    else if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      onClose('escape');
    }
    if (next !== undefined && list.length) {
      e.preventDefault();
      list[next]?.focus();
    }
    // Keys typed here belong to the menu, not to the canvas shortcuts around it.
    e.stopPropagation();
  };

  const onBlur = (e: FocusEvent<HTMLDivElement>) => {
    const next = e.relatedTarget as Element | null;
    // Focus moving to the toolbar (its "Connect to…" toggle) is the toolbar's business.
    if (ref.current?.contains(next) || next?.closest('.canvas-toolbar')) return;
    onClose('blur');
  };

  return (
    <div ref={ref} className="canvas-menu nodrag nopan nowheel" role="menu" aria-label={`Connect ${label} to`} onKeyDown={onKeyDown} onBlur={onBlur}>
      {targets.length ? (
        targets.map((t) => (
          <button
            key={`${t.from}->${t.to}`}
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="canvas-menu-item"
            onClick={() => {
              store.getState().connect(t.from, t.to);
              onClose('chosen');
            }}
          >
            {t.text}
          </button>
        ))
      ) : (
        <div role="menuitem" tabIndex={-1} aria-disabled="true" className="canvas-menu-item canvas-menu-item--empty">
          Nothing this node can connect to yet
        </div>
      )}
      {existing.length ? <div role="separator" className="canvas-menu-separator" /> : null}
      {existing.map((c) => (
        <button
          key={`x:${c.edge.from}->${c.edge.to}`}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className="canvas-menu-item canvas-menu-item--remove"
          onClick={() => {
            store.getState().removeEdges([c.edge]);
            onClose('chosen');
          }}
        >
          {c.text}
        </button>
      ))}
    </div>
  );
}
