import { describe, expect, it } from 'vitest';
import { registry } from '../../../../designer/src/registry';
import {
  applyLocalChanges,
  createDeriveCache,
  deriveEdges,
  deriveNodes,
  nextSelection,
  noteNodeId,
  reconcileNodes,
  type BaseMap,
  type CanvasNode,
} from '../../../../designer/src/canvas/derive';
import { connect, moveNodes, setNodeLabel } from '../../../../designer/src/store/doc-ops';
import type { Selection } from '../../../../designer/src/store/flow-store';
import { sampleFlow } from './fixtures';

const none: Selection = { nodes: [], edges: [], notes: [] };

describe('deriveNodes', () => {
  it('draws every node at its saved position and every note as a note node', () => {
    const doc = sampleFlow();
    const nodes = deriveNodes(doc, registry, none, createDeriveCache());
    const flowNodes = nodes.filter((n) => n.type === 'flow');
    expect(flowNodes.map((n) => n.id).sort()).toEqual(['big', 'eu-log', 'orders', 'split', 'us-file']);
    expect(nodes.find((n) => n.id === 'split')?.position).toEqual({ x: 560, y: 0 });
    const note = nodes.find((n) => n.id === noteNodeId('note'));
    expect(note?.type).toBe('note');
    expect(note?.type === 'note' && note.data.note.text).toBe('Remember the EU rules');
    // Notes first, so nodes paint over them.
    expect(nodes[0]?.type).toBe('note');
  });

  it('keeps the same objects for nodes an edit did not touch', () => {
    const cache = createDeriveCache();
    const doc = sampleFlow();
    const first = deriveNodes(doc, registry, none, cache);
    const relabelled = setNodeLabel(doc, 'big', 'Large orders');
    const second = deriveNodes(relabelled, registry, none, cache);
    const byId = (list: CanvasNode[], id: string) => list.find((n) => n.id === id);
    expect(byId(second, 'orders')).toBe(byId(first, 'orders'));
    expect(byId(second, 'split')).toBe(byId(first, 'split'));
    expect(byId(second, noteNodeId('note'))).toBe(byId(first, noteNodeId('note')));
    expect(byId(second, 'big')).not.toBe(byId(first, 'big'));
    // Nothing changed at all: the very same array.
    expect(deriveNodes(relabelled, registry, none, cache)).toBe(second);
  });

  it('moving a node changes only the layout of the document and only that node on the canvas', () => {
    const cache = createDeriveCache();
    const doc = sampleFlow();
    const before = deriveNodes(doc, registry, none, cache);
    const moved = moveNodes(doc, { big: { x: 300, y: 40 } });
    expect(moved.nodes).toBe(doc.nodes);
    expect(moved.edges).toBe(doc.edges);
    expect(moved.layout?.nodes?.big).toEqual({ x: 300, y: 40 });
    const after = deriveNodes(moved, registry, none, cache);
    const changed = after.filter((n, i) => n !== before[i]).map((n) => n.id);
    expect(changed).toEqual(['big']);
    expect(after.find((n) => n.id === 'big')?.position).toEqual({ x: 300, y: 40 });
  });

  it('marks selected nodes and notes, and gives exactly one node the tab stop', () => {
    const nodes = deriveNodes(sampleFlow(), registry, { nodes: ['split'], edges: [], notes: ['note'] }, createDeriveCache(), 'split');
    expect(nodes.filter((n) => n.selected).map((n) => n.id).sort()).toEqual([noteNodeId('note'), 'split']);
    expect(nodes.filter((n) => n.domAttributes?.tabIndex === 0).map((n) => n.id)).toEqual(['split']);
  });

  it('places nodes without a saved position under the others instead of on top of each other', () => {
    const doc = sampleFlow();
    delete doc.layout!.nodes!['eu-log'];
    delete doc.layout!.nodes!['us-file'];
    const nodes = deriveNodes(doc, registry, none, createDeriveCache());
    const a = nodes.find((n) => n.id === 'eu-log')!.position;
    const b = nodes.find((n) => n.id === 'us-file')!.position;
    expect(a.y).toBeGreaterThan(0);
    expect(a).not.toEqual(b);
  });

  it('draws ports that edges use but the node lacks, so the edge does not vanish', () => {
    const doc = sampleFlow();
    doc.edges!.push({ from: 'split:apac', to: 'eu-log:in' });
    const split = deriveNodes(doc, registry, none, createDeriveCache()).find((n) => n.id === 'split');
    expect(split?.type === 'flow' && split.data.strayOut).toEqual(['apac']);
  });
});

describe('deriveEdges', () => {
  it('names edges from->to and their handles after the ports', () => {
    const edges = deriveEdges(sampleFlow(), { nodes: [], edges: ['split:eu->eu-log:in'], notes: [] }, createDeriveCache());
    const eu = edges.find((e) => e.id === 'split:eu->eu-log:in');
    expect(eu).toMatchObject({ source: 'split', sourceHandle: 'eu', target: 'eu-log', targetHandle: 'in', selected: true });
    expect(edges).toHaveLength(4);
  });

  it('keeps unchanged edges and leaves out edges to missing nodes', () => {
    const cache = createDeriveCache();
    const doc = sampleFlow();
    const first = deriveEdges(doc, none, cache);
    const r = connect(doc, registry, 'split:otherwise', 'eu-log:in');
    if (!r.ok) throw new Error(r.reason);
    const withGhost = { ...r.doc, edges: [...r.doc.edges!, { from: 'ghost:out', to: 'big:in' }] };
    const second = deriveEdges(withGhost, none, cache);
    expect(second).toHaveLength(5);
    expect(second[0]).toBe(first[0]);
    expect(second.some((e) => e.source === 'ghost')).toBe(false);
  });
});

describe('local nodes', () => {
  it('keep measured sizes and live drag positions when the document changes', () => {
    const cache = createDeriveCache();
    const baseOf: BaseMap = new WeakMap();
    const doc = sampleFlow();
    let local = reconcileNodes(deriveNodes(doc, registry, none, cache), [], baseOf);
    local = applyLocalChanges(
      [
        { type: 'dimensions', id: 'orders', dimensions: { width: 220, height: 60 } },
        { type: 'position', id: 'big', position: { x: 333, y: 44 }, dragging: true },
      ],
      local,
      baseOf,
    );
    const untouched = local.find((n) => n.id === 'us-file');
    const relabelled = setNodeLabel(setNodeLabel(doc, 'orders', 'All orders'), 'big', 'Large');
    const next = reconcileNodes(deriveNodes(relabelled, registry, none, cache), local, baseOf);
    const orders = next.find((n) => n.id === 'orders')!;
    expect(orders.type === 'flow' && orders.data.node.label).toBe('All orders');
    expect(orders.measured).toEqual({ width: 220, height: 60 });
    expect(next.find((n) => n.id === 'big')!.position).toEqual({ x: 333, y: 44 });
    expect(next.find((n) => n.id === 'us-file')).toBe(untouched);
  });
});

describe('nextSelection', () => {
  it('maps React Flow select changes onto nodes, notes and edges', () => {
    const s: Selection = { nodes: ['big'], edges: [], notes: [] };
    expect(nextSelection(s, [{ id: 'big', selected: false }, { id: noteNodeId('note'), selected: true }], [{ id: 'a:out->b:in', selected: true }])).toEqual({
      nodes: [],
      edges: ['a:out->b:in'],
      notes: ['note'],
    });
    expect(nextSelection(s, [{ id: 'big', selected: true }], [])).toBeUndefined();
  });
});
