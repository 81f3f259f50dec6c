import { describe, expect, it } from 'vitest';
import { serializeFlow } from '../../../../shared/flow/canonical';
import { registry } from '../../../../shared/nodes/index';
import { registryDefaults } from '../../../../shared/node-kit/registry';
import * as ops from '../../../../designer/src/store/doc-ops';

const defaults = registryDefaults(registry);
const text = (doc: Parameters<typeof serializeFlow>[0]) => serializeFlow(doc, { defaults });

function threeNodes() {
  let doc = ops.emptyFlow('t', 'T');
  const a = ops.addNode(doc, registry, 'core.generate', { x: 3, y: 11 });
  const b = ops.addNode(a.doc, registry, 'core.filter', { x: 250, y: 0 });
  const c = ops.addNode(b.doc, registry, 'core.log', { x: 500, y: 0 });
  doc = c.doc;
  let r = ops.connect(doc, registry, `${a.id}:out`, `${b.id}:in`);
  if (!r.ok) throw new Error(r.reason);
  r = ops.connect(r.doc, registry, `${b.id}:out`, `${c.id}:in`);
  if (!r.ok) throw new Error(r.reason);
  return { doc: r.doc, ids: [a.id, b.id, c.id] as const };
}

describe('document edits', () => {
  it('adds nodes with slug ids from the type title, snapped integer positions and empty config', () => {
    const { doc, ids } = threeNodes();
    expect(ids).toEqual(['generate', 'filter', 'log']);
    expect(doc.layout?.nodes?.[ids[0]]).toEqual({ x: 0, y: 20 });
    expect(doc.nodes[ids[1]]).toMatchObject({ type: 'core.filter', version: 1, config: {} });
    const again = ops.addNode(doc, registry, 'core.filter', { x: 0, y: 0 });
    expect(again.id).toBe('filter-2');
  });

  it('never mutates its input', () => {
    const { doc, ids } = threeNodes();
    const before = JSON.stringify(doc);
    ops.moveNodes(doc, { [ids[0]]: { x: 100, y: 100 } });
    ops.deleteNodes(doc, [ids[1]]);
    ops.setNodeConfig(doc, ids[1], { when: 'true' });
    ops.setNodeLabel(doc, ids[1], '');
    ops.pasteFragment(doc, ops.copyFragment(doc, [...ids]), { x: 40, y: 40 });
    expect(JSON.stringify(doc)).toBe(before);
  });

  it('moving a node changes only layout', () => {
    const { doc, ids } = threeNodes();
    const moved = ops.moveNodes(doc, { [ids[1]]: { x: 333, y: 47 } });
    const { layout: l1, ...rest1 } = doc;
    const { layout: l2, ...rest2 } = moved;
    expect(rest2).toEqual(rest1);
    expect(l2?.nodes?.[ids[1]]).toEqual({ x: 340, y: 40 });
    expect(l1?.nodes?.[ids[1]]).toEqual({ x: 260, y: 0 });
  });

  it('refuses invalid connections with the shared reason', () => {
    const { doc, ids } = threeNodes();
    expect(ops.connect(doc, registry, `${ids[2]}:out`, `${ids[0]}:in`)).toMatchObject({ ok: false, reason: expect.stringContaining('sink') });
  });

  it('inserts a node into an edge', () => {
    const { doc, ids } = threeNodes();
    const r = ops.insertNodeOnEdge(doc, registry, 'redact.fields', { from: `${ids[1]}:out`, to: `${ids[2]}:in` }, { x: 400, y: 100 });
    if (!r.ok) throw new Error(r.reason);
    expect(r.doc.edges).toEqual([
      { from: `${ids[0]}:out`, to: `${ids[1]}:in` },
      { from: `${ids[1]}:out`, to: `${r.id}:in` },
      { from: `${r.id}:out`, to: `${ids[2]}:in` },
    ]);
    const sink = ops.insertNodeOnEdge(doc, registry, 'core.log', { from: `${ids[1]}:out`, to: `${ids[2]}:in` }, { x: 0, y: 0 });
    expect(sink).toMatchObject({ ok: false, reason: expect.stringContaining('no output') });
  });

  it('deletes nodes with their edges and positions, and empty blocks leave the file', () => {
    const { doc, ids } = threeNodes();
    const gone = ops.deleteNodes(doc, [...ids]);
    expect(gone.nodes).toEqual({});
    expect(gone.edges).toBeUndefined();
    expect(gone.layout).toBeUndefined();
    expect(text(gone)).toBe('{\n  "format": 1,\n  "id": "t",\n  "name": "T",\n  "nodes": {}\n}\n');
  });

  it('clearing a label or description removes the key', () => {
    const { doc, ids } = threeNodes();
    expect(ops.setNodeLabel(doc, ids[0], '').nodes[ids[0]]).not.toHaveProperty('label');
    expect(ops.setNodeDescription(ops.setNodeDescription(doc, ids[0], 'x'), ids[0], '').nodes[ids[0]]).not.toHaveProperty('description');
    expect(ops.setFlowMeta(doc, { name: '' })).not.toHaveProperty('name');
  });

  it('copy and paste renames clashing ids, keeps inner edges, shifts positions and brings resources', () => {
    let { doc, ids } = threeNodes();
    const res = ops.addResource(doc, registry, 'kafka.connection', 'EU Kafka');
    doc = ops.setNodeConfig(res.doc, ids[0], { count: 1 });
    doc = ops.addNode(doc, registry, 'kafka.produce', { x: 0, y: 200 }).doc;
    const producer = Object.keys(doc.nodes).find((k) => doc.nodes[k]?.type === 'kafka.produce') as string;
    doc = ops.setNodeConfig(doc, producer, { connection: res.id, topic: 'x' });
    const frag = ops.copyFragment(doc, [ids[1], ids[2], producer]);
    expect(frag.edges).toEqual([{ from: `${ids[1]}:out`, to: `${ids[2]}:in` }]);
    expect(Object.keys(frag.resources)).toEqual([res.id]);
    // Into the same flow: fresh ids, shared resource.
    const same = ops.pasteFragment(doc, JSON.parse(JSON.stringify(frag)), { x: 40, y: 40 });
    expect(same.nodeIds).toHaveLength(3);
    expect(same.nodeIds.every((id) => !(id in doc.nodes))).toBe(true);
    expect(same.doc.edges).toContainEqual({ from: `${same.nodeIds[0]}:out`, to: `${same.nodeIds[1]}:in` });
    expect(same.doc.layout?.nodes?.[same.nodeIds[0] as string]).toEqual({ x: 300, y: 40 });
    expect(Object.keys(same.doc.resources ?? {})).toEqual([res.id]);
    // Into another flow: ids kept, the connection comes along.
    const other = ops.pasteFragment(ops.emptyFlow('other'), frag, { x: 0, y: 0 });
    expect(other.nodeIds).toEqual([ids[1], ids[2], producer]);
    expect(other.doc.resources?.[res.id]?.type).toBe('kafka.connection');
    expect(ops.isFragment(frag)).toBe(true);
    expect(ops.isFragment({ nodes: {} })).toBe(false);
  });

  it('sticky notes live in the layout block', () => {
    const doc = ops.setNote(ops.emptyFlow('n'), 'note', { x: 11, y: 29, width: 200, height: 100, text: 'Why: audit' });
    expect(doc.layout?.notes?.note).toEqual({ x: 20, y: 20, width: 200, height: 100, text: 'Why: audit' });
    expect(ops.newNoteId(doc)).toBe('note-2');
    expect(ops.setNote(doc, 'note', undefined).layout).toBeUndefined();
  });
});
