import { applyNodeChanges, MarkerType, type Edge as XyEdge, type EdgeMarker, type Node, type NodeChange } from '@xyflow/react';
import { parseEndpoint, type FlowDocument, type NodeInstance } from '../../../shared/flow/document';
import type { Category } from '../../../shared/node-kit/define';
import type { Registry } from '../../../shared/node-kit/registry';
import type { StickyNote } from '../store/doc-ops';
import { edgeKey } from '../store/doc-ops';
import type { Selection } from '../store/flow-store';
import { NODE_WIDTH, portsOf } from './ports';

/**
 * The canvas is drawn from the document: these pure functions turn a FlowDocument (plus the
 * selection) into React Flow nodes and edges. Unchanged nodes keep their object identity between
 * documents, so React Flow re-renders only what an edit touched, not all 500 nodes.
 */

export type FlowNodeData = {
  node: NodeInstance;
  /** Category of the node's type; undefined for an unknown type. */
  category?: Category;
  /** Ports that edges use but the node does not have (e.g. a renamed route): drawn in red so the edge stays visible. */
  strayIn: readonly string[];
  strayOut: readonly string[];
};

export type NoteNodeData = { noteId: string; note: StickyNote };

export type FlowCanvasNode = Node<FlowNodeData, 'flow'>;
export type NoteCanvasNode = Node<NoteNodeData, 'note'>;
export type CanvasNode = FlowCanvasNode | NoteCanvasNode;

export type SchemaEdgeData = { from: string; to: string };
export type CanvasEdge = XyEdge<SchemaEdgeData, 'schema'>;

/** Sticky notes share React Flow's id space with nodes; the prefix keeps a node called "note" apart from a note. */
export const NOTE_PREFIX = 'note:';
export const DEFAULT_NOTE_SIZE = { width: 200, height: 100 };

export function noteNodeId(noteId: string): string {
  return `${NOTE_PREFIX}${noteId}`;
}

/** The note id of a React Flow node id, or undefined for a flow node. */
export function noteIdOf(canvasId: string): string | undefined {
  return canvasId.startsWith(NOTE_PREFIX) ? canvasId.slice(NOTE_PREFIX.length) : undefined;
}

/** Keeps what was handed out last time, so unchanged entries are returned as the same objects. */
export interface DeriveCache {
  nodes: Map<string, CanvasNode>;
  edges: Map<string, CanvasEdge>;
  lastNodes: CanvasNode[];
  lastEdges: CanvasEdge[];
}

export function createDeriveCache(): DeriveCache {
  return { nodes: new Map(), edges: new Map(), lastNodes: [], lastEdges: [] };
}

const EMPTY: readonly string[] = Object.freeze([]);

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Ports edges use that the nodes at their ends do not declare, per node id. */
function strayPorts(doc: FlowDocument, registry: Registry): { inputs: Map<string, string[]>; outputs: Map<string, string[]> } {
  const inputs = new Map<string, string[]>();
  const outputs = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, id: string, port: string) => {
    const list = map.get(id) ?? [];
    if (!list.includes(port)) list.push(port);
    map.set(id, list);
  };
  for (const e of doc.edges ?? []) {
    const a = parseEndpoint(e.from);
    const b = parseEndpoint(e.to);
    if (!a || !b) continue;
    const src = doc.nodes[a.node];
    const dst = doc.nodes[b.node];
    if (!src || !dst) continue;
    if (!portsOf(registry, src).outputs.some((p) => p.name === a.port)) add(outputs, a.node, a.port);
    if (!portsOf(registry, dst).inputs.some((p) => p.name === b.port)) add(inputs, b.node, b.port);
  }
  for (const list of [...inputs.values(), ...outputs.values()]) list.sort();
  return { inputs, outputs };
}

/**
 * Where a node without a saved position is drawn: in a row under everything else, in document
 * order, so hand-written files without a layout block still open readably.
 */
function fallbackPositions(doc: FlowDocument): Map<string, { x: number; y: number }> {
  const placed = doc.layout?.nodes ?? {};
  const missing = Object.keys(doc.nodes).filter((id) => !placed[id]);
  const out = new Map<string, { x: number; y: number }>();
  if (!missing.length) return out;
  const ys = Object.entries(placed)
    .filter(([id]) => doc.nodes[id])
    .map(([, p]) => p.y);
  const top = ys.length ? Math.max(...ys) + 160 : 0;
  missing.forEach((id, i) => out.set(id, { x: i * (NODE_WIDTH + 60), y: top }));
  return out;
}

