import { describe, expect, it } from 'vitest';
import { formatDiagnostic, validateFlow } from '../../../shared/validate';
import { registry } from './test-registry';

/**
 * The validator as a user meets it: one flow with seven different mistakes gets exactly seven
 * diagnostics, each on the right node and config path, and nothing else (no cascades).
 * `test.orders` declares its records (`total: double`, no `totl`), so expressions downstream
 * are type-checked against a known schema.
 */
const flow = {
  format: 1,
  id: 'mistakes',
  nodes: {
    orders: { type: 'test.orders', version: 1 },
    enrich: { type: 'core.enrichh', version: 1, config: { table: 'countries' } },
    'no-condition': { type: 'core.filter', version: 1, config: {} },
    'half-written': { type: 'core.filter', version: 1, config: { when: 'total > ' } },
    'number-vs-text': { type: 'core.filter', version: 1, config: { when: 'total > "1000"' } },
    'misspelt-field': { type: 'core.filter', version: 1, config: { when: 'totl > 1000.0' } },
    'loop-a': { type: 'core.filter', version: 1, config: { when: 'true' } },
    'loop-b': { type: 'core.filter', version: 1, config: { when: 'true' } },
  },
  edges: [
    { from: 'orders:out', to: 'enrich:in' },
    { from: 'orders:out', to: 'no-condition:in' },
    { from: 'orders:out', to: 'half-written:in' },
    { from: 'orders:out', to: 'number-vs-text:in' },
    { from: 'orders:out', to: 'misspelt-field:in' },
    { from: 'half-written:out', to: 'archive:in' },
    { from: 'orders:out', to: 'loop-a:in' },
    { from: 'loop-a:out', to: 'loop-b:in' },
    { from: 'loop-b:out', to: 'loop-a:in' },
  ],
};

describe('acceptance: one diagnostic per mistake, each naming its node', () => {
  const diags = validateFlow(flow, registry);
  const lines = diags.map((d) => formatDiagnostic('mistakes.flow.json', d));

  it('finds exactly the seven mistakes', () => {
    expect(diags.map((d) => [d.code, d.nodeId ?? null, d.path]), lines.join('\n')).toEqual([
      ['dangling-edge', null, '/edges/5/to'],
      ['unknown-node-type', 'enrich', '/type'],
      ['expression-error', 'half-written', '/config/when'],
      ['cycle', 'loop-a', ''],
      ['expression-error', 'misspelt-field', '/config/when'],
      ['missing-required-field', 'no-condition', '/config/when'],
      ['expression-error', 'number-vs-text', '/config/when'],
    ]);
    expect(diags.every((d) => d.severity === 'error')).toBe(true);
  });

  it('words each one so the fix is clear', () => {
    const byNode = (id: string) => diags.find((d) => d.nodeId === id)?.message ?? '';
    expect(diags[0]?.message).toContain('"archive"');
    expect(byNode('enrich')).toBe('unknown node type "core.enrichh"');
    expect(byNode('half-written')).toMatch(/^line 1, column \d+: /);
    expect(byNode('loop-a')).toBe('nodes form a cycle: loop-a → loop-b → loop-a; records would go round forever');
    expect(byNode('misspelt-field')).toMatch(/^line 1, column 1: .*totl/);
    expect(byNode('no-condition')).toBe('required');
    expect(byNode('number-vs-text')).toMatch(/^line 1, column \d+: .*string/);
  });

  it('prints one line per problem', () => {
    expect(lines).toContain('mistakes.flow.json: enrich /type: unknown node type "core.enrichh"');
    expect(lines).toContain('mistakes.flow.json: no-condition /config/when: required');
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
  });
});
