import { describe, expect, it } from 'vitest';
import { edgeSchemaLines } from '../../../../designer/src/canvas/edge-schema';
import { registry } from '../../../../designer/src/registry';
import { sampleFlow } from './fixtures';

describe('edgeSchemaLines', () => {
  it('lists the fields an edge carries, as "path: type"', () => {
    const lines = edgeSchemaLines(registry, sampleFlow(), 'big:out');
    expect(lines).toContain('total: double');
    expect(lines).toContain('region: string');
  });

  it('says so when the fields are not known, and is empty for a malformed endpoint', () => {
    const doc = sampleFlow();
    doc.nodes.orders = { type: 'file.read', version: 1, label: 'Orders', config: { path: 'in.jsonl' } };
    expect(edgeSchemaLines(registry, doc, 'orders:out')).toEqual(['Fields not known before the flow runs']);
    expect(edgeSchemaLines(registry, doc, 'nonsense')).toEqual([]);
  });
});
