import { describe, expect, it } from 'vitest';
import type { AvroRecord } from '../../../shared/schema/record-schema';
import { editable, finish, putField, removeField, schemaNames, uniqueName } from '../../../shared/schema/schema-paths';

const CARD: AvroRecord = { type: 'record', name: 'Card', fields: [{ name: 'last4', type: 'string' }] };
const WIRE: AvroRecord = { type: 'record', name: 'Wire', fields: [{ name: 'iban', type: 'string' }] };

describe('schema paths (shared/schema/schema-paths)', () => {
  it('puts a field into every record branch of a union on the way, and defines a record once', () => {
    const input: AvroRecord = { type: 'record', name: 'Payment', fields: [{ name: 'method', type: ['null', CARD, WIRE, 'string'] }] };
    const s = editable(input);
    const row: AvroRecord = { type: 'record', name: 'Row', fields: [{ name: 'k', type: 'string' }] };
    putField(s, ['method', 'info'], { type: row });
    const [nil, card, wire, text] = finish(s).fields[0]!.type as [string, AvroRecord, AvroRecord, string];
    expect([nil, text]).toEqual(['null', 'string']);
    expect(card.fields.at(-1)).toEqual({ name: 'info', type: row });
    expect(wire.fields.at(-1)).toEqual({ name: 'info', type: 'Row' });
    expect(input.fields[0]!.type).toEqual(['null', CARD, WIRE, 'string']);
  });

  it('creates missing records with unique names and refuses a parent that is not a record', () => {
    const s = editable({ type: 'record', name: 'Meta', fields: [{ name: 'note', type: 'string' }] });
    putField(s, ['meta', 'large'], { type: 'boolean' });
    expect(s.root.fields.at(-1)).toEqual({ name: 'meta', type: { type: 'record', name: 'Meta2', fields: [{ name: 'large', type: 'boolean' }] } });
    expect(() => putField(s, ['note', 'x'], { type: 'string' })).toThrow(/not a record/);
    expect(removeField(s, ['meta', 'large'])).toEqual({ name: 'large', type: 'boolean' });
  });

  it('names records the Avro way', () => {
    const taken = schemaNames({ type: 'record', name: 'Order', fields: [{ name: 'c', type: { type: 'enum', name: 'Row', symbols: ['A'] } }] });
    expect([...taken]).toEqual(['Order', 'Row']);
    expect(uniqueName(taken, 'Row')).toBe('Row2');
    expect(uniqueName(taken, '2nd-row')).toBe('_2nd_row');
    expect(taken.has('_2nd_row')).toBe(true);
  });
});
