import { describe, expect, it } from 'vitest';
import { canonicalAvro, InvalidAvroError, parseAvro } from '../../../runtime/registry/avro';

// Registrations compare schemas in canonical form: spelling does not count, meaning does.

describe('canonicalAvro', () => {
  const order = {
    type: 'record',
    name: 'Order',
    namespace: 'com.acme',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'address', type: { type: 'record', name: 'Address', fields: [{ name: 'zip', type: 'string' }] } },
      { name: 'billing', type: 'Address' },
    ],
  };

  it('ignores whitespace and key order', () => {
    const spaced = JSON.stringify(order, null, 4);
    const reordered = JSON.stringify({ fields: order.fields, namespace: 'com.acme', name: 'Order', type: 'record' });
    expect(canonicalAvro(spaced)).toBe(canonicalAvro(JSON.stringify(order)));
    expect(canonicalAvro(reordered)).toBe(canonicalAvro(order));
  });

  it('treats {"type": "int"} as "int" and short names as full names', () => {
    const full = {
      type: 'record',
      name: 'com.acme.Order',
      fields: [
        { name: 'id', type: { type: 'string' } },
        { name: 'address', type: { type: 'record', name: 'com.acme.Address', fields: [{ name: 'zip', type: 'string' }] } },
        { name: 'billing', type: 'com.acme.Address' },
      ],
    };
    expect(canonicalAvro(full)).toBe(canonicalAvro(order));
  });

  it('keeps what changes the contract: defaults, docs, aliases and custom properties such as confluent:tags', () => {
    const base = canonicalAvro(order);
    const withField = (extra: Record<string, unknown>) => ({ ...order, fields: [{ name: 'id', type: 'string', ...extra }, ...order.fields.slice(1)] });
    expect(canonicalAvro(withField({ default: '' }))).not.toBe(base);
    expect(canonicalAvro(withField({ doc: 'order id' }))).not.toBe(base);
    expect(canonicalAvro(withField({ aliases: ['orderId'] }))).not.toBe(base);
    expect(canonicalAvro(withField({ 'confluent:tags': ['PII'] }))).not.toBe(base);
  });

  it('keeps field order, which is part of the binary encoding', () => {
    const swapped = { ...order, fields: [order.fields[1], order.fields[0], order.fields[2]] };
    expect(canonicalAvro(swapped)).not.toBe(canonicalAvro(order));
  });

  it('accepts non-record schemas', () => {
    expect(canonicalAvro('"string"')).toBe('"string"');
    expect(canonicalAvro('{"type":"map","values":{"type":"long"}}')).toBe('{"type":"map","values":"long"}');
  });
});

describe('parseAvro', () => {
  const invalid = (schema: string) => {
    try {
      parseAvro(schema);
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidAvroError);
      return (err as Error).message;
    }
    throw new Error(`parseAvro accepted ${schema}`);
  };

  it('refuses text that is not JSON', () => {
    expect(invalid('{"type": "record",')).toMatch(/^not JSON/);
  });

  it('refuses records without a name, as the Avro specification does', () => {
    expect(invalid('{"type":"record","fields":[]}')).toMatch(/name/);
  });

  it('refuses unknown type names and defaults of the wrong type', () => {
    expect(invalid('{"type":"record","name":"A","fields":[{"name":"x","type":"Money"}]}')).toMatch(/undefined type name: Money/);
    expect(invalid('{"type":"record","name":"A","fields":[{"name":"x","type":"int","default":"zero"}]}')).toMatch(/default/);
  });
});
