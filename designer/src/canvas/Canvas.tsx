import {
  Background,
  Controls,
  MiniMap,
  NodeToolbar,
  Panel,
  Position,
  ReactFlow,
  ReactFlowProvider,
  ViewportPortal,
  useConnection,
  useReactFlow,
  type AriaLabelConfig,
  type Connection,
  type EdgeChange,
  type FitViewOptions,
  type IsValidConnection,
  type NodeChange,
  type OnConnectEnd,
  type NodeTypes,
  type EdgeTypes,
} from '@xyflow/react';
import { Cable, FileCode, ImageDown, Maximize, Network, StickyNote } from 'lucide-react';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type FocusEvent, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import { checkConnection } from '../../../shared/validate/connect';
import { useDesigner, useFlowState } from '../context';
import { GRID, snap, type Point, type StickyNote as Note } from '../store/doc-ops';
import type { FlowStore } from '../store/flow-store';
import { ConnectMenu } from './ConnectMenu';
import { FlowNode } from './FlowNode';
import { NoteNode } from './NoteNode';
import { SchemaEdge } from './SchemaEdge';
import { fragmentToPaste, NODE_TYPE_MIME, PASTE_OFFSET, rememberFragment } from './clipboard';
import {
  applyLocalChanges,
  createDeriveCache,
  DEFAULT_NOTE_SIZE,
  deriveEdges,
  deriveNodes,
  nextSelection,
  noteIdOf,
  reconcileNodes,
  type BaseMap,
  type CanvasEdge,
  type CanvasNode,
  type SelectChange,
} from './derive';
import { exportImage } from './export-image';
import { knownBadges, nodeBadges } from './node-status';
import { layoutFlow } from './layout';
import { ARROW_DIRECTIONS, firstNode, nearestInDirection, type Direction } from './navigate';
import { freeSpotInView } from './placement';
import { NODE_WIDTH } from './ports';
import { CanvasUiContext, createCanvasUi, onNodeFocusRequest, useCanvasUi, type CanvasUiStore } from './ui-store';
import './canvas.css';

/**
 * The flow canvas: React Flow drawn from the store's document. Positions live locally while a
 * node is dragged and reach the store once, at drag end (one undo entry per gesture); every
 * other edit goes through a store action and comes back as a new document.
 */
export function Canvas() {
  return (
    <ReactFlowProvider>
      <CanvasInner />
    </ReactFlowProvider>
  );
}

const nodeTypes: NodeTypes = { flow: FlowNode, note: NoteNode } as NodeTypes;
const edgeTypes: EdgeTypes = { schema: SchemaEdge } as EdgeTypes;

const FIT: FitViewOptions<CanvasNode> = { padding: 0.15, maxZoom: 1.25 };
/** Below this zoom a whole flow is too small to read: a big flow opens at its top-left corner instead. */
const SMALLEST_FIT = 0.5;
const READABLE_ZOOM = 0.8;
const SMALL_FLOW = 60;
const SMALL_FLOW_MIN_ZOOM = 0.3;
const SNAP_GRID: [number, number] = [20, 20];
/** Above this many nodes only what is on screen is drawn. */
const RENDER_VISIBLE_ONLY_ABOVE = 200;
/** Frames to wait for a new node to be drawn before focusing it. */
const FOCUS_FRAMES = 30;
const FALLBACK_HEIGHT = 60;

const ARIA: Partial<AriaLabelConfig> = {
  'node.a11yDescription.default':
    'Press Enter to select this node. Arrow keys go to the nearest node, Shift+arrow keys move the selected nodes, C opens the Connect to menu, Delete removes the selection, Ctrl+C and Ctrl+V copy and paste.',
  'node.a11yDescription.keyboardDisabled': 'Press Enter to select this node.',
  'controls.ariaLabel': 'Zoom controls',
  'minimap.ariaLabel': 'Overview map',
};

function isTyping(el: Element | null): boolean {
  return !!el?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]');
}

