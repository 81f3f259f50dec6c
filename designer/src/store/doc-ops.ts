import { CURRENT_FORMAT, parseEndpoint, slugify, type Edge, type ErrorPolicy, type FlowDocument, type NodeInstance, type ResourceInstance } from '../../../shared/flow/document';
import type { Registry } from '../../../shared/node-kit/registry';
import { checkConnection, nodePorts } from '../../../shared/validate/connect';

/**
 * Pure edits of a flow document: each takes a document and returns a new one, leaving the input
 * untouched, so the store can keep old documents for undo and React can compare by reference.
 * Every gesture of the designer is one of these; the canvas is drawn from the result.
 */

export interface Point {
  x: number;
  y: number;
}

export type StickyNote = NonNullable<NonNullable<FlowDocument['layout']>['notes']>[string];

/** Positions are whole numbers on a 20-pixel grid, so files stay stable and diffs small. */
export const GRID = 20;

export function snap(p: Point): Point {
  return { x: Math.round(p.x / GRID) * GRID, y: Math.round(p.y / GRID) * GRID };
}

export function emptyFlow(id: string, name?: string): FlowDocument {
  return { format: CURRENT_FORMAT, id, ...(name ? { name } : {}), nodes: {} };
}

export function edgeKey(e: Edge): string {
  return `${e.from}->${e.to}`;
}

function withLayoutNodes(doc: FlowDocument, nodes: Record<string, Point>): FlowDocument {
  const layout: NonNullable<FlowDocument['layout']> = { ...doc.layout, nodes };
  if (Object.keys(nodes).length === 0) delete layout.nodes;
  return { ...doc, layout };
}

function withNotes(doc: FlowDocument, notes: Record<string, StickyNote>): FlowDocument {
  const layout: NonNullable<FlowDocument['layout']> = { ...doc.layout, notes };
  if (Object.keys(notes).length === 0) delete layout.notes;
  return { ...doc, layout };
}

function takenIds(doc: FlowDocument): string[] {
  return [...Object.keys(doc.nodes), ...Object.keys(doc.resources ?? {})];
}

/** Adds a node of `type` at `at` (snapped), labelled with the type's title; returns its new id. */
export function addNode(doc: FlowDocument, registry: Registry, type: string, at: Point, label?: string): { doc: FlowDocument; id: string } {
  const def = registry.node(type);
  if (!def) throw new Error(`unknown node type "${type}"`);
  const text = label ?? def.title;
  const id = slugify(text, takenIds(doc));
  const node: NodeInstance = { type, version: def.version, label: text, config: {} };
  const next = withLayoutNodes({ ...doc, nodes: { ...doc.nodes, [id]: node } }, { ...doc.layout?.nodes, [id]: snap(at) });
  return { doc: next, id };
}

/**
 * Adds a node of `type` into the edge `edge`: the edge is replaced by edge.from → new:in and
 * new:out → edge.to. Refused with a reason when the type has no input or no output.
 */
export function insertNodeOnEdge(
  doc: FlowDocument,
  registry: Registry,
  type: string,
  edge: Edge,
  at: Point,
): { ok: true; doc: FlowDocument; id: string } | { ok: false; reason: string } {
  const def = registry.node(type);
  if (!def) return { ok: false, reason: `unknown node type "${type}"` };
  if (!(doc.edges ?? []).some((e) => e.from === edge.from && e.to === edge.to)) return { ok: false, reason: 'that connection no longer exists' };
  const added = addNode(doc, registry, type, at);
  const node = added.doc.nodes[added.id] as NodeInstance;
  const ports = nodePorts(registry, node.type, node.version, node.config);
  const input = ports.inputs[0];
  const output = ports.outputs[0];
  if (!input || !output) return { ok: false, reason: `${def.title} cannot go in the middle of a connection: it has no ${input ? 'output' : 'input'}` };
  const without = removeEdges(added.doc, [edge]);
  const first = connect(without, registry, edge.from, `${added.id}:${input.name}`);
  if (!first.ok) return first;
  const second = connect(first.doc, registry, `${added.id}:${output.name}`, edge.to);
  if (!second.ok) return second;
  return { ok: true, doc: second.doc, id: added.id };
}

/** Draws an edge if the shared connection rules allow it; otherwise says why not. */
export function connect(doc: FlowDocument, registry: Registry, from: string, to: string): { ok: true; doc: FlowDocument } | { ok: false; reason: string } {
  const check = checkConnection(doc, registry, from, to);
  if (!check.ok) return check;
  return { ok: true, doc: { ...doc, edges: [...(doc.edges ?? []), { from, to }] } };
}

