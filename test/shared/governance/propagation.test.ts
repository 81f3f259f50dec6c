import { describe, expect, it } from 'vitest';
import { expressionReads } from '../../../shared/expr';
import { outputSchemas } from '../../../shared/node-kit/define';
import map from '../../../shared/nodes/core/map.node';
import redact from '../../../shared/nodes/redact/fields.node';
import { registry } from '../../../shared/nodes';
import { inferFlowSchemas } from '../../../shared/schema/flow-schemas';
import { expandSchema, normalizeSchema } from '../../../shared/schema/named';
import type { AvroRecord } from '../../../shared/schema/record-schema';
import { markTag, parseTag, taggedFields, tagsAt } from '../../../shared/schema/tags';
import { validateFlow } from '../../../shared/validate';
import { flow, ORDER, sink, source } from './fixtures';

const mapOut = (config: unknown, input: AvroRecord = ORDER) => outputSchemas(map, { in: input }, map.config.parse(config)).out as AvroRecord;
const field = (s: AvroRecord, name: string) => s.fields.find((f) => f.name === name);

describe('tags through expressions and schemas', () => {
  it('lists the fields an expression reads', () => {
    const reads = (e: string) => expressionReads(e, ORDER);
    expect(reads('"mailto:" + customer.email')).toEqual({ reads: [['customer', 'email']], sizes: [] });
    expect(reads('record.customer')).toEqual({ reads: [['customer']], sizes: [], identity: ['customer'] });
    expect(reads('items.map(i, i.card)')).toEqual({ reads: [['items', '*', 'card']], sizes: [] });
    expect(reads('items.filter(i, i.sku == "A")')).toEqual({ reads: [['items'], ['items', '*', 'sku']], sizes: [] });
    expect(reads('items[0].card')).toEqual({ reads: [['items', '*', 'card']], sizes: [], identity: ['items', '*', 'card'] });
    expect(reads('contacts["home"].phone')).toEqual({ reads: [['contacts', 'home', 'phone']], sizes: [], identity: ['contacts', 'home', 'phone'] });
    expect(reads('cel.bind(c, customer, c.email.size() > 3)')).toEqual({ reads: [], sizes: [['customer', 'email']] });
    expect(reads('size(items) > 2 && has(customer.email)')).toEqual({ reads: [['customer', 'email']], sizes: [['items']] });
    expect(reads('record')).toEqual({ reads: [[]], sizes: [], identity: [] });
    expect(reads('items[')).toBeUndefined();
  });

  it('reads tags on the way, on the field and inside it', () => {
    const tagged: AvroRecord = { type: 'record', name: 'R', fields: [{ name: 'customer', type: ORDER.fields[2]!.type, 'confluent:tags': ['Customer'] }] };
    expect(tagsAt(tagged, ['customer', 'country'])).toEqual(['Customer']);
    expect(tagsAt(tagged, ['customer'])).toEqual(['Customer', 'PII']);
    expect(tagsAt(tagged, ['customer'], false)).toEqual(['Customer']);
    expect(tagsAt(ORDER, [])).toEqual(['PCI', 'PII']);
    expect(tagsAt(ORDER, ['contacts', 'anyone', 'phone'])).toEqual(['PII']);
    expect([parseTag('PII:hashed'), parseTag('PII'), parseTag('a:b'), markTag('PII:masked', 'tokenize')]).toEqual([
      { name: 'PII', redaction: 'hash' },
      { name: 'PII' },
      { name: 'a:b' },
      'PII:tokenized',
    ]);
  });

  it('core.map: computed fields carry the tags they read, copies keep the tags inside, renames keep theirs', () => {
    const out = mapOut({
      set: [
        { field: 'contact', value: '"mailto:" + customer.email' },
        { field: 'cust', value: 'customer' },
        { field: 'itemCount', value: 'size(items)' },
        { field: 'firstCard', value: 'items[0].card' },
        { field: 'customer.email', value: '"hidden"' },
      ],
      rename: [{ from: 'customer.country', to: 'country' }],
    });
    expect(field(out, 'contact')).toEqual({ name: 'contact', type: 'string', 'confluent:tags': ['PII'] });
    expect(field(out, 'itemCount')).toEqual({ name: 'itemCount', type: 'long' });
    expect(field(out, 'firstCard')).toEqual({ name: 'firstCard', type: 'string', 'confluent:tags': ['PCI'] });
    expect(field(out, 'country')).toEqual({ name: 'country', type: 'string' });
    expect(taggedFields(out).map((f) => `${f.path}: ${f.tags.join(',')}`)).toEqual([
      'items[*].card: PCI',
      'contacts[*].phone: PII',
      'contact: PII',
      'cust.email: PII',
      'firstCard: PCI',
    ]);
    // A field moved out of a tagged record keeps that record's tags.
    const tagged: AvroRecord = { type: 'record', name: 'R', fields: [{ name: 'customer', type: ORDER.fields[2]!.type, 'confluent:tags': ['Customer'] }] };
    expect(field(mapOut({ rename: [{ from: 'customer.country', to: 'country' }] }, tagged), 'country')).toEqual({ name: 'country', type: 'string', 'confluent:tags': ['Customer'] });
  });

  it('changes one place of a named type without changing the others, so the proof still sees them', () => {
    const address: AvroRecord = { type: 'record', name: 'Address', fields: [{ name: 'street', type: 'string', 'confluent:tags': ['PII'] }, { name: 'city', type: 'string' }] };
    const input = { type: 'record', name: 'R', fields: [{ name: 'billing', type: address }, { name: 'shipping', type: 'Address' }] } as unknown as AvroRecord;
    const out = outputSchemas(redact, { in: input }, redact.config.parse({ key: 'k', rules: [{ path: 'billing.street', action: 'hash' }] })).out as AvroRecord;
    expect(out).toEqual({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'billing', type: { type: 'record', name: 'Address2', fields: [{ name: 'street', type: 'string', 'confluent:tags': ['PII:hashed'] }, { name: 'city', type: 'string' }] } },
        { name: 'shipping', type: address },
      ],
    });
    const doc = flow(
      { orders: source(input), hide: { type: 'redact.fields', version: 1, config: { key: '${secret:k}', rules: [{ path: 'billing.street', action: 'hash' }] } }, 'to-us': sink('us-kafka') },
      ['orders>hide', 'hide>to-us'],
    );
    expect(validateFlow(doc, registry).map((d) => d.message)).toEqual([
      'PII field shipping.street flows from zone eu to zone us unredacted via orders → hide → to-us (hash, mask, tokenize or drop it first, or allow PII from eu to us in the policy)',
    ]);
    // core.map removing billing.street keeps shipping.street.
    expect(taggedFields(mapOut({ remove: ['billing.street'] }, input)).map((f) => f.path)).toEqual(['shipping.street']);
  });

  it('expands and normalizes schemas without changing an untouched one, recursive and namespaced ones included', () => {
    const schema = {
      type: 'record',
      name: 'Tree',
      namespace: 'com.acme',
      fields: [
        { name: 'home', type: { type: 'record', name: 'Address', fields: [{ name: 'street', type: 'string' }] } },
        { name: 'work', type: ['null', 'com.acme.Address'] },
        { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A'] } },
        { name: 'also', type: 'Kind' },
        { name: 'children', type: { type: 'array', items: 'Tree' } },
      ],
    } as unknown as AvroRecord;
    expect(normalizeSchema(expandSchema(schema), schema)).toEqual(schema);
    // A recursive record changed at the top keeps its name for the recursion and gets a new one itself.
    const tree = expandSchema(schema);
    tree.fields[0] = { name: 'home', type: 'string' };
    const out = normalizeSchema(tree, schema) as unknown as { name: string; fields: Array<{ name: string; type: unknown }> };
    expect(out.name).toBe('Tree2');
    expect((out.fields[4]!.type as { items: { name: string; fields: Array<{ name: string; type: unknown }> } }).items.name).toBe('Tree');
  });

  it('merges schemas arriving over several edges that differ only in tags, with the tags of all', () => {
    const plain: AvroRecord = { type: 'record', name: 'R', fields: [{ name: 'email', type: 'string' }] };
    const doc = flow(
      {
        orders: source(plain),
        hide: { type: 'redact.fields', version: 1, config: { key: '${secret:k}', rules: [{ path: 'email', action: 'hash' }] } },
        keep: { type: 'redact.fields', version: 1, config: { key: '${secret:k}', rules: [{ path: 'email', action: 'hash' }] } },
        join: { type: 'core.filter', version: 1, config: { when: 'true' } },
        'to-eu': sink('eu-backup'),
      },
      ['orders>hide', 'orders>keep', 'hide>join', 'keep>join', 'join>to-eu'],
      { classification: { orders: { email: ['PII'] }, keep: { email: ['Contact'] } } },
    );
    expect(inferFlowSchemas(doc, registry).get('join')?.inputs.in).toEqual({
      type: 'record',
      name: 'R',
      fields: [{ name: 'email', type: 'string', 'confluent:tags': ['Contact', 'PII:hashed'] }],
    });
  });
});