function nodeIdOfElement(el: Element | null, kind: 'flow' | 'note'): string | undefined {
  const wrapper = el?.closest<HTMLElement>(`.react-flow__node-${kind}`);
  return wrapper?.dataset.id ?? undefined;
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** The store edge under a screen point, found through the drawn edge elements. */
function edgeAt(store: FlowStore, x: number, y: number) {
  const hit = document.elementsFromPoint?.(x, y) ?? [];
  for (const el of hit) {
    const id = el.closest('.react-flow__edge')?.getAttribute('data-id');
    if (!id) continue;
    const edge = (store.getState().doc.edges ?? []).find((e) => `${e.from}->${e.to}` === id);
    if (edge) return { edge, element: el.closest('.react-flow__edge') as Element };
  }
  return undefined;
}

function CanvasInner() {
  const { store, registry } = useDesigner();
  const [ui] = useState<CanvasUiStore>(createCanvasUi);
  const doc = useFlowState((s) => s.doc);
  const selection = useFlowState((s) => s.selection);
  const active = useStore(ui, (s) => s.active);
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  const [cache] = useState(createDeriveCache);
  const [baseOf] = useState<BaseMap>(() => new WeakMap());
  const [exporting, setExporting] = useState(false);
  const [layingOut, setLayingOut] = useState(false);
  const pendingFit = useRef(false);
  const dropTarget = useRef<Element | null>(null);

  const tabbable = useMemo(() => {
    if (active && doc.nodes[active]) return active;
    const selected = selection.nodes.find((id) => doc.nodes[id]);
    return selected ?? firstNode(doc.layout?.nodes ?? {}, Object.keys(doc.nodes));
  }, [doc, selection, active]);
  const derived = useMemo(() => deriveNodes(doc, registry, selection, cache, tabbable), [doc, registry, selection, cache, tabbable]);
  const edges = useMemo(() => deriveEdges(doc, selection, cache), [doc, selection, cache]);

  // Local nodes: the derived ones plus what only React Flow knows (sizes, live drag positions).
  const [nodes, setNodes] = useState<CanvasNode[]>(() => reconcileNodes(derived, [], baseOf));
  const [seen, setSeen] = useState(derived);
  if (seen !== derived) {
    setSeen(derived);
    setNodes((prev) => reconcileNodes(derived, prev, baseOf));
  }
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      setNodes((prev) => applyLocalChanges(changes, prev, baseOf));
      const picks: SelectChange[] = changes.flatMap((c) => (c.type === 'select' ? [{ id: c.id, selected: c.selected }] : []));
      if (picks.length) {
        const next = nextSelection(store.getState().selection, picks, []);
        if (next) store.getState().select(next);
      }
    },
    [store, baseOf],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<CanvasEdge>[]) => {
      const picks: SelectChange[] = changes.flatMap((c) => (c.type === 'select' ? [{ id: c.id, selected: c.selected }] : []));
      if (!picks.length) return;
      const next = nextSelection(store.getState().selection, [], picks);
      if (next) store.getState().select(next);
    },
    [store],
  );

  const isValidConnection = useCallback<IsValidConnection<CanvasEdge>>(
    (c) => !!c.sourceHandle && !!c.targetHandle && checkConnection(store.getState().doc, registry, `${c.source}:${c.sourceHandle}`, `${c.target}:${c.targetHandle}`).ok,
    [store, registry],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (c.sourceHandle && c.targetHandle) store.getState().connect(`${c.source}:${c.sourceHandle}`, `${c.target}:${c.targetHandle}`);
    },
    [store],
  );

  // Dropped on a port the rules refuse: React Flow draws nothing, the store says why (a toast).
  const onConnectEnd = useCallback<OnConnectEnd>(
    (_e, c) => {
      if (c.isValid !== false || !c.toHandle || !c.fromHandle || c.fromHandle.type === c.toHandle.type) return;
      const [src, dst] = c.fromHandle.type === 'source' ? [c.fromHandle, c.toHandle] : [c.toHandle, c.fromHandle];
      store.getState().connect(`${src.nodeId}:${src.id ?? ''}`, `${dst.nodeId}:${dst.id ?? ''}`);
    },
    [store],
  );

  const dragSeq = useRef(0);
  const commitDrag = useCallback(
    (dragged: CanvasNode[]) => {
      const s = store.getState();
      const moves: Record<string, Point> = {};
      const notes: [string, Note][] = [];
      for (const n of dragged) {
        const p = snap(n.position);
        if (n.type === 'note') {
          const note = s.doc.layout?.notes?.[n.data.noteId];
          if (note && (note.x !== p.x || note.y !== p.y)) notes.push([n.data.noteId, { ...note, ...p }]);
        } else if (s.doc.nodes[n.id]) {
          const old = s.doc.layout?.nodes?.[n.id];
          if (!old || old.x !== p.x || old.y !== p.y) moves[n.id] = p;
        }
      }
      // Notes dragged together join one undo entry; nodes are one moveNodes call.
      const key = `canvas-drag-${++dragSeq.current}`;
      for (const [id, note] of notes) s.setNote(id, note, { coalesce: key });
      if (Object.keys(moves).length) s.moveNodes(moves);
    },
    [store],
  );
  const onNodeDragStop = useCallback((_e: unknown, _n: CanvasNode, dragged: CanvasNode[]) => commitDrag(dragged), [commitDrag]);
  const onSelectionDragStop = useCallback((_e: unknown, dragged: CanvasNode[]) => commitDrag(dragged), [commitDrag]);

  /** Pans so the node is on screen, keeping the zoom. */
  const revealNode = useCallback(
    (id: string) => {
      const n = flow.getInternalNode(id);
      const box = wrapper.current?.getBoundingClientRect();
      if (!n || !box) return;
      const { x, y, zoom } = flow.getViewport();
      const w = n.measured.width ?? NODE_WIDTH;
      const h = n.measured.height ?? FALLBACK_HEIGHT;
      const left = n.internals.positionAbsolute.x * zoom + x;
      const top = n.internals.positionAbsolute.y * zoom + y;
      if (left < 0 || top < 0 || left + w * zoom > box.width || top + h * zoom > box.height) {
        void flow.setCenter(n.internals.positionAbsolute.x + w / 2, n.internals.positionAbsolute.y + h / 2, { zoom });
      }
    },
    [flow],
  );

  /** Focuses a node once it is drawn (a node just added, or one off screen, appears a frame or two later). */
  const focusNode = useCallback(
    (id: string) => {
      ui.getState().set({ active: id });
      let revealed = false;
      const attempt = (left: number) => {
        if (!revealed && flow.getInternalNode(id)) {
          revealed = true;
          revealNode(id);
        }
        const el = wrapper.current?.querySelector<HTMLElement>(`.react-flow__node[data-id="${id}"]`);
        // A node stays hidden until React Flow has measured it, and hidden elements refuse focus.
        el?.focus({ preventScroll: true });
        if (el && document.activeElement === el) return;
        if (left > 0) requestAnimationFrame(() => attempt(left - 1));
      };
      attempt(FOCUS_FRAMES);
    },
    [flow, ui, revealNode],
  );

  useEffect(() => onNodeFocusRequest(store, focusNode), [store, focusNode]);

  const moveFocus = useCallback(
    (direction: Direction, from: Element | null) => {
      const s = store.getState();
      const start = nodeIdOfElement(from, 'flow') ?? s.selection.nodes[0] ?? ui.getState().active;
      const boxes = nodesRef.current.flatMap((n) =>
        n.type === 'flow' ? [{ id: n.id, x: n.position.x, y: n.position.y, width: n.measured?.width ?? NODE_WIDTH, height: n.measured?.height ?? FALLBACK_HEIGHT }] : [],
      );
      const target = start && s.doc.nodes[start] ? nearestInDirection(start, direction, boxes) : firstNode(s.doc.layout?.nodes ?? {}, Object.keys(s.doc.nodes));
      if (!target) return;
      s.select({ nodes: [target], edges: [], notes: [] });
      focusNode(target);
    },
    [store, ui, focusNode],
  );

  const openMenu = useCallback(
    (id: string) => {
      store.getState().select({ nodes: [id], edges: [], notes: [] });
      ui.getState().set({ menuFor: id, active: id });
    },
    [store, ui],
  );

  /** Shift+arrow: the keyboard way to move the selected nodes, one grid step per press. */
  const nudgeSelection = useCallback(
    (direction: Direction) => {
      const s = store.getState();
      const dx = direction === 'left' ? -GRID : direction === 'right' ? GRID : 0;
      const dy = direction === 'up' ? -GRID : direction === 'down' ? GRID : 0;
      const at = new Map(nodesRef.current.map((n) => [n.id, n.position]));
      const moves: Record<string, Point> = {};
      for (const id of s.selection.nodes) {
        const p = at.get(id);
        if (p) moves[id] = { x: p.x + dx, y: p.y + dy };
      }
      if (Object.keys(moves).length) s.moveNodes(moves);
    },
    [store],
  );

  const onKeyDownCapture = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as Element;
    if (isTyping(target) || target.closest('.canvas-menu, .canvas-toolbar, .react-flow__panel')) return;
    const direction = ARROW_DIRECTIONS[e.key];
    // Caught before React Flow's own handler, which would nudge the selected nodes behind the
    // store's back instead.
    if (direction && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      e.stopPropagation();
      if (e.shiftKey) nudgeSelection(direction);
      else moveFocus(direction, target);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as Element;
    if (e.defaultPrevented || isTyping(target) || target.closest('.canvas-menu, .canvas-toolbar, .react-flow__controls, .react-flow__panel')) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if ((e.key === 'Delete' || e.key === 'Backspace') && !mod) {
      e.preventDefault();
      store.getState().deleteSelection();
      wrapper.current?.focus({ preventScroll: true });
    } else if (mod && !e.altKey && !e.shiftKey && key === 'c') {
      // The copy event also puts it on the system clipboard; storage makes paste work without permission.
      const fragment = store.getState().copySelection();
      if (fragment) rememberFragment(fragment);
    } else if (!mod && !e.altKey && key === 'c') {
      const id = nodeIdOfElement(target, 'flow');
      if (id) {
        e.preventDefault();
        openMenu(id);
      }
    } else if (e.key === 'Enter' && !mod) {
      const wrapperId = nodeIdOfElement(target, 'note');
      const noteId = wrapperId === undefined ? undefined : noteIdOf(wrapperId);
      if (noteId) {
        e.preventDefault();
        store.getState().select({ nodes: [], edges: [], notes: [noteId] });
        ui.getState().set({ editingNote: noteId });
      }
    }
  };

  // Clipboard events reach the focused element or the body, so they are caught on the document
  // and handled only while focus is on the canvas.
  useEffect(() => {
    const inCanvas = () => {
      const el = document.activeElement;
      return !!el && !!wrapper.current?.contains(el) && !isTyping(el);
    };
    const onCopy = (e: ClipboardEvent) => {
      if (!inCanvas()) return;
      const fragment = store.getState().copySelection();
      if (!fragment) return;
      const text = rememberFragment(fragment);
      if (e.clipboardData) {
        e.clipboardData.setData('text/plain', text);
        e.preventDefault();
      }
    };
    const onPaste = (e: ClipboardEvent) => {
      if (!inCanvas()) return;
      const fragment = fragmentToPaste(e.clipboardData?.getData('text/plain'));
      if (!fragment) return;
      e.preventDefault();
      store.getState().paste(fragment, PASTE_OFFSET);
      const first = store.getState().selection.nodes[0];
      if (first) focusNode(first);
    };
    document.addEventListener('copy', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, [store, focusNode]);

  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    const id = nodeIdOfElement(e.target, 'flow');
    if (id && e.target.classList.contains('react-flow__node') && ui.getState().active !== id) ui.getState().set({ active: id });
  };

  /** The flow point in the middle of what is on screen. */
  const viewCenter = useCallback(() => {
    const box = wrapper.current?.getBoundingClientRect();
    const c = box ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
    return Number.isFinite(c.x) && Number.isFinite(c.y) ? c : { x: 0, y: 0 };
  }, [flow]);

  const markDropTarget = (el: Element | null) => {
    if (dropTarget.current === el) return;
    dropTarget.current?.classList.remove('canvas-edge--drop');
    el?.classList.add('canvas-edge--drop');
    dropTarget.current = el;
  };

  const onDragOver = (e: DragEvent<HTMLDivElement>) => {
    if (!e.dataTransfer.types.includes(NODE_TYPE_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    markDropTarget(edgeAt(store, e.clientX, e.clientY)?.element ?? null);
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    markDropTarget(null);
    const type = e.dataTransfer.getData(NODE_TYPE_MIME);
    if (!type) return;
    e.preventDefault();
    if (!registry.node(type)) {
      store.getState().notify(`Unknown node type "${type}"`);
      return;
    }
    const dropped = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    // A drop without pointer coordinates (synthetic events) lands in the middle of the view.
    const p = Number.isFinite(dropped.x) && Number.isFinite(dropped.y) ? dropped : viewCenter();
    const at = { x: p.x - NODE_WIDTH / 2, y: p.y - FALLBACK_HEIGHT / 2 };
    const hit = edgeAt(store, e.clientX, e.clientY);
    if (hit) {
      const r = store.getState().insertNodeOnEdge(type, hit.edge, at);
      if (r.ok) focusNode(r.id);
    } else {
      focusNode(store.getState().addNode(type, at));
    }
  };

  const onPaneClick = useCallback(() => {
    ui.getState().set({ menuFor: undefined });
    wrapper.current?.focus({ preventScroll: true });
  }, [ui]);

  // Problem badges follow the document a moment later, when the browser is idle, so that
  // validating a big flow never holds up drawing or dragging.
  useEffect(() => {
    const known = knownBadges(registry, doc);
    if (known) {
      ui.getState().set({ badges: known });
      return;
    }
    const refresh = () => ui.getState().set({ badges: nodeBadges(registry, doc) });
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(refresh, { timeout: 1000 });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(refresh, 30);
    return () => clearTimeout(timer);
  }, [doc, registry, ui]);

  /** Shows a newly opened flow: all of it when it is readable that way, else its top-left corner. */
  const showFlow = useCallback(() => {
    const box = wrapper.current?.getBoundingClientRect();
    const placed = nodesRef.current;
    if (!box?.width || !box.height || !placed.length) {
      void flow.fitView(FIT);
      return;
    }
    const xs = placed.map((n) => n.position.x);
    const ys = placed.map((n) => n.position.y);
    const minX = Math.min(...xs);
    const minY = Math.min(...ys);
    const width = Math.max(...xs) + NODE_WIDTH - minX;
    const height = Math.max(...ys) + 2 * FALLBACK_HEIGHT - minY;
    const zoom = Math.min(box.width / (width * (1 + 2 * 0.15)), box.height / (height * (1 + 2 * 0.15)));
    // A flow of a few dozen nodes is read best whole, even small; a big one opens readable at its start.
    if (zoom >= SMALLEST_FIT || (placed.length <= SMALL_FLOW && zoom >= SMALL_FLOW_MIN_ZOOM)) void flow.fitView(FIT);
    else void flow.setViewport({ x: 40 - minX * READABLE_ZOOM, y: 40 - minY * READABLE_ZOOM, zoom: READABLE_ZOOM });
  }, [flow]);

  // On first show, and when another flow is loaded into the store.
  const shownFlow = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (shownFlow.current === doc.id) return;
    if (shownFlow.current !== undefined) ui.getState().set({ active: undefined, menuFor: undefined, editingNote: undefined });
    shownFlow.current = doc.id;
    showFlow();
  }, [doc.id, ui, showFlow]);
  useEffect(() => {
    if (!pendingFit.current) return;
    pendingFit.current = false;
    void flow.fitView({ ...FIT, duration: 200 });
  }, [nodes, flow]);

  const autoLayout = useCallback(async () => {
    setLayingOut(true);
    try {
      const positions = await layoutFlow(store.getState().doc, registry);
      pendingFit.current = true;
      store.getState().applyLayout(positions);
    } catch (err) {
      store.getState().notify(`Auto-layout failed: ${(err as Error).message}`);
    } finally {
      setLayingOut(false);
    }
  }, [store, registry]);

  const addNote = useCallback(() => {
    // Somewhere visible and free, so the note is not hidden under a node.
    const box = wrapper.current?.getBoundingClientRect();
    let at = viewCenter();
    if (box?.width && box.height) {
      const a = flow.screenToFlowPosition({ x: box.left, y: box.top });
      const b = flow.screenToFlowPosition({ x: box.right, y: box.bottom });
      const taken = nodesRef.current.map((n) => ({ id: n.id, x: n.position.x, y: n.position.y, width: n.measured?.width ?? n.width ?? NODE_WIDTH, height: n.measured?.height ?? n.height ?? FALLBACK_HEIGHT }));
      if ([a.x, a.y, b.x, b.y].every(Number.isFinite)) at = freeSpotInView({ x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y }, DEFAULT_NOTE_SIZE, taken);
    } else {
      at = { x: at.x - DEFAULT_NOTE_SIZE.width / 2, y: at.y - DEFAULT_NOTE_SIZE.height / 2 };
    }
    const id = store.getState().addNote(at);
    ui.getState().set({ editingNote: id });
  }, [viewCenter, flow, store, ui]);

  const exportAs = useCallback(
    async (kind: 'png' | 'svg') => {
      setExporting(true);
      try {
        // Off-screen nodes are not drawn on big flows: draw them all, and wait until they are.
        for (let i = 0; i < 30; i++) {
          await nextFrame();
          const drawn = wrapper.current?.querySelectorAll('.react-flow__node').length ?? 0;
          if (drawn >= nodesRef.current.length) break;
        }
        const viewport = wrapper.current?.querySelector<HTMLElement>('.react-flow__viewport');
        if (!viewport) return;
        await exportImage(kind, store.getState().doc.id, flow.getNodes(), viewport);
      } catch (err) {
        store.getState().notify(`Could not export the picture: ${(err as Error).message}`);
      } finally {
        setExporting(false);
      }
    },
    [flow, store],
  );

  const fit = useCallback(() => void flow.fitView({ ...FIT, duration: 200 }), [flow]);

  // The overview map draws every node; on a big flow it waits until the canvas is up.
  const big = nodes.length > RENDER_VISIBLE_ONLY_ABOVE;
  const [mapReady, setMapReady] = useState(!big);
  useEffect(() => {
    if (mapReady) return;
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(() => setMapReady(true), { timeout: 2000 });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(() => setMapReady(true), 100);
    return () => clearTimeout(timer);
  }, [mapReady]);

  return (
    <CanvasUiContext.Provider value={ui}>
      <div
        ref={wrapper}
        className="canvas"
        tabIndex={-1}
        role="group"
        aria-label="Flow canvas"
        onKeyDownCapture={onKeyDownCapture}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
        onDragOver={onDragOver}
        onDragLeave={() => markDropTarget(null)}
        onDrop={onDrop}
      >
        <ReactFlow<CanvasNode, CanvasEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onNodeDragStop={onNodeDragStop}
          onSelectionDragStop={onSelectionDragStop}
          onPaneClick={onPaneClick}
          deleteKeyCode={null}
          edgesFocusable={false}
          snapToGrid
          snapGrid={SNAP_GRID}
          minZoom={0.05}
          maxZoom={2}
          onlyRenderVisibleElements={big && !exporting}
          ariaLabelConfig={ARIA}
        >
          <Background gap={20} />
          <Controls showInteractive={false} showFitView={false} />
          {mapReady ? <MiniMap pannable zoomable nodeClassName={miniMapClass} /> : null}
          <CanvasActions busy={layingOut || exporting} onLayout={autoLayout} onFit={fit} onNote={addNote} onExport={exportAs} />
          <SelectedNodeToolbar focusNode={focusNode} />
          <ConnectionHint />
        </ReactFlow>
      </div>
    </CanvasUiContext.Provider>
  );
}