export function removeEdges(doc: FlowDocument, edges: readonly Edge[]): FlowDocument {
  const drop = new Set(edges.map(edgeKey));
  const kept = (doc.edges ?? []).filter((e) => !drop.has(edgeKey(e)));
  const next: FlowDocument = { ...doc, edges: kept };
  if (kept.length === 0) delete next.edges;
  return next;
}

/** Removes nodes with their edges and positions. Dead-letter references to them stay, so the validator can point at them. */
export function deleteNodes(doc: FlowDocument, ids: readonly string[]): FlowDocument {
  const gone = new Set(ids);
  const nodes = Object.fromEntries(Object.entries(doc.nodes).filter(([id]) => !gone.has(id)));
  const edges = (doc.edges ?? []).filter((e) => !gone.has(parseEndpoint(e.from)?.node ?? '') && !gone.has(parseEndpoint(e.to)?.node ?? ''));
  const positions = Object.fromEntries(Object.entries(doc.layout?.nodes ?? {}).filter(([id]) => !gone.has(id)));
  const next: FlowDocument = withLayoutNodes({ ...doc, nodes, edges }, positions);
  if (edges.length === 0) delete next.edges;
  return tidyLayout(next);
}

/** Moves nodes (positions snapped). Changes only `layout`. */
export function moveNodes(doc: FlowDocument, positions: Record<string, Point>): FlowDocument {
  const nodes = { ...doc.layout?.nodes };
  for (const [id, p] of Object.entries(positions)) if (doc.nodes[id]) nodes[id] = snap(p);
  return withLayoutNodes(doc, nodes);
}

function updateNode(doc: FlowDocument, id: string, change: (n: NodeInstance) => NodeInstance): FlowDocument {
  const node = doc.nodes[id];
  if (!node) throw new Error(`no node "${id}"`);
  return { ...doc, nodes: { ...doc.nodes, [id]: change(node) } };
}

export function setNodeLabel(doc: FlowDocument, id: string, label: string): FlowDocument {
  return updateNode(doc, id, (n) => {
    const next: NodeInstance = { ...n, label };
    if (label === '') delete next.label;
    return next;
  });
}

export function setNodeDescription(doc: FlowDocument, id: string, description: string): FlowDocument {
  return updateNode(doc, id, (n) => {
    const next: NodeInstance = { ...n, description };
    if (description === '') delete next.description;
    return next;
  });
}

/** Replaces a node's whole config (the inspector edits a copy and hands it back). */
export function setNodeConfig(doc: FlowDocument, id: string, config: Record<string, unknown>): FlowDocument {
  return updateNode(doc, id, (n) => ({ ...n, config }));
}

export function setNodeErrors(doc: FlowDocument, id: string, errors: ErrorPolicy | undefined): FlowDocument {
  return updateNode(doc, id, (n) => {
    const next: NodeInstance = { ...n, errors };
    if (!errors || Object.keys(errors).length === 0) delete next.errors;
    return next;
  });
}

/** Adds, replaces or (with undefined) removes a resource such as a Kafka connection. */
export function setResource(doc: FlowDocument, id: string, resource: ResourceInstance | undefined): FlowDocument {
  const resources = { ...doc.resources };
  if (resource) resources[id] = resource;
  else delete resources[id];
  const next: FlowDocument = { ...doc, resources };
  if (Object.keys(resources).length === 0) delete next.resources;
  return next;
}

/** A new resource of `type`, id made from its label; returns the id for the referencing field. */
export function addResource(doc: FlowDocument, registry: Registry, type: string, label?: string): { doc: FlowDocument; id: string } {
  const def = registry.resource(type);
  if (!def) throw new Error(`unknown resource type "${type}"`);
  const text = label ?? def.title;
  const id = slugify(text, takenIds(doc));
  return { doc: setResource(doc, id, { type, version: def.version, label: text, config: {} }), id };
}

export function setFlowMeta(doc: FlowDocument, meta: { name?: string; description?: string }): FlowDocument {
  const next: FlowDocument = { ...doc, ...meta };
  if (next.name === '') delete next.name;
  if (next.description === '') delete next.description;
  return next;
}

export function setFlowErrors(doc: FlowDocument, errors: ErrorPolicy | undefined): FlowDocument {
  const next: FlowDocument = { ...doc, errors };
  if (!errors || Object.keys(errors).length === 0) delete next.errors;
  return next;
}

