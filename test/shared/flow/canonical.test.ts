import { describe, expect, it } from 'vitest';
import { parseFlowText, serializeFlow, type DefaultsLookup, type FlowDocument } from '../../../shared/flow';
import { configDefaults } from '../../../shared/node-kit';
import { registry } from '../validate/test-registry';

const defaults: DefaultsLookup = (kind, type, version) => {
  const def = kind === 'node' ? registry.node(type, version) : registry.resource(type, version);
  return def ? configDefaults(def) : undefined;
};

/** Written in a deliberately scrambled order, with defaults spelled out. */
function scrambled(): FlowDocument {
  return {
    layout: { nodes: { out: { y: 0, x: 480 }, big: { y: 0, x: 240 }, orders: { y: 0, x: 0 } } },
    edges: [
      { to: 'out:in', from: 'big:out' },
      { to: 'big:in', from: 'orders:out' },
    ],
    nodes: {
      out: { version: 1, type: 'test.collect' },
      orders: { config: { mode: 'fixed', count: 5 }, label: 'Orders', type: 'test.orders', version: 1 },
      big: { config: { rejectedPort: false, when: 'total > 1000.0' }, type: 'core.filter', version: 1, label: 'Big' },
    },
    resources: { 'zz-table': { config: { key: 'id', path: 'z.csv' }, version: 1, type: 'test.table' }, 'aa-table': { type: 'test.table', version: 1, config: { path: 'a.csv', key: 'code' } } },
    name: 'Orders',
    id: 'orders',
    format: 1,
  } as FlowDocument;
}

describe('serializeFlow', () => {
  const text = serializeFlow(scrambled(), { defaults });

  it('writes structural keys in a fixed order', () => {
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(['format', 'id', 'name', 'resources', 'nodes', 'edges', 'layout']);
    expect(Object.keys(doc.nodes.orders)).toEqual(['type', 'version', 'label', 'config']);
    expect(Object.keys(doc.edges[0])).toEqual(['from', 'to']);
  });

  it('sorts maps, config keys and edges', () => {
    const doc = JSON.parse(text);
    expect(Object.keys(doc.nodes)).toEqual(['big', 'orders', 'out']);
    expect(Object.keys(doc.resources)).toEqual(['aa-table', 'zz-table']);
    expect(Object.keys(doc.layout.nodes)).toEqual(['big', 'orders', 'out']);
    expect(Object.keys(doc.resources['aa-table'].config)).toEqual(['key', 'path']);
    expect(doc.edges).toEqual([
      { from: 'big:out', to: 'out:in' },
      { from: 'orders:out', to: 'big:in' },
    ]);
  });

  it('leaves out config values equal to their defaults', () => {
    const doc = JSON.parse(text);
    expect(doc.nodes.big.config).toEqual({ when: 'total > 1000.0' });
    expect(doc.nodes.orders.config).toEqual({ count: 5 });
    expect(doc.resources['zz-table'].config).toEqual({ path: 'z.csv' });
    expect(doc.resources['aa-table'].config).toEqual({ key: 'code', path: 'a.csv' });
    const withNonDefault = scrambled();
    (withNonDefault.nodes.big as { config: Record<string, unknown> }).config.rejectedPort = true;
    expect(JSON.parse(serializeFlow(withNonDefault, { defaults })).nodes.big.config).toEqual({ rejectedPort: true, when: 'total > 1000.0' });
  });

  it('indents with two spaces and ends with one newline', () => {
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text.split('\n')[1]).toBe('  "format": 1,');
  });

  it('is idempotent through parsing', () => {
    const again = serializeFlow(parseFlowText(text), { defaults });
    expect(again).toBe(text);
    expect(serializeFlow(parseFlowText(again), { defaults })).toBe(text);
  });

  it('keeps layout apart: moving a node changes only layout lines', () => {
    const moved = scrambled();
    (moved.layout?.nodes as Record<string, { x: number; y: number }>).big = { x: 300, y: 120 };
    const before = text.split('\n');
    const after = serializeFlow(moved, { defaults }).split('\n');
    expect(after).toHaveLength(before.length);
    const layoutStart = before.indexOf('  "layout": {');
    expect(layoutStart).toBeGreaterThan(0);
    const changed = before.flatMap((line, i) => (line !== after[i] ? [i] : []));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((i) => i > layoutStart)).toBe(true);
  });
});
