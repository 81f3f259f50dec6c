import { describe, expect, it } from 'vitest';
import { checkCompatibility, parseCompatibilityLevel } from '../../../runtime/registry/compatibility';
import { describeType } from '../../../runtime/registry/explain';
import { parseAvro } from '../../../runtime/registry/avro';

// Messages must name the field (with its path through nested records) and the rule, phrased as
// the change from the existing schema to the new one, whichever schema is the reader.

const record = (fields: unknown[], name = 'Order') => ({ type: 'record', name, namespace: 'com.acme', fields });
const address = (fields: unknown[]) => ({ type: 'record', name: 'Address', fields });

const messages = (level: Parameters<typeof checkCompatibility>[0], next: object, old: object) =>
  checkCompatibility(level, next, [{ schema: old, version: 3 }], { subject: 'orders-value' }).messages;

describe('incompatibility messages', () => {
  it('follow nested records to the field', () => {
    const old = record([{ name: 'customer', type: record([{ name: 'address', type: address([{ name: 'zip', type: 'string' }]) }], 'Customer') }]);
    const next = record([{ name: 'customer', type: record([{ name: 'address', type: address([{ name: 'zip', type: 'int' }]) }], 'Customer') }]);
    expect(messages('BACKWARD', next, old)).toEqual([
      'orders-value is BACKWARD: field customer.address.zip changed type from string to int (Avro can read string only as string or bytes); the new schema cannot read records written with version 3',
    ]);
  });

  it('name a field added without a default inside an array of records', () => {
    const line = (fields: unknown[]) => ({ type: 'array', items: { type: 'record', name: 'Line', fields } });
    const old = record([{ name: 'lines', type: line([{ name: 'sku', type: 'string' }]) }]);
    const next = record([{ name: 'lines', type: line([{ name: 'sku', type: 'string' }, { name: 'qty', type: 'int' }]) }]);
    expect(messages('BACKWARD', next, old)).toEqual([
      'orders-value is BACKWARD: field lines[].qty was added without a default; the new schema cannot read records written with version 3',
    ]);
  });

  it('name the enum symbols lost (backward) or gained (forward)', () => {
    const status = (symbols: string[]) => ({ type: 'enum', name: 'Status', symbols });
    const old = record([{ name: 'status', type: status(['NEW', 'PAID', 'CANCELLED']) }]);
    const next = record([{ name: 'status', type: status(['NEW', 'PAID']) }]);
    expect(messages('BACKWARD', next, old)).toEqual([
      'orders-value is BACKWARD: enum com.acme.Status (field status) lost symbol CANCELLED and has no default symbol; the new schema cannot read records written with version 3',
    ]);
    expect(messages('FORWARD', old, next)).toEqual([
      'orders-value is FORWARD: enum com.acme.Status (field status) gained symbol CANCELLED, which readers of the old schema do not know (their enum has no default symbol); consumers using version 3 cannot read records written with the new schema',
    ]);
  });

  it('accept a lost enum symbol when the reader has a default symbol', () => {
    const old = record([{ name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'CANCELLED'] } }]);
    const next = record([{ name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'UNKNOWN'], default: 'UNKNOWN' } }]);
    expect(messages('BACKWARD', next, old)).toEqual([]);
  });

  it('say which union branch cannot be read when an optional field becomes required', () => {
    const old = record([{ name: 'note', type: ['null', 'string'], default: null }]);
    const next = record([{ name: 'note', type: 'string' }]);
    expect(messages('BACKWARD', next, old)).toEqual([
      'orders-value is BACKWARD: field note changed type from [null, string] to string (Avro cannot read null as string); the new schema cannot read records written with version 3',
    ]);
    // The other way round is fine: a union with string reads string.
    expect(messages('BACKWARD', old, next)).toEqual([]);
  });

  it('name a record renamed without an alias, and accept it with one', () => {
    const old = record([{ name: 'id', type: 'string' }], 'Order');
    const next = record([{ name: 'id', type: 'string' }], 'Purchase');
    expect(messages('BACKWARD', next, old)).toEqual([
      'orders-value is BACKWARD: record com.acme.Order was renamed to com.acme.Purchase without an alias for the old name; the new schema cannot read records written with version 3',
    ]);
    expect(messages('BACKWARD', { ...next, aliases: ['Order'] }, old)).toEqual([]);
  });

  it('name a fixed whose size changed', () => {
    const old = record([{ name: 'hash', type: { type: 'fixed', name: 'Hash', size: 16 } }]);
    const next = record([{ name: 'hash', type: { type: 'fixed', name: 'Hash', size: 32 } }]);
    expect(messages('BACKWARD', next, old)).toEqual([
      'orders-value is BACKWARD: fixed com.acme.Hash (field hash) changed size from 16 to 32; the new schema cannot read records written with version 3',
    ]);
  });

  it('describe a changed map value type at the map', () => {
    const old = record([{ name: 'attrs', type: { type: 'map', values: 'long' } }]);
    const next = record([{ name: 'attrs', type: { type: 'map', values: 'int' } }]);
    expect(messages('BACKWARD', next, old)).toEqual([
      'orders-value is BACKWARD: field attrs changed type from map of long to map of int (Avro can read long only as long, float or double); the new schema cannot read records written with version 3',
    ]);
  });

  it('terminate on recursive schemas', () => {
    const node = (fields: unknown[]) => ({ type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'], default: null }, ...fields] });
    expect(messages('BACKWARD', node([{ name: 'value', type: 'int' }]), node([]))).toEqual([
      'orders-value is BACKWARD: field value was added without a default; the new schema cannot read records written with version 3',
    ]);
  });

  it('report every problem, not only the first', () => {
    const old = record([
      { name: 'a', type: 'string' },
      { name: 'b', type: 'int' },
    ]);
    const next = record([
      { name: 'a', type: 'int' },
      { name: 'b', type: 'int' },
      { name: 'c', type: 'string' },
    ]);
    expect(messages('BACKWARD', next, old)).toHaveLength(2);
  });

  it('change the top-level type too', () => {
    expect(messages('BACKWARD', { type: 'string' } as object, { type: 'long' } as object)).toEqual([
      'orders-value is BACKWARD: the schema changed type from long to string (Avro can read long only as long, float or double); the new schema cannot read records written with version 3',
    ]);
  });

  it('without a subject or version still name the rule and the schema checked', () => {
    const r = checkCompatibility('FORWARD', record([]), [record([{ name: 'id', type: 'string' }])]);
    expect(r.messages).toEqual(['FORWARD: field id was removed and has no default; consumers using the latest schema cannot read records written with the new schema']);
  });
});