/** Adds, replaces or (with undefined) removes a sticky note; notes live in the layout block. */
export function setNote(doc: FlowDocument, id: string, note: StickyNote | undefined): FlowDocument {
  const notes = { ...doc.layout?.notes };
  if (note) notes[id] = { ...note, ...snap(note) };
  else delete notes[id];
  return tidyLayout(withNotes(doc, notes));
}

export function newNoteId(doc: FlowDocument): string {
  return slugify('note', Object.keys(doc.layout?.notes ?? {}));
}

function tidyLayout(doc: FlowDocument): FlowDocument {
  if (doc.layout && Object.keys(doc.layout).length === 0) {
    const next: FlowDocument = { ...doc };
    delete next.layout;
    return next;
  }
  return doc;
}

/** What copy puts on the clipboard: selected nodes, the edges among them, their positions and the resources they use. */
export interface Fragment {
  sluiceFragment: 1;
  nodes: Record<string, NodeInstance>;
  edges: Edge[];
  positions: Record<string, Point>;
  notes: Record<string, StickyNote>;
  resources: Record<string, ResourceInstance>;
}

export function copyFragment(doc: FlowDocument, nodeIds: readonly string[], noteIds: readonly string[] = []): Fragment {
  const ids = new Set(nodeIds.filter((id) => doc.nodes[id]));
  const nodes = Object.fromEntries([...ids].map((id) => [id, doc.nodes[id] as NodeInstance]));
  const edges = (doc.edges ?? []).filter((e) => ids.has(parseEndpoint(e.from)?.node ?? '') && ids.has(parseEndpoint(e.to)?.node ?? ''));
  const positions = Object.fromEntries([...ids].map((id) => [id, doc.layout?.nodes?.[id] ?? { x: 0, y: 0 }]));
  const notes = Object.fromEntries(noteIds.flatMap((id) => (doc.layout?.notes?.[id] ? [[id, doc.layout.notes[id]]] : [])));
  const used = new Set(Object.values(nodes).flatMap((n) => Object.values(n.config ?? {}).filter((v): v is string => typeof v === 'string')));
  const resources = Object.fromEntries(Object.entries(doc.resources ?? {}).filter(([id]) => used.has(id)));
  return structuredClone({ sluiceFragment: 1 as const, nodes, edges, positions, notes, resources });
}

export function isFragment(value: unknown): value is Fragment {
  return typeof value === 'object' && value !== null && (value as { sluiceFragment?: unknown }).sluiceFragment === 1;
}

/**
 * Pastes a fragment shifted by `offset`. Node ids that clash get fresh slugs (edges follow);
 * resources are added only when the target flow has none of that id, so pasting into another
 * flow brings its connections along and pasting into the same flow shares them.
 */
export function pasteFragment(doc: FlowDocument, fragment: Fragment, offset: Point): { doc: FlowDocument; nodeIds: string[]; noteIds: string[] } {
  let next = doc;
  const rename = new Map<string, string>();
  for (const [id, node] of Object.entries(fragment.nodes)) {
    const fresh = next.nodes[id] || next.resources?.[id] ? slugify(node.label ?? id, takenIds(next)) : id;
    rename.set(id, fresh);
    const p = fragment.positions[id] ?? { x: 0, y: 0 };
    next = withLayoutNodes({ ...next, nodes: { ...next.nodes, [fresh]: structuredClone(node) } }, { ...next.layout?.nodes, [fresh]: snap({ x: p.x + offset.x, y: p.y + offset.y }) });
  }
  for (const [id, r] of Object.entries(fragment.resources)) if (!next.resources?.[id]) next = setResource(next, id, structuredClone(r));
  const edges = fragment.edges.flatMap((e) => {
    const a = parseEndpoint(e.from);
    const b = parseEndpoint(e.to);
    if (!a || !b) return [];
    return [{ from: `${rename.get(a.node) ?? a.node}:${a.port}`, to: `${rename.get(b.node) ?? b.node}:${b.port}` }];
  });
  if (edges.length) next = { ...next, edges: [...(next.edges ?? []), ...edges] };
  const noteIds: string[] = [];
  for (const note of Object.values(fragment.notes)) {
    const id = newNoteId(next);
    noteIds.push(id);
    next = setNote(next, id, { ...note, x: note.x + offset.x, y: note.y + offset.y });
  }
  return { doc: next, nodeIds: [...rename.values()], noteIds };
}
