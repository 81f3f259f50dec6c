import { describe, expect, it } from 'vitest';
import { registry } from '../../../../designer/src/registry';
import { elkGraph, layoutFlow } from '../../../../designer/src/canvas/layout';
import { GRID } from '../../../../designer/src/store/doc-ops';
import { sampleFlow } from './fixtures';

describe('layoutFlow', () => {
  it('gives the same positions for the same document every time', async () => {
    const a = await layoutFlow(sampleFlow(), registry);
    const b = await layoutFlow(sampleFlow(), registry);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    // Key order of the input must not matter either.
    const doc = sampleFlow();
    const shuffled = { ...doc, nodes: Object.fromEntries(Object.entries(doc.nodes).reverse()), edges: [...doc.edges!].reverse() };
    expect(await layoutFlow(shuffled, registry)).toEqual(a);
  });

  it('lays out left to right along the edges, on the grid', async () => {
    const p = await layoutFlow(sampleFlow(), registry);
    expect(Object.keys(p).sort()).toEqual(['big', 'eu-log', 'orders', 'split', 'us-file']);
    expect(p.orders!.x).toBeLessThan(p.big!.x);
    expect(p.big!.x).toBeLessThan(p.split!.x);
    expect(p.split!.x).toBeLessThan(p['eu-log']!.x);
    expect(p.split!.x).toBeLessThan(p['us-file']!.x);
    // Route outputs in drawn order: eu above us.
    expect(p['eu-log']!.y).toBeLessThan(p['us-file']!.y);
    for (const { x, y } of Object.values(p)) {
      expect(x % GRID).toBe(0);
      expect(y % GRID).toBe(0);
    }
  });

  it('gives ELK the ports in a fixed order and skips edges to ports that do not exist', () => {
    const doc = sampleFlow();
    doc.edges!.push({ from: 'split:apac', to: 'eu-log:in' });
    const g = elkGraph(doc, registry);
    const split = g.children!.find((c) => c.id === 'split')!;
    expect(split.layoutOptions?.['elk.portConstraints']).toBe('FIXED_ORDER');
    expect(split.ports!.map((p) => p.id)).toEqual(['split/out/eu', 'split/out/us', 'split/out/otherwise', 'split/in/in']);
    expect(g.edges).toHaveLength(4);
  });

  it('returns nothing for an empty flow', async () => {
    expect(await layoutFlow({ format: 1, id: 'empty', nodes: {} }, registry)).toEqual({});
  });
});
