import { describe, expect, it } from 'vitest';
import { parseFlowText } from '../../../shared/flow/migrate';
import { serializeFlow } from '../../../shared/flow/canonical';
import { registry } from '../../../shared/nodes';
import type { AvroRecord } from '../../../shared/schema/record-schema';
import { inferFlowSchemas } from '../../../shared/schema/flow-schemas';
import { classify } from '../../../shared/schema/tags';
import { validateFlow } from '../../../shared/validate';
import { flow, ORDER, sink, source } from './fixtures';

/** ORDER without any tags: the classification map must supply them. */
const UNTAGGED = JSON.parse(JSON.stringify(ORDER).replace(/,"confluent:tags":\["P.."\]/g, '')) as AvroRecord;

describe('the classification map', () => {
  it('tags fields of a node\'s output, which the proof then follows', () => {
    const doc = flow({ orders: source(UNTAGGED), 'to-us': sink('us-kafka') }, ['orders>to-us'], {
      classification: { orders: { 'customer.email': ['PII'], 'items[*].card': ['PCI', 'PII'], 'contacts[*].phone': ['PII'] } },
    });
    expect(validateFlow(doc, registry).map((d) => d.message)).toEqual([
      'PII field customer.email flows from zone eu to zone us unredacted via orders → to-us (hash, mask, tokenize or drop it first, or allow PII from eu to us in the policy)',
      'PCI field items[*].card flows from zone eu to zone us unredacted via orders → to-us (hash, mask, tokenize or drop it first, or allow PCI from eu to us in the policy)',
      'PII field items[*].card flows from zone eu to zone us unredacted via orders → to-us (hash, mask, tokenize or drop it first, or allow PII from eu to us in the policy)',
      'PII field contacts[*].phone flows from zone eu to zone us unredacted via orders → to-us (hash, mask, tokenize or drop it first, or allow PII from eu to us in the policy)',
    ]);
    // The tags are on the edge schemas too (designer hover, runtime by-tag redaction).
    const out = inferFlowSchemas(doc, registry).get('orders')?.outputs.out as AvroRecord;
    expect(JSON.stringify(out)).toContain('"name":"card","type":"string","confluent:tags":["PCI","PII"]');
  });

  it('names every entry that does not fit: unknown nodes, sinks, nodes without a schema, unknown fields, list items', () => {
    const doc = flow({ orders: source(UNTAGGED), raw: source(null), backup: sink('eu-backup') }, ['orders>backup', 'raw>backup'], {
      classification: {
        orders: { 'customer.emial': ['PII'], 'items[*]': ['PCI'], 'nope.x': ['X'], 'customer.email': ['PII'] },
        order: { id: ['PII'] },
        backup: { id: ['PII'] },
        raw: { id: ['PII'] },
      },
    });
    expect(validateFlow(doc, registry)).toEqual([
      {
        severity: 'error',
        code: 'classification-unknown-node',
        path: '/classification/backup',
        message: 'node "backup" (kafka.produce) is a sink: it has no output records whose fields could be tagged',
      },
      { severity: 'error', code: 'classification-unknown-node', path: '/classification/order', message: 'node "order" does not exist (did you mean "orders"?)' },
      {
        severity: 'error',
        code: 'classification-unknown-field',
        path: '/classification/orders/customer.emial',
        message: 'no field "emial" in "customer" (did you mean "email"?); fields there: email, country',
      },
      {
        severity: 'error',
        code: 'classification-unknown-field',
        path: '/classification/orders/items[*]',
        message: '"items[*]" names the items of a list or the values of a map: tag the field itself ("items")',
      },
      { severity: 'error', code: 'classification-unknown-field', path: '/classification/orders/nope.x', message: 'no field "nope"; fields there: id, total, customer, items, contacts' },
      {
        severity: 'error',
        code: 'classification-unknown-schema',
        path: '/classification/raw',
        message: 'the records of node "raw" (kafka.consume) have no known schema, so their fields cannot be tagged; give the node a record schema',
      },
    ]);
  });

  it('refuses malformed tags and zones in the document itself', () => {
    const doc = flow({ orders: source(UNTAGGED), backup: sink('eu-backup') }, ['orders>backup'], { classification: { orders: { id: ['P:II'], total: [] } } });
    expect(validateFlow({ ...doc, zone: 'e u' }, registry)).toEqual([
      { severity: 'error', code: 'invalid-value', path: '/classification/orders/id/0', message: 'a tag is a name such as PII or PCI: a letter, then letters, digits, "_" or "-"' },
      { severity: 'error', code: 'invalid-value', path: '/classification/orders/total', message: 'must have at least one item' },
      { severity: 'error', code: 'invalid-value', path: '/zone', message: 'a zone is a short label without spaces such as eu, us or ch-finma' },
    ]);
  });

  it('tags only the place named when a named record type is used in several places', () => {
    const address: AvroRecord = { type: 'record', name: 'Address', fields: [{ name: 'street', type: 'string' }] };
    const schema = { type: 'record', name: 'R', fields: [{ name: 'home', type: address }, { name: 'shop', type: 'Address' }] } as unknown as AvroRecord;
    const { schema: out, problems } = classify(schema, { 'home.street': ['PII'] });
    expect(problems).toEqual([]);
    expect(out).toEqual({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'home', type: { type: 'record', name: 'Address2', fields: [{ name: 'street', type: 'string', 'confluent:tags': ['PII'] }] } },
        { name: 'shop', type: { type: 'record', name: 'Address', fields: [{ name: 'street', type: 'string' }] } },
      ],
    });
  });

  it('is written in canonical form: node ids and paths sorted, tags sorted without repeats, after the edges', () => {
    const doc = flow({ orders: source(UNTAGGED), backup: sink('eu-backup') }, ['orders>backup'], {
      zone: 'eu',
      classification: { orders: { 'items[*].card': ['PCI', 'PCI'], 'customer.email': ['PII', 'Contact'] } },
    });
    const text = serializeFlow(doc);
    expect(Object.keys(JSON.parse(text))).toEqual(['format', 'id', 'zone', 'resources', 'nodes', 'edges', 'classification']);
    expect(JSON.parse(text).classification).toEqual({ orders: { 'customer.email': ['Contact', 'PII'], 'items[*].card': ['PCI'] } });
    expect(serializeFlow(parseFlowText(text))).toBe(text);
  });
});
