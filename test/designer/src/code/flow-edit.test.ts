import { describe, expect, it } from 'vitest';
import { parseFlowEdit } from '../../../../designer/src/code/flow-edit';
import { canonicalText } from '../../../../designer/src/store/flow-store';
import { registry } from '../../../../designer/src/registry';
import { exampleFlow } from '../monaco/harness';

const doc = exampleFlow();
const text = canonicalText(registry, doc);

describe('parseFlowEdit', () => {
  it('reads a good document back to the same flow', () => {
    const r = parseFlowEdit(text, doc.id);
    expect('doc' in r).toBe(true);
    if ('doc' in r) expect(canonicalText(registry, r.doc)).toBe(text);
  });

  it('takes an edited label', () => {
    const r = parseFlowEdit(text.replace('"Total over 1000"', '"Total over 2000"'), doc.id);
    expect('doc' in r && r.doc.nodes['big-orders']?.label).toBe('Total over 2000');
  });

  it('reports broken JSON with its line and column', () => {
    // Drop the comma after `"format": 1` on line 2.
    const broken = text.replace('"format": 1,', '"format": 1');
    const r = parseFlowEdit(broken, doc.id);
    expect(r).toMatchObject({ kind: 'json', line: 3, column: 3 });
    expect('error' in r && r.error).toMatch(/not valid JSON/);
  });

  it('reports an unclosed document at its end', () => {
    const r = parseFlowEdit('{\n  "format": 1,\n', doc.id);
    expect(r).toMatchObject({ kind: 'json', line: 3, column: 1 });
  });

  it('reports a document of the wrong shape where the problem is', () => {
    const wrongType = parseFlowEdit(text.replace('"version": 1,\n      "label": "Total over 1000"', '"version": "one",\n      "label": "Total over 1000"'), doc.id);
    expect(wrongType).toMatchObject({ kind: 'shape' });
    expect('error' in wrongType && wrongType.error).toContain('/nodes/big-orders/version');
    const lines = text.split('\n');
    const versionLine = lines.findIndex((l, i) => l.includes('"version"') && lines[i + 1]?.includes('Total over 1000')) + 1;
    expect(wrongType).toMatchObject({ line: versionLine });

    const extra = parseFlowEdit(text.replace('"format": 1,', '"format": 1,\n  "colour": "red",'), doc.id);
    expect(extra).toMatchObject({ kind: 'shape', line: 3, column: 3 });
    expect('error' in extra && extra.error).toContain('"colour"');

    expect(parseFlowEdit('[1, 2]', doc.id)).toMatchObject({ kind: 'shape' });
    expect(parseFlowEdit(text.replace('"format": 1', '"format": 99'), doc.id)).toMatchObject({ kind: 'shape', line: 2 });
  });

  it('refuses a changed flow id with the reason', () => {
    const r = parseFlowEdit(text.replace(`"id": "${doc.id}"`, '"id": "renamed"'), doc.id);
    expect(r).toMatchObject({ kind: 'id', line: 3 });
    expect('error' in r && r.error).toMatch(/file name/);
    // Without an id to keep, any valid id is fine.
    expect('doc' in parseFlowEdit(text.replace(`"id": "${doc.id}"`, '"id": "renamed"'))).toBe(true);
  });
});
