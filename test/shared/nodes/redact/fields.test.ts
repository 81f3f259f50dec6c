import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import redact from '../../../../shared/nodes/redact/fields.node';
import { hexToBase64Url } from '../../../../shared/nodes/redact/lib/redactions';
import type { AvroRecord } from '../../../../shared/schema/record-schema';
import { configDefaults, configJsonSchema, outputSchemas } from '../../../../shared/node-kit/define';
import { runNode } from '../../../helpers/run-node';

const KEY = 'k3y-for-tests';
const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');
const token = (key: string, text: string) => `tok_${createHmac('sha256', key).update(text).digest().subarray(0, 16).toString('base64url')}`;

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

const order = () => ({
  id: 'o-1',
  customer: { name: 'Ada Lovelace', email: 'ada@example.com', phone: null },
  items: [
    { sku: 'A1', card: '4111111111111111' },
    { sku: 'B2', card: '5500000000000004' },
    { sku: 'C3' },
  ],
  customers: [
    { id: 1, addresses: [{ city: 'Berlin', zip: '10115' }, { city: 'Köln', zip: '50667' }] },
    { id: 2, addresses: [] },
  ],
});

describe('redact.fields', () => {
  it('redacts nested fields and fields inside lists and lists of lists', async () => {
    const r = await runNode(redact, {
      rules: [
        { path: 'customer.email', action: 'mask' },
        { path: 'items[*].card', action: 'mask', keepLast: 2, maskChar: '#' },
        { path: 'customers[*].addresses[*].zip', action: 'drop' },
      ],
    }, [order()]);
    expect(r.errors).toEqual([]);
    expect(r.outputs.out).toEqual([
      {
        id: 'o-1',
        customer: { name: 'Ada Lovelace', email: '***********.com', phone: null },
        items: [
          { sku: 'A1', card: '##############11' },
          { sku: 'B2', card: '##############04' },
          { sku: 'C3' },
        ],
        customers: [
          { id: 1, addresses: [{ city: 'Berlin' }, { city: 'Köln' }] },
          { id: 2, addresses: [] },
        ],
      },
    ]);
  });

  it('hashes with HMAC-SHA256 under the key, matching an independent computation', async () => {
    const r = await runNode(redact, {
      key: KEY,
      rules: [
        { path: 'customer.email', action: 'hash' },
        { path: 'customers[*].id', action: 'hash' },
      ],
    }, [order()]);
    const out = r.outputs.out?.[0] as ReturnType<typeof order>;
    expect(out.customer.email).toBe(hmac(KEY, 'ada@example.com'));
    expect(out.customer.email).toMatch(/^[0-9a-f]{64}$/);
    // Numbers are hashed as their text.
    expect(out.customers.map((c) => c.id)).toEqual([hmac(KEY, '1'), hmac(KEY, '2')]);
    expect(out.customer.email).not.toBe(hmac('other-key', 'ada@example.com'));
  });

  it('tokenizes deterministically: same value and key give the same token, other keys another', async () => {
    const input = [{ id: 'cust-7' }, { id: 'cust-7' }, { id: 'cust-8' }];
    const a = await runNode(redact, { key: KEY, rules: [{ path: 'id', action: 'tokenize' }] }, input);
    const again = await runNode(redact, { key: KEY, rules: [{ path: 'id', action: 'tokenize' }] }, input);
    const b = await runNode(redact, { key: 'another-key', rules: [{ path: 'id', action: 'tokenize' }] }, input);
    const ids = (r: typeof a) => (r.outputs.out as Array<{ id: string }>).map((x) => x.id);
    expect(ids(a)[0]).toBe(ids(a)[1]);
    expect(ids(a)[0]).not.toBe(ids(a)[2]);
    expect(ids(again)).toEqual(ids(a));
    expect(ids(b)[0]).not.toBe(ids(a)[0]);
    expect(ids(a)[0]).toBe(token(KEY, 'cust-7'));
    expect(ids(a)[0]).toMatch(/^tok_[A-Za-z0-9_-]{22}$/);
  });

  it('writes base64url like Node does', () => {
    for (const hex of ['', 'ff', 'fffe', 'fbff00', '00112233445566778899aabbccddeeff', 'd0a1']) {
      expect(hexToBase64Url(hex)).toBe(Buffer.from(hex, 'hex').toString('base64url'));
    }
  });

  it('turns numbers, booleans and records into text first and leaves null or missing fields alone', async () => {
    const r = await runNode(redact, {
      key: KEY,
      rules: [
        { path: 'pin', action: 'mask' },
        { path: 'card', action: 'mask' },
        { path: 'vip', action: 'mask', keepLast: 0 },
        { path: 'address', action: 'hash' },
        { path: 'phone', action: 'mask' },
        { path: 'fax', action: 'hash' },
        { path: 'nested.missing.deeper', action: 'mask' },
      ],
    }, [{ pin: 1234, card: 12345678, vip: true, address: { zip: '10115', city: 'Berlin' }, phone: null }]);
    expect(r.outputs.out).toEqual([
      {
        // A value no longer than keepLast is masked completely.
        pin: '****',
        card: '****5678',
        vip: '****',
        address: hmac(KEY, '{"city":"Berlin","zip":"10115"}'),
        phone: null,
      },
    ]);
  });

  it('counts characters, not UTF-16 units, when masking', async () => {
    const r = await runNode(redact, { rules: [{ path: 'name', action: 'mask', keepLast: 2 }] }, [{ name: 'Zoë😀x' }]);
    expect(r.outputs.out).toEqual([{ name: '***😀x' }]);
  });

  it('in allow mode passes only allowed fields, dropping unknown ones, and keeps allowed subtrees whole', async () => {
    const input = {
      id: 'o-1',
      secretNote: 'call +49 30 1234',
      customer: { id: 'c-1', name: 'Ada', address: { city: 'Berlin', zip: '10115', geo: { lat: 1, lon: 2 } } },
      items: [{ sku: 'A1', card: '4111', qty: 2 }, { sku: 'B2', card: '5500' }],
      added: { by: 'upstream' },
    };
    const r = await runNode(redact, {
      mode: 'allow',
      allow: ['id', 'customer.id', 'customer.address', 'items[*].sku', 'items[*].qty'],
    }, [input]);
    expect(r.outputs.out).toEqual([
      {
        id: 'o-1',
        customer: { id: 'c-1', address: { city: 'Berlin', zip: '10115', geo: { lat: 1, lon: 2 } } },
        items: [{ sku: 'A1', qty: 2 }, { sku: 'B2' }],
      },
    ]);
  });

  it('in allow mode never passes a value of the wrong shape and applies rules to what is left', async () => {
    const r = await runNode(redact, {
      mode: 'allow',
      allow: ['customer.id', 'customer.phone', 'tags[*].name', 'missing'],
      rules: [{ path: 'customer.phone', action: 'mask' }],
    }, [
      { customer: 'Ada Lovelace, Berlin', tags: ['pii-in-a-string', { name: 'ok', hidden: 'x' }] },
      { customer: { id: 1, phone: '+49301234567', name: 'Ada' }, tags: null },
    ]);
    expect(r.outputs.out).toEqual([
      { tags: [{ name: 'ok' }] },
      { customer: { id: 1, phone: '********4567' }, tags: null },
    ]);
  });

  it('never mutates the input record and shares untouched branches', async () => {
    const input = deepFreeze(order());
    const snapshot = structuredClone(input);
    const r = await runNode(redact, {
      key: KEY,
      rules: [
        { path: 'customer.email', action: 'drop' },
        { path: 'items[*].card', action: 'tokenize' },
        { path: 'customers[*].addresses[*].zip', action: 'hash' },
      ],
    }, [input]);
    expect(r.errors).toEqual([]);
    expect(input).toEqual(snapshot);
    const out = r.outputs.out?.[0] as Record<string, unknown>;
    expect(out).not.toBe(input);
    expect(out.customer).not.toBe(input.customer);
    expect((out.customers as unknown[])[1]).toBe(input.customers[1]);
    expect((out.items as unknown[])[2]).toBe(input.items[2]);

    const allowed = await runNode(redact, { mode: 'allow', allow: ['customer'] }, [input]);
    expect(input).toEqual(snapshot);
    expect((allowed.outputs.out?.[0] as Record<string, unknown>).customer).toBe(input.customer);
  });

  it('passes a record untouched (same message) when no rule applies', async () => {
    const msg = { value: { id: 1 }, key: 'k', headers: { h: 'v' } };
    const r = await runNode(redact, { rules: [{ path: 'email', action: 'drop' }] }, [msg], { messages: true });
    expect(r.messages.out?.[0]).toBe(msg);
  });

  it('fails a record that is not a JSON object instead of passing it', async () => {
    const r = await runNode(redact, { mode: 'allow', allow: ['id'] }, ['ada@example.com', [1], { id: 1 }]);
    expect(r.errors.map((e) => e.index)).toEqual([0, 1]);
    expect(r.outputs.out).toEqual([{ id: 1 }]);
  });

  it('lints missing keys, empty rules, empty allow-lists and bad paths', () => {
    const lint = (c: unknown) => redact.lint?.(redact.config.parse(c)) ?? [];
    expect(lint({ rules: [{ path: 'a', action: 'hash' }] })).toEqual([expect.objectContaining({ path: '/key' })]);
    expect(lint({ rules: [{ path: 'a', action: 'tokenize' }] }).map((i) => i.path)).toEqual(['/key']);
    expect(lint({ rules: [{ path: 'a', action: 'tokenize' }], key: '${secret:K}' })).toEqual([]);
    expect(lint({ rules: [] }).map((i) => i.path)).toEqual(['/rules']);
    expect(lint({ mode: 'allow', allow: [] }).map((i) => i.path)).toEqual(['/allow']);
    expect(lint({ mode: 'allow', allow: ['a'] })).toEqual([]);
    expect(lint({ rules: [{ path: 'items[0].card', action: 'mask' }, { path: 'items[*]', action: 'drop' }, { path: 'tags[*]', action: 'mask' }] }).map((i) => i.path)).toEqual([
      '/rules/0/path',
      '/rules/1/path',
    ]);
    expect(lint({ rules: [{ path: 'a', action: 'drop' }], allow: ['x'] })).toEqual([expect.objectContaining({ path: '/allow', severity: 'warning' })]);
  });

  it('refuses to build a hash rule without a key even if lint was skipped', () => {
    const config = redact.config.parse({ rules: [{ path: 'a', action: 'hash' }] });
    expect(() => redact.create(config, {} as never)).toThrow(/needs a key/);
  });

  it('marks the key as a secret reference in the config schema', () => {
    const props = configJsonSchema(redact).properties as Record<string, Record<string, unknown>>;
    expect(props.key).toMatchObject({ 'x-widget': 'secret-ref', 'x-secret': true });
    expect(configDefaults(redact)).toEqual({ mode: 'listed', rules: [], allow: [], byTag: [] });
  });

  describe('schema', () => {
    const input: AvroRecord = {
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'total', type: 'double', default: 0 },
        {
          name: 'customer',
          type: [
            'null',
            {
              type: 'record',
              name: 'Customer',
              fields: [
                { name: 'name', type: 'string', 'confluent:tags': ['PII'] },
                { name: 'email', type: ['null', 'string'], default: null, 'confluent:tags': ['PII'] },
                { name: 'age', type: 'int', default: 0 },
              ],
            },
          ],
          default: null,
        },
        {
          name: 'items',
          type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }, { name: 'card', type: 'long' }] } },
        },
        { name: 'attrs', type: { type: 'map', values: 'long' } },
      ],
    };
    const derive = (config: unknown) => outputSchemas(redact, { in: input }, redact.config.parse(config)).out as AvroRecord;

    it('removes dropped fields and retypes masked, hashed and tokenized ones to text, keeping nullability', () => {
      const before = structuredClone(input);
      const out = derive({
        key: 'k',
        rules: [
          { path: 'customer.name', action: 'drop' },
          { path: 'customer.email', action: 'hash' },
          { path: 'customer.age', action: 'mask' },
          { path: 'items[*].card', action: 'tokenize' },
          { path: 'attrs[*]', action: 'mask' },
          { path: 'total', action: 'mask' },
          { path: 'no.such.field', action: 'drop' },
        ],
      });
      expect(input).toEqual(before);
      expect(out).toEqual({
        type: 'record',
        name: 'Order',
        fields: [
          { name: 'id', type: 'string' },
          { name: 'total', type: 'string' },
          {
            name: 'customer',
            type: [
              'null',
              {
                type: 'record',
                name: 'Customer',
                fields: [
                  { name: 'email', type: ['null', 'string'], default: null, 'confluent:tags': ['PII:hashed'] },
                  { name: 'age', type: 'string' },
                ],
              },
            ],
            default: null,
          },
          {
            name: 'items',
            type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }, { name: 'card', type: 'string' }] } },
          },
          { name: 'attrs', type: { type: 'map', values: 'string' } },
        ],
      });
    });

    it('keeps only allowed fields in allow mode, then applies rules', () => {
      const out = derive({ mode: 'allow', allow: ['id', 'customer.email', 'items[*].sku', 'unknown'], rules: [{ path: 'customer.email', action: 'mask' }] });
      expect(out.fields.map((f) => f.name)).toEqual(['id', 'customer', 'items']);
      expect(out.fields[1]?.type).toEqual([
        'null',
        { type: 'record', name: 'Customer', fields: [{ name: 'email', type: ['null', 'string'], default: null, 'confluent:tags': ['PII:masked'] }] },
      ]);
      expect(out.fields[2]?.type).toEqual({ type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }] } });
    });

    it('matches what the runtime does to a record of that schema', async () => {
      const config = { key: 'k', rules: [{ path: 'customer.name', action: 'drop' }, { path: 'items[*].card', action: 'mask' }, { path: 'total', action: 'hash' }] };
      const record = { id: 'o', total: 12.5, customer: { name: 'Ada', email: null, age: 36 }, items: [{ sku: 'A', card: 4111 }], attrs: { a: 1 } };
      const out = derive(config);
      const r = await runNode(redact, config, [record]);
      const value = r.outputs.out?.[0] as Record<string, unknown>;
      expect(Object.keys(value)).toEqual(out.fields.map((f) => f.name));
      expect(typeof value.total).toBe('string');
      expect(Object.keys(value.customer as object)).toEqual(['email', 'age']);
      expect(typeof (value.items as Array<{ card: unknown }>)[0]?.card).toBe('string');
    });

    it('stays unknown when the input is unknown', () => {
      expect(outputSchemas(redact, {}, redact.config.parse({ rules: [{ path: 'a', action: 'drop' }] }))).toEqual({ out: undefined });
    });
  });

  it('runs its documented examples', async () => {
    for (const ex of redact.examples) {
      const config = redact.config.parse(ex.config);
      if (!ex.input) continue;
      const r = await runNode(redact, config, ex.input);
      expect(r.outputs, ex.title).toEqual(ex.output);
    }
  });
});
