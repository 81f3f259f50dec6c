import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../../shared/flow/document';
import { registry } from '../../../shared/nodes/index';
import { checkConnection, nodePorts } from '../../../shared/validate/connect';
import { validateFlow } from '../../../shared/validate/validate';

const doc: FlowDocument = {
  format: 1,
  id: 'c',
  nodes: {
    gen: { type: 'core.generate', version: 1, label: 'Orders', config: { count: 1 } },
    keep: { type: 'core.filter', version: 1, label: 'Keep', config: { when: 'true' } },
    split: { type: 'core.route', version: 1, label: 'Split', config: { routes: [{ port: 'eu', when: 'true' }] } },
    out: { type: 'core.log', version: 1, label: 'Log' },
  },
  edges: [
    { from: 'gen:out', to: 'keep:in' },
    { from: 'keep:out', to: 'split:in' },
  ],
};

describe('checkConnection', () => {
  it('allows an output to an input', () => {
    expect(checkConnection(doc, registry, 'split:eu', 'out:in')).toEqual({ ok: true });
    expect(checkConnection(doc, registry, 'split:otherwise', 'out:in')).toEqual({ ok: true });
  });

  it.each([
    ['keep:out', 'keep:in', 'a node cannot feed itself'],
    ['out:out', 'keep:in', '"Log" is a sink: nothing leaves it'],
    ['keep:out', 'gen:in', '"Orders" is a source: it takes no input'],
    ['split:us', 'out:in', '"Split" has no output "us" (outputs: eu, otherwise)'],
    ['keep:out', 'out:data', '"Log" has no input "data" (inputs: in)'],
    ['gen:out', 'keep:in', '"Orders" is already connected to "Keep"'],
    ['split:eu', 'keep:in', 'this would make a loop: "Keep" already feeds "Split"'],
    ['ghost:out', 'keep:in', 'there is no node "ghost"'],
  ])('refuses %s -> %s: %s', (from, to, reason) => {
    expect(checkConnection(doc, registry, from, to)).toEqual({ ok: false, reason });
  });

  it('refuses exactly what the validator would report for the same edge', () => {
    for (const [from, to] of [
      ['out:out', 'keep:in'],
      ['keep:out', 'gen:in'],
      ['split:us', 'out:in'],
    ] as const) {
      expect(checkConnection(doc, registry, from, to).ok).toBe(false);
      const diags = validateFlow({ ...doc, edges: [...(doc.edges ?? []), { from, to }] }, registry);
      expect(diags.some((d) => d.severity === 'error' && d.path.startsWith('/edges/2')), `${from} -> ${to}`).toBe(true);
    }
  });
});

describe('nodePorts', () => {
  it('derives router outputs from its config, even a half-typed one', () => {
    expect(nodePorts(registry, 'core.route', 1, { routes: [{ port: 'eu', when: 'true' }] }).outputs.map((p) => p.name)).toEqual(['eu', 'otherwise']);
    expect(nodePorts(registry, 'core.route', 1, { routes: [{ port: 'eu' }] }).outputs.map((p) => p.name)).toContain('eu');
  });

  it('gives no ports for an unknown type', () => {
    expect(nodePorts(registry, 'nope.nope', 1, {})).toEqual({ inputs: [], outputs: [] });
  });
});