/**
 * React Flow nodes of a document: sticky notes first (so nodes paint over them), then the flow
 * nodes in document order. `tabbable` is the one node reached with Tab (roving tab index), so a
 * 500-node flow is one tab stop, not 500.
 */
export function deriveNodes(doc: FlowDocument, registry: Registry, selection: Selection, cache: DeriveCache, tabbable?: string): CanvasNode[] {
  const out: CanvasNode[] = [];
  const seen = new Set<string>();
  const selNodes = new Set(selection.nodes);
  const selNotes = new Set(selection.notes);

  for (const [noteId, note] of Object.entries(doc.layout?.notes ?? {})) {
    const id = noteNodeId(noteId);
    const selected = selNotes.has(noteId);
    const width = note.width ?? DEFAULT_NOTE_SIZE.width;
    const height = note.height ?? DEFAULT_NOTE_SIZE.height;
    const prev = cache.nodes.get(id);
    let n: CanvasNode;
    if (prev && prev.type === 'note' && prev.data.note === note && prev.selected === selected) n = prev;
    else n = { id, type: 'note', position: { x: note.x, y: note.y }, width, height, selected, data: { noteId, note }, ariaLabel: `Note: ${note.text}`, domAttributes: { tabIndex: -1 } };
    cache.nodes.set(id, n);
    seen.add(id);
    out.push(n);
  }

  const stray = strayPorts(doc, registry);
  const fallback = fallbackPositions(doc);
  for (const [id, node] of Object.entries(doc.nodes)) {
    const pos = doc.layout?.nodes?.[id] ?? fallback.get(id) ?? { x: 0, y: 0 };
    const selected = selNodes.has(id);
    const tabIndex = id === tabbable ? 0 : -1;
    const strayIn = stray.inputs.get(id) ?? EMPTY;
    const strayOut = stray.outputs.get(id) ?? EMPTY;
    const prev = cache.nodes.get(id);
    let n: CanvasNode;
    if (
      prev &&
      prev.type === 'flow' &&
      prev.data.node === node &&
      prev.position.x === pos.x &&
      prev.position.y === pos.y &&
      prev.selected === selected &&
      prev.domAttributes?.tabIndex === tabIndex &&
      sameList(prev.data.strayIn, strayIn) &&
      sameList(prev.data.strayOut, strayOut)
    ) {
      n = prev;
    } else {
      const def = portsOf(registry, node).def;
      const label = node.label || id;
      n = {
        id,
        type: 'flow',
        position: { x: pos.x, y: pos.y },
        selected,
        data: { node, category: def?.category, strayIn, strayOut },
        ariaLabel: def ? `${label} (${def.title})` : `${label} (unknown type ${node.type})`,
        domAttributes: { tabIndex },
      };
    }
    cache.nodes.set(id, n);
    seen.add(id);
    out.push(n);
  }

  for (const id of [...cache.nodes.keys()]) if (!seen.has(id)) cache.nodes.delete(id);
  if (sameList(out.map((n) => n.id), cache.lastNodes.map((n) => n.id)) && out.every((n, i) => n === cache.lastNodes[i])) return cache.lastNodes;
  cache.lastNodes = out;
  return out;
}

/** React Flow edges of a document: id `from->to`, handles named after the ports. Edges to missing nodes are left out (the validator reports them). */
const ARROW: EdgeMarker = { type: MarkerType.ArrowClosed, width: 10, height: 10, color: '#8a94a6' };

export function deriveEdges(doc: FlowDocument, selection: Selection, cache: DeriveCache): CanvasEdge[] {
  const out: CanvasEdge[] = [];
  const seen = new Set<string>();
  const selected = new Set(selection.edges);
  for (const e of doc.edges ?? []) {
    const a = parseEndpoint(e.from);
    const b = parseEndpoint(e.to);
    if (!a || !b || !doc.nodes[a.node] || !doc.nodes[b.node]) continue;
    const id = edgeKey(e);
    if (seen.has(id)) continue;
    seen.add(id);
    const isSelected = selected.has(id);
    const srcLabel = doc.nodes[a.node]?.label || a.node;
    const dstLabel = doc.nodes[b.node]?.label || b.node;
    const ariaLabel = `Connection from ${srcLabel} (${a.port}) to ${dstLabel} (${b.port})`;
    const prev = cache.edges.get(id);
    const edge: CanvasEdge =
      prev && prev.selected === isSelected && prev.ariaLabel === ariaLabel
        ? prev
        : { id, type: 'schema', source: a.node, sourceHandle: a.port, target: b.node, targetHandle: b.port, selected: isSelected, ariaLabel, markerEnd: ARROW, data: { from: e.from, to: e.to } };
    cache.edges.set(id, edge);
    out.push(edge);
  }
  for (const id of [...cache.edges.keys()]) if (!seen.has(id)) cache.edges.delete(id);
  if (out.length === cache.lastEdges.length && out.every((e, i) => e === cache.lastEdges[i])) return cache.lastEdges;
  cache.lastEdges = out;
  return out;
}