function miniMapClass(node: CanvasNode): string {
  return node.type === 'note' ? 'canvas-mini canvas-mini--note' : `canvas-mini canvas-mini--${node.data.category ?? 'unknown'}`;
}

interface ActionsProps {
  busy: boolean;
  onLayout(): void;
  onFit(): void;
  onNote(): void;
  onExport(kind: 'png' | 'svg'): void;
}

const CanvasActions = memo(function CanvasActions({ busy, onLayout, onFit, onNote, onExport }: ActionsProps) {
  return (
    <Panel position="top-right" className="canvas-actions" aria-label="Canvas tools">
      <button type="button" aria-label="Auto-layout" title="Arrange the nodes left to right" disabled={busy} onClick={onLayout}>
        <Network size={16} aria-hidden="true" />
      </button>
      <button type="button" aria-label="Zoom to fit" title="Show the whole flow" onClick={onFit}>
        <Maximize size={16} aria-hidden="true" />
      </button>
      <button type="button" aria-label="Add note" title="Add a sticky note" onClick={onNote}>
        <StickyNote size={16} aria-hidden="true" />
      </button>
      <button type="button" aria-label="Export PNG" title="Download a picture of the flow (PNG)" disabled={busy} onClick={() => onExport('png')}>
        <ImageDown size={16} aria-hidden="true" />
      </button>
      <button type="button" aria-label="Export SVG" title="Download a picture of the flow (SVG)" disabled={busy} onClick={() => onExport('svg')}>
        <FileCode size={16} aria-hidden="true" />
      </button>
    </Panel>
  );
});

