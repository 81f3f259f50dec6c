import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { outputSchemas } from '../../../shared/node-kit/define';
import type { Message } from '../../../shared/node-kit/message';
import redact from '../../../shared/nodes/redact/fields.node';
import { registry } from '../../../shared/nodes';
import { VALUE_SCHEMA_META } from '../../../shared/schema/message-schema';
import type { AvroRecord } from '../../../shared/schema/record-schema';
import { validateFlow } from '../../../shared/validate';
import { runNode } from '../../helpers/run-node';
import { flow, ORDER, sink, source } from './fixtures';

const KEY = 'k3y';
const hash = (v: string) => createHmac('sha256', KEY).update(v).digest('hex');
const BY_TAG = { key: KEY, byTag: [{ tag: 'PII', action: 'hash' }, { tag: 'PCI', action: 'drop' }] };
const derive = (input: AvroRecord, config: unknown) => outputSchemas(redact, { in: input }, redact.config.parse(config)).out as AvroRecord;

const order = {
  id: 'o-1',
  total: 12.5,
  customer: { email: 'ada@example.com', country: 'DE' },
  items: [{ sku: 'A', card: '4111111111111111' }],
  contacts: { home: { phone: '+49 30 1' } },
};

describe('redact.fields by tag', () => {
  it('statically covers every field tagged in the input schema, at any depth, and marks what it disguised', () => {
    expect(derive(ORDER, BY_TAG)).toEqual({
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'total', type: 'double' },
        { name: 'customer', type: { type: 'record', name: 'Customer', fields: [{ name: 'email', type: 'string', 'confluent:tags': ['PII:hashed'] }, { name: 'country', type: 'string' }] } },
        { name: 'items', type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }] } } },
        { name: 'contacts', type: { type: 'map', values: { type: 'record', name: 'Contact', fields: [{ name: 'phone', type: 'string', 'confluent:tags': ['PII:hashed'] }] } } },
      ],
    });
  });

  it('leaves fields a rule names to the rule, and moves the tags of a disguised record onto it', () => {
    const out = derive(ORDER, { ...BY_TAG, rules: [{ path: 'customer', action: 'tokenize' }, { path: 'contacts[*]', action: 'mask' }] });
    expect(out.fields.slice(2)).toEqual([
      { name: 'customer', type: 'string', 'confluent:tags': ['PII:tokenized'] },
      { name: 'items', type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }] } } },
      { name: 'contacts', type: { type: 'map', values: 'string' }, 'confluent:tags': ['PII:masked'] },
    ]);
  });

  it('at run time applies it to the fields the compile-time schema tags', async () => {
    const r = await runNode(redact, BY_TAG, [order], { inputSchema: ORDER });
    expect(r.errors).toEqual([]);
    expect(r.outputs.out).toEqual([
      { id: 'o-1', total: 12.5, customer: { email: hash('ada@example.com'), country: 'DE' }, items: [{ sku: 'A' }], contacts: { home: { phone: hash('+49 30 1') } } },
    ]);
  });

  it('follows the record\'s own schema when its decoder passes one: a PII field added later is covered without editing the flow', async () => {
    const v2: AvroRecord = { ...ORDER, fields: [...ORDER.fields, { name: 'loyaltyPhone', type: 'string', 'confluent:tags': ['PII'] }] };
    const newer = { ...order, loyaltyPhone: '+49 30 2' };
    const messages: Message[] = [
      { value: newer, meta: { [VALUE_SCHEMA_META]: v2 } },
      { value: newer, meta: { [VALUE_SCHEMA_META]: v2 } },
      { value: newer },
    ];
    const r = await runNode(redact, BY_TAG, messages, { inputSchema: ORDER, messages: true });
    const out = r.outputs.out as Array<Record<string, unknown>>;
    expect(out.map((v) => v.loyaltyPhone)).toEqual([hash('+49 30 2'), hash('+49 30 2'), '+49 30 2']);
    expect(out.map((v) => (v.customer as { email: string }).email)).toEqual([hash('ada@example.com'), hash('ada@example.com'), hash('ada@example.com')]);
  });

  it('fails a record whose schema is unknown rather than let its tagged fields through', async () => {
    const r = await runNode(redact, BY_TAG, [order]);
    expect(r.outputs.out).toBeUndefined();
    expect(r.errors.map((e) => e.error.message)).toEqual([
      'redact.fields: the schema of this record is unknown, so the fields tagged PII, PCI cannot be found; give the source a record schema',
    ]);
  });

  it('lints by-tag entries: a key for hash and tokenize, a tag listed twice, nothing to do', () => {
    const lint = (c: unknown) => redact.lint?.(redact.config.parse(c));
    expect(lint({ byTag: [{ tag: 'PII', action: 'tokenize' }, { tag: 'PII', action: 'drop' }] })).toEqual([
      { path: '/byTag/1/tag', message: 'tag PII is already listed above; only the first entry for a tag applies', severity: 'warning' },
      { path: '/key', message: 'tokenize needs a key: set it to a ${secret:NAME} reference' },
    ]);
    expect(lint({})).toEqual([{ path: '/rules', message: 'add at least one rule or by-tag entry, or switch to allow mode' }]);
    expect(redact.config.safeParse({ byTag: [{ tag: 'PII:hashed', action: 'drop' }] }).success).toBe(false);
  });

  it('makes a flow provably safe, which the proof checks path by path', () => {
    const doc = flow({ orders: source(), hide: { type: 'redact.fields', version: 1, config: { key: '${secret:k}', byTag: BY_TAG.byTag } }, 'to-us': sink('us-kafka') }, ['orders>hide', 'hide>to-us']);
    expect(validateFlow(doc, registry)).toEqual([]);
    const onlyPii = { ...doc, nodes: { ...doc.nodes, hide: { ...doc.nodes.hide!, config: { key: '${secret:k}', byTag: [{ tag: 'PII', action: 'hash' }] } } } };
    expect(validateFlow(onlyPii, registry).map((d) => d.message)).toEqual([
      'PCI field items[*].card flows from zone eu to zone us unredacted via orders → hide → to-us (hash, mask, tokenize or drop it first, or allow PCI from eu to us in the policy)',
    ]);
  });
});
