import { describe, expect, it } from 'vitest';
import { connectionTargets, existingConnections } from '../../../../designer/src/canvas/connect-targets';
import { registry } from '../../../../designer/src/registry';
import { checkConnection } from '../../../../shared/validate/connect';
import { sampleFlow } from './fixtures';

describe('connectionTargets', () => {
  it('lists only connections the shared rules allow', () => {
    const doc = sampleFlow();
    const targets = connectionTargets(doc, registry, 'split');
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) expect(checkConnection(doc, registry, t.from, t.to)).toEqual({ ok: true });
    const pairs = targets.map((t) => `${t.from}->${t.to}`);
    // Already connected, a source, itself and upstream (a loop) are not offered.
    expect(pairs).not.toContain('split:eu->eu-log:in');
    expect(pairs.some((p) => p.endsWith('->orders:in'))).toBe(false);
    expect(pairs.some((p) => p.includes('->split:'))).toBe(false);
    expect(pairs.some((p) => p.endsWith('->big:in'))).toBe(false);
    expect(pairs).toContain('split:otherwise->eu-log:in');
    expect(pairs).toContain('split:eu->us-file:in');
  });

  it('offers nothing from a sink', () => {
    expect(connectionTargets(sampleFlow(), registry, 'eu-log')).toEqual([]);
  });

  it('names the existing connections by the node at the other end, incoming first', () => {
    const doc = sampleFlow();
    const list = existingConnections(doc, 'split');
    const edges = doc.edges ?? [];
    expect(list.map((c) => c.edge)).toEqual([...edges.filter((e) => e.to.startsWith('split:')), ...edges.filter((e) => e.from.startsWith('split:'))]);
    expect(list.every((c) => c.text.startsWith('Disconnect from '))).toBe(true);
  });
});