/** "Connect to…" over the one selected node. */
const SelectedNodeToolbar = memo(function SelectedNodeToolbar({ focusNode }: { focusNode(id: string): void }) {
  const ui = useCanvasUi();
  const nodeId = useFlowState((s) => {
    const sel = s.selection;
    const only = sel.nodes.length === 1 && sel.notes.length === 0 ? sel.nodes[0] : undefined;
    return only !== undefined && s.doc.nodes[only] ? only : undefined;
  });
  const open = useStore(ui, (s) => nodeId !== undefined && s.menuFor === nodeId);
  if (nodeId === undefined) return null;
  return (
    <NodeToolbar nodeId={nodeId} isVisible position={Position.Top} className="canvas-toolbar nodrag nopan">
      <button
        type="button"
        className="canvas-toolbar-button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => ui.getState().set({ menuFor: open ? undefined : nodeId })}
      >
        <Cable size={14} aria-hidden="true" /> Connect to…
      </button>
      {open ? (
        <ConnectMenu
          nodeId={nodeId}
          onClose={(why) => {
            ui.getState().set({ menuFor: undefined });
            if (why !== 'blur') focusNode(nodeId);
          }}
        />
      ) : null}
    </NodeToolbar>
  );
});

/** While a connection is dragged over a port it may not join, says why, next to the pointer. */
function ConnectionHint() {
  const { store, registry } = useDesigner();
  const hint = useConnection((c) => {
    if (!c.inProgress || !c.toHandle || c.isValid !== false) return { text: '', x: 0, y: 0 };
    const a = c.fromHandle;
    const b = c.toHandle;
    if (a.type === b.type) return { text: 'Connect an output (right side) to an input (left side)', x: c.to.x, y: c.to.y };
    const [src, dst] = a.type === 'source' ? [a, b] : [b, a];
    const r = checkConnection(store.getState().doc, registry, `${src.nodeId}:${src.id ?? ''}`, `${dst.nodeId}:${dst.id ?? ''}`);
    return { text: r.ok ? '' : `Cannot connect: ${r.reason}`, x: c.to.x, y: c.to.y };
  });
  if (!hint.text) return null;
  return (
    <ViewportPortal>
      <div className="canvas-connect-hint" role="status" style={{ transform: `translate(${hint.x + 14}px, ${hint.y + 14}px)` }}>
        {hint.text}
      </div>
    </ViewportPortal>
  );
}
