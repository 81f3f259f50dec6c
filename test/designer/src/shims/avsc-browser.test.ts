import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { Type as BrowserType } from '../../../../designer/src/shims/avsc-browser';

/**
 * The designer's build replaces avsc with a validating stand-in. Both must accept and refuse the
 * same schemas, or the canvas would show a flow as clean that the runtime rejects (or the reverse).
 */
const rec = (fields: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'record', name: 'Order', fields, ...extra });

const CASES: Array<[string, unknown]> = [
  ['flat record', rec([{ name: 'id', type: 'string' }, { name: 'total', type: 'double' }])],
  ['nested record, arrays, maps, enum, fixed', rec([
    { name: 'customer', type: { type: 'record', name: 'Customer', fields: [{ name: 'email', type: 'string', 'confluent:tags': ['PII'] }] } },
    { name: 'items', type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'qty', type: 'int' }] } } },
    { name: 'attrs', type: { type: 'map', values: 'string' } },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
    { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
  ])],
  ['named type referenced again', rec([
    { name: 'a', type: { type: 'record', name: 'Addr', fields: [{ name: 'city', type: 'string' }] } },
    { name: 'b', type: 'Addr' },
  ])],
  ['namespaced reference', rec([{ name: 'a', type: { type: 'enum', name: 'E', symbols: ['X'] } }, { name: 'b', type: 'com.acme.E' }], { namespace: 'com.acme' })],
  ['optional with null default', rec([{ name: 'note', type: ['null', 'string'], default: null }])],
  ['logical type', rec([{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }])],
  ['defaults of each kind', rec([
    { name: 'n', type: 'int', default: 3 },
    { name: 's', type: 'string', default: 'x' },
    { name: 'l', type: { type: 'array', items: 'int' }, default: [1, 2] },
    { name: 'm', type: { type: 'map', values: 'double' }, default: { a: 1.5 } },
  ])],
  ['empty record', rec([])],
  ['unknown type name', rec([{ name: 'x', type: 'strin' }])],
  ['undefined named reference', rec([{ name: 'x', type: 'Nope' }])],
  ['duplicate field', rec([{ name: 'x', type: 'int' }, { name: 'x', type: 'string' }])],
  ['bad field name', rec([{ name: 'first-name', type: 'string' }])],
  ['bad record name', { type: 'record', name: 'Or-der', fields: [] }],
  ['anonymous record', { type: 'record', fields: [{ name: 'x', type: 'int' }] }],
  ['record name of the wrong type', { type: 'record', name: 3, fields: [] }],
  ['anonymous record with a bad field', { type: 'record', fields: [{ name: 'x' }] }],
  ['fields not an array', { type: 'record', name: 'R', fields: {} }],
  ['field without type', rec([{ name: 'x' }])],
  ['nested union', rec([{ name: 'x', type: ['null', ['int', 'string']] }])],
  ['duplicate union branch', rec([{ name: 'x', type: ['string', 'string'] }])],
  ['default of the wrong type', rec([{ name: 'x', type: 'int', default: 'three' }])],
  ['union default not of the first branch', rec([{ name: 'x', type: ['null', 'string'], default: 'a' }])],
  ['int default out of range', rec([{ name: 'x', type: 'int', default: 2 ** 40 }])],
  ['duplicate type name', rec([
    { name: 'a', type: { type: 'enum', name: 'E', symbols: ['X'] } },
    { name: 'b', type: { type: 'enum', name: 'E', symbols: ['Y'] } },
  ])],
  ['enum with duplicate symbols', rec([{ name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'A'] } }])],
  ['enum default not a symbol', rec([{ name: 'e', type: { type: 'enum', name: 'E', symbols: ['A'], default: 'B' } }])],
  ['array without items', rec([{ name: 'a', type: { type: 'array' } }])],
  ['map without values', rec([{ name: 'm', type: { type: 'map' } }])],
  ['fixed without size', rec([{ name: 'f', type: { type: 'fixed', name: 'F' } }])],
];

function accepts(forSchema: (s: unknown) => unknown, schema: unknown): boolean {
  try {
    forSchema(schema);
    return true;
  } catch {
    return false;
  }
}

describe('the browser stand-in for avsc', () => {
  it.each(CASES)('agrees with avsc on: %s', (_name, schema) => {
    const real = accepts((s) => avsc.Type.forSchema(s as Parameters<typeof avsc.Type.forSchema>[0]), schema);
    expect(accepts((s) => BrowserType.forSchema(s), schema)).toBe(real);
  });

  it('covers both outcomes, so the agreement means something', () => {
    const outcomes = CASES.map(([, s]) => accepts((x) => avsc.Type.forSchema(x as Parameters<typeof avsc.Type.forSchema>[0]), s));
    expect(outcomes.filter(Boolean).length).toBeGreaterThan(5);
    expect(outcomes.filter((x) => !x).length).toBeGreaterThan(10);
  });

  it('refuses to encode: records are only built by the runtime', () => {
    expect(() => BrowserType.forSchema(CASES[0]?.[1]).random()).toThrow(/not available in the designer/);
  });
});