describe('checkCompatibility', () => {
  it('accepts any schema when the subject has none yet, and anything under NONE', () => {
    expect(checkCompatibility('FULL_TRANSITIVE', record([{ name: 'x', type: 'int' }]), [])).toEqual({ compatible: true, messages: [] });
    expect(checkCompatibility('NONE', '"string"', ['"long"'])).toEqual({ compatible: true, messages: [] });
  });

  it('takes schemas as text, JSON values or avsc types', () => {
    const text = JSON.stringify(record([{ name: 'id', type: 'string' }]));
    const type = parseAvro(text).type;
    expect(checkCompatibility('FULL', type, [text, JSON.parse(text) as object]).compatible).toBe(true);
  });

  it('throws InvalidAvroError for a schema that is not Avro', () => {
    expect(() => checkCompatibility('BACKWARD', '{"type":"record","name":"A","fields":[{"name":"x","type":"nope"}]}', ['"string"'])).toThrow(
      /undefined type name: nope/,
    );
  });
});

describe('parseCompatibilityLevel', () => {
  it('accepts the seven levels in any case and nothing else', () => {
    expect(parseCompatibilityLevel('full_transitive')).toBe('FULL_TRANSITIVE');
    expect(parseCompatibilityLevel(' Backward ')).toBe('BACKWARD');
    expect(parseCompatibilityLevel('SOMETIMES')).toBeUndefined();
    expect(parseCompatibilityLevel(3)).toBeUndefined();
  });
});

describe('describeType', () => {
  it('spells types the way messages use them', () => {
    expect(describeType(parseAvro('{"type":"array","items":["null","long"]}').type)).toBe('array of [null, long]');
    expect(describeType(parseAvro('{"type":"record","name":"x.Y","fields":[]}').type)).toBe('record x.Y');
  });
});
