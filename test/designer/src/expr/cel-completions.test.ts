import { describe, expect, it } from 'vitest';
import { availableFields } from '../../../../shared/expr/schema-types';
import { celCompletions } from '../../../../designer/src/expr/cel-completions';
import { ORDER_SCHEMA } from '../monaco/harness';

const fields = availableFields(ORDER_SCHEMA);
const labels = (text: string) => celCompletions(fields, text).map((c) => c.label);

describe('celCompletions', () => {
  it('offers the top-level fields with their type, doc and insertion text', () => {
    const items = celCompletions(fields, 'tot');
    const total = items.find((c) => c.label === 'total');
    expect(total).toMatchObject({ kind: 'field', insertText: 'total', detail: 'double', replace: 3 });
    expect(items.find((c) => c.label === 'id')?.documentation).toBe('Order number');
    // A field CEL cannot name bare is inserted through `record`.
    expect(items.find((c) => c.insertText === 'record["first-name"]')).toBeDefined();
    // Top-level fields sort before nested ones.
    const id = items.find((c) => c.label === 'id')!;
    const email = items.find((c) => c.label === 'customer.email')!;
    expect(id.sortText < email.sortText).toBe(true);
  });

  it('offers has() and functions at the top level, but not list macros', () => {
    const l = labels('');
    expect(l).toEqual(expect.arrayContaining(['has', 'size', 'int', 'double', 'string', 'timestamp', 'duration']));
    expect(l).not.toContain('exists');
  });

  it('after `customer.` offers the fields of the customer record only', () => {
    const items = celCompletions(fields, 'total > 10.0 && customer.');
    expect(items.map((c) => c.label).sort()).toEqual(['address', 'country', 'email']);
    expect(items.find((c) => c.label === 'email')).toMatchObject({ insertText: 'email', detail: 'string', tags: ['PII'], replace: 0 });
  });

  it('goes deeper and replaces the word typed after the dot', () => {
    const items = celCompletions(fields, 'customer.address.ci');
    expect(items.map((c) => c.label)).toEqual(['city']);
    expect(items[0]!.replace).toBe(2);
  });

  it('after a list field offers the macros as snippets', () => {
    const items = celCompletions(fields, 'items.');
    const exists = items.find((c) => c.label === 'exists');
    expect(exists).toMatchObject({ kind: 'macro', snippet: true });
    expect(exists!.insertText).toContain('exists(');
    expect(items.map((c) => c.label)).toEqual(expect.arrayContaining(['all', 'exists', 'exists_one', 'map', 'filter', 'size']));
  });

  it('after a text field offers the text functions', () => {
    expect(labels('customer.email.')).toEqual(expect.arrayContaining(['contains', 'startsWith', 'endsWith', 'matches', 'size']));
    expect(labels('customer.email.')).not.toContain('exists');
  });

  it('knows the variable a macro binds to the list items', () => {
    expect(labels('items.exists(i, i.').sort()).toEqual(['qty', 'sku']);
  });

  it('after `record.` offers the top-level fields, taking back the dot for names CEL cannot write bare', () => {
    const items = celCompletions(fields, 'record.');
    expect(items.find((c) => c.label === 'total')?.insertText).toBe('total');
    expect(items.find((c) => c.label === 'first-name')).toMatchObject({ insertText: '["first-name"]', replace: 1 });
  });

  it('stays quiet inside a string and after a decimal point', () => {
    expect(celCompletions(fields, 'region == "eu.')).toEqual([]);
    expect(labels('total > 1.')).not.toContain('exists');
  });
});
