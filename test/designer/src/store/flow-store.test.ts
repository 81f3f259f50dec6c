import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registry } from '../../../../shared/nodes/index';
import { canonicalText, createFlowStore, diagnosticsOf, isDirty } from '../../../../designer/src/store/flow-store';
import { emptyFlow } from '../../../../designer/src/store/doc-ops';

function setup() {
  const store = createFlowStore(registry);
  store.getState().load(emptyFlow('orders', 'Orders'), 'etag-1');
  const history = () => store.temporal.getState();
  return { store, s: () => store.getState(), history };
}

describe('flow store: one undo entry per gesture', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('load starts a clean history and is not dirty', () => {
    const { s, history } = setup();
    expect(history().pastStates).toHaveLength(0);
    expect(isDirty(registry, s())).toBe(false);
  });

  it('add, connect, move and delete are one entry each, and undo/redo walk them', () => {
    const { s, history } = setup();
    const gen = s().addNode('core.generate', { x: 0, y: 0 });
    const log = s().addNode('core.log', { x: 240, y: 0 });
    expect(s().connect(`${gen}:out`, `${log}:in`)).toEqual({ ok: true });
    s().moveNodes({ [gen]: { x: 0, y: 100 }, [log]: { x: 240, y: 100 } });
    expect(history().pastStates).toHaveLength(4);
    history().undo();
    expect(s().doc.layout?.nodes?.[gen]).toEqual({ x: 0, y: 0 });
    history().undo();
    expect(s().doc.edges).toBeUndefined();
    history().redo();
    history().redo();
    expect(s().doc.layout?.nodes?.[log]).toEqual({ x: 240, y: 100 });
    s().select({ nodes: [gen, log] });
    s().deleteSelection();
    expect(s().doc.nodes).toEqual({});
    history().undo();
    expect(Object.keys(s().doc.nodes).sort()).toEqual([gen, log].sort());
  });

  it('typing into one field within a second is one entry; another field or a pause starts a new one', () => {
    const { s, history } = setup();
    const f = s().addNode('core.filter', { x: 0, y: 0 });
    const before = history().pastStates.length;
    for (const text of ['t', 'to', 'tot', 'total > 1']) {
      s().setNodeConfig(f, { when: text }, { coalesce: `cfg:${f}:/when` });
      vi.advanceTimersByTime(200);
    }
    expect(history().pastStates.length).toBe(before + 1);
    s().setNodeLabel(f, 'Big', { coalesce: `label:${f}` });
    expect(history().pastStates.length).toBe(before + 2);
    vi.advanceTimersByTime(1500);
    s().setNodeLabel(f, 'Big orders', { coalesce: `label:${f}` });
    expect(history().pastStates.length).toBe(before + 3);
    history().undo();
    history().undo();
    expect(s().doc.nodes[f]?.label).toBe('Filter');
    expect(s().doc.nodes[f]?.config).toEqual({ when: 'total > 1' });
    history().undo();
    expect(s().doc.nodes[f]?.config).toEqual({});
  });

  it('selection, focus and notices never enter the history', () => {
    const { s, history } = setup();
    const id = s().addNode('core.log', { x: 0, y: 0 });
    const n = history().pastStates.length;
    s().select({ nodes: [] });
    s().focusField(id, '/config/prefix');
    s().notify('hello');
    expect(history().pastStates.length).toBe(n);
    expect(s().focus).toMatchObject({ nodeId: id, pointer: '/config/prefix', seq: 1 });
  });

  it('a refused connection sets a notice with the reason and changes nothing', () => {
    const { s, history } = setup();
    const log = s().addNode('core.log', { x: 0, y: 0 });
    const gen = s().addNode('core.generate', { x: 0, y: 0 });
    const n = history().pastStates.length;
    const r = s().connect(`${log}:out`, `${gen}:in`);
    expect(r.ok).toBe(false);
    expect(s().notice?.text).toMatch(/^Cannot connect: .*sink/);
    expect(history().pastStates.length).toBe(n);
  });

  it('dirty follows the canonical text, so undoing back to the saved state is clean', () => {
    const { s, history } = setup();
    s().addNode('core.log', { x: 0, y: 0 });
    expect(isDirty(registry, s())).toBe(true);
    history().undo();
    expect(isDirty(registry, s())).toBe(false);
    s().addNode('core.log', { x: 0, y: 0 });
    s().markSaved('etag-2');
    expect(isDirty(registry, s())).toBe(false);
    expect(s().etag).toBe('etag-2');
  });

  it('diagnostics come from the shared validator and are memoised per document', () => {
    const { s } = setup();
    const f = s().addNode('core.filter', { x: 0, y: 0 });
    const d1 = diagnosticsOf(registry, s().doc);
    expect(d1.some((d) => d.nodeId === f && d.path === '/config/when')).toBe(true);
    expect(diagnosticsOf(registry, s().doc)).toBe(d1);
    expect(canonicalText(registry, s().doc)).toContain('"type": "core.filter"');
  });
});

describe('diagnostics across moves', () => {
  it('a move reuses the diagnostics of the document before it; a config edit does not', () => {
    const { s } = setup();
    const f = s().addNode('core.filter', { x: 0, y: 0 });
    const before = diagnosticsOf(registry, s().doc);
    s().moveNodes({ [f]: { x: 200, y: 200 } });
    expect(diagnosticsOf(registry, s().doc)).toBe(before);
    s().setNodeConfig(f, { when: 'true' });
    const after = diagnosticsOf(registry, s().doc);
    expect(after).not.toBe(before);
    expect(after.some((d) => d.nodeId === f && d.path === '/config/when')).toBe(false);
  });
});

describe('diagnostics of big flows', () => {
  it('small flows are validated at once; big ones in idle time, showing the last known meanwhile', async () => {
    const { diagnosticsSoon } = await import('../../../../designer/src/store/flow-store');
    const { s } = setup();
    const f = s().addNode('core.filter', { x: 0, y: 0 });
    expect(diagnosticsSoon(registry, s().doc)).toMatchObject({ current: true });
    for (let i = 0; i < 160; i++) s().addNode('core.log', { x: 0, y: 40 * i });
    s().setNodeConfig(f, { when: 'true' });
    const soon = diagnosticsSoon(registry, s().doc);
    expect(soon.current).toBe(false);
    // Meanwhile: the last known problems, from before `when` was set.
    expect(soon.diagnostics.some((d) => d.nodeId === f && d.path === '/config/when')).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    const later = diagnosticsSoon(registry, s().doc);
    expect(later.current).toBe(true);
    expect(later.diagnostics).toBe(diagnosticsOf(registry, s().doc));
    expect(later.diagnostics.some((d) => d.nodeId === f && d.path === '/config/when')).toBe(false);
  });
});