/**
 * The node React Flow draws next to the derived one. Local nodes carry what only the canvas
 * knows (measured size, the live position while dragging); `baseOf` remembers which derived
 * node each local node came from.
 */
export type BaseMap = WeakMap<CanvasNode, CanvasNode>;

/**
 * Merges freshly derived nodes into the nodes React Flow holds: a local node whose derived
 * source has not changed is kept as is; otherwise the derived node wins, keeping the measured
 * size (so React Flow does not hide and re-measure it) and, mid-drag, the live position.
 */
export function reconcileNodes(derived: CanvasNode[], local: CanvasNode[], baseOf: BaseMap): CanvasNode[] {
  const byId = new Map(local.map((n) => [n.id, n]));
  let same = derived.length === local.length;
  const out = derived.map((d, i) => {
    const p = byId.get(d.id);
    let n: CanvasNode;
    if (p && baseOf.get(p) === d) n = p;
    else if (p && (p.measured || p.dragging)) {
      n = { ...d, ...(p.measured ? { measured: p.measured } : {}), ...(p.dragging ? { position: p.position, dragging: true } : {}) } as CanvasNode;
      baseOf.set(n, d);
    } else {
      n = d;
      baseOf.set(n, d);
    }
    if (n !== local[i]) same = false;
    return n;
  });
  return same ? local : out;
}

/**
 * Applies React Flow's position and size changes to the local nodes (selection is the store's
 * business and removal is done through the store), carrying each node's derived source along.
 */
export function applyLocalChanges(changes: NodeChange<CanvasNode>[], local: CanvasNode[], baseOf: BaseMap): CanvasNode[] {
  const relevant = changes.filter((c) => c.type === 'position' || c.type === 'dimensions');
  if (!relevant.length) return local;
  const next = applyNodeChanges(relevant, local);
  const before = new Map(local.map((n) => [n.id, n]));
  for (const n of next) {
    const p = before.get(n.id);
    if (p && p !== n) {
      const base = baseOf.get(p);
      if (base) baseOf.set(n, base);
    }
  }
  return next;
}

/** A selection change React Flow reports: one node, note or edge (un)selected. */
export interface SelectChange {
  id: string;
  selected: boolean;
}

function toggled(list: readonly string[], changes: readonly { key: string; selected: boolean }[]): string[] | undefined {
  let next = [...list];
  let changed = false;
  for (const c of changes) {
    const has = next.includes(c.key);
    if (c.selected && !has) {
      next.push(c.key);
      changed = true;
    } else if (!c.selected && has) {
      next = next.filter((k) => k !== c.key);
      changed = true;
    }
  }
  return changed ? next : undefined;
}

/**
 * The store selection after React Flow's select changes for nodes (which include notes, by
 * their prefixed ids) and edges; undefined when nothing changes, so the store is not touched.
 */
export function nextSelection(selection: Selection, nodeChanges: readonly SelectChange[], edgeChanges: readonly SelectChange[]): Selection | undefined {
  const nodes = toggled(
    selection.nodes,
    nodeChanges.filter((c) => noteIdOf(c.id) === undefined).map((c) => ({ key: c.id, selected: c.selected })),
  );
  const notes = toggled(
    selection.notes,
    nodeChanges.flatMap((c) => {
      const noteId = noteIdOf(c.id);
      return noteId === undefined ? [] : [{ key: noteId, selected: c.selected }];
    }),
  );
  const edges = toggled(selection.edges, edgeChanges.map((c) => ({ key: c.id, selected: c.selected })));
  if (!nodes && !notes && !edges) return undefined;
  return { nodes: nodes ?? selection.nodes, edges: edges ?? selection.edges, notes: notes ?? selection.notes };
}
