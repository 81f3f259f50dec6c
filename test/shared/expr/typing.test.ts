import { describe, expect, it } from 'vitest';
import {
  availableFields,
  celTypeOf,
  celTypeToAvro,
  checkExpression,
  createExpressionCompiler,
  expressionType,
} from '../../../shared/expr';
import type { AvroRecord, AvroType } from '../../../shared/schema/record-schema';
import { order, orderSchema } from './fixtures';

describe('typing from the Avro schema', () => {
  it.each([
    ['paid', 'bool'],
    ['qty', 'int'],
    ['seq', 'int'],
    ['total', 'double'],
    ['weight', 'double'],
    ['id', 'string'],
    ['region', 'string'],
    ['blob', 'bytes'],
    ['hash', 'bytes'],
    ['placedAt', 'int'],
    ['customer', 'com.acme.Customer'],
    ['items', 'list<com.acme.Item>'],
    ['attrs', 'map<string, int>'],
    ['note', 'string'],
    ['mixed', 'dyn'],
    ['billing', 'com.acme.Address'],
  ])('field %s reads as %s', (field, type) => {
    expect(expressionType(field, orderSchema)).toBe(type);
  });

  it('maps standalone Avro types the same way', () => {
    const cases: Array<[AvroType, string]> = [
      ['boolean', 'bool'],
      ['long', 'int'],
      ['float', 'double'],
      ['bytes', 'bytes'],
      [{ type: 'array', items: ['null', 'long'] }, 'list<int>'],
      [{ type: 'map', values: { type: 'array', items: 'string' } }, 'map<string, list<string>>'],
      [['int', 'long'], 'int'],
      [['string', 'long'], 'dyn'],
      [{ type: 'enum', name: 'E', symbols: ['A'] }, 'string'],
      [{ type: 'record', name: 'R', namespace: 'x', fields: [] }, 'x.R'],
    ];
    for (const [avro, cel] of cases) expect(celTypeOf(avro)).toBe(cel);
  });

  it('types nested records field by field', () => {
    expect(expressionType('customer.address.city', orderSchema)).toBe('string');
    expect(expressionType('customer.address.zip + 1', orderSchema)).toBe('int');
    expect(expressionType('billing.zip', orderSchema)).toBe('int');
    expect(checkExpression('customer.address.town == "x"', orderSchema)[0]?.message).toBe(
      'field "town" does not exist on customer.address (it has: city, zip)',
    );
  });

  it('gives records with the same name distinct types with their own fields', () => {
    const schema = {
      type: 'record',
      name: 'Root',
      fields: [
        { name: 'a', type: { type: 'record', name: 'Part', fields: [{ name: 'x', type: 'long' }] } },
        { name: 'b', type: { type: 'record', name: 'Part', fields: [{ name: 'y', type: 'string' }] } },
      ],
    } as unknown as AvroRecord;
    expect(expressionType('a', schema)).toBe('Part');
    expect(expressionType('b', schema)).toBe('Part_2');
    expect(expressionType('a.x + 1', schema)).toBe('int');
    expect(expressionType('b.y + "!"', schema)).toBe('string');
    expect(checkExpression('b.x', schema)[0]?.message).toBe('field "x" does not exist on b (it has: y)');
  });

  it('follows recursive records and converts their ints at every depth', () => {
    const schema = {
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'value', type: 'long' },
        { name: 'next', type: ['null', 'Node'] },
      ],
    } as unknown as AvroRecord;
    expect(expressionType('next.next.value', schema)).toBe('int');
    const expr = createExpressionCompiler(schema).compile('next.next.value + value');
    expect(expr.evaluate({ value: 1, next: { value: 2, next: { value: 40, next: null } } })).toBe(41);
  });

  it('evaluates list macros over arrays of records', () => {
    const c = createExpressionCompiler(orderSchema);
    const anyBig = c.compile('items.exists(i, i.qty > 2)', { resultType: 'bool' });
    expect(anyBig.type).toBe('bool');
    expect(anyBig.evaluate(order())).toBe(true);
    expect(anyBig.evaluate(order({ items: [{ sku: 'a', qty: 1 }] }))).toBe(false);
    expect(c.compile('items.all(i, i.qty >= 1)').evaluate(order())).toBe(true);
    expect(c.compile('items.filter(i, i.qty > 1).map(i, i.sku)').evaluate(order())).toEqual(['b']);
    expect(c.compile('size(items)').evaluate(order())).toBe(2);
  });

  it('types a nullable field as its non-null branch and lets it be compared with null', () => {
    const c = createExpressionCompiler(orderSchema);
    expect(checkExpression('note != null && note.startsWith("x")', orderSchema, { resultType: 'bool' })).toEqual([]);
    expect(c.compile('note == null').evaluate(order())).toBe(true);
    expect(c.compile('note == "hi"').evaluate(order())).toBe(false);
    expect(c.compile('note != null && note.startsWith("h")').evaluate(order({ note: 'hello' }))).toBe(true);
    expect(c.compile('billing == null || billing.city == "Paris"').evaluate(order())).toBe(true);
  });

  it('falls back to dyn for every variable when the schema is unknown', () => {
    const c = createExpressionCompiler(undefined);
    const big = c.compile('total > 1000.0 && customer.country == "DE"', { resultType: 'bool' });
    expect(big.type).toBe('bool');
    expect(big.evaluate({ total: 1500, customer: { country: 'DE' } })).toBe(true);
    expect(big.evaluate({ total: 10, customer: { country: 'DE' } })).toBe(false);
    expect(c.compile('anything').type).toBe('dyn');
    expect(c.compile('record["first-name"]').evaluate({ 'first-name': 'Ann' })).toBe('Ann');
    // A field literally named `record` wins over the whole record.
    expect(c.compile('record.x').evaluate({ record: { x: 1 }, x: 2 })).toBe(1);
    expect(c.compile('record.x').evaluate({ x: 2 })).toBe(2);
    expect(checkExpression('whatever.you.like > 1', undefined)).toEqual([]);
  });

  it('reaches awkward field names through record, and lets a field named record win', () => {
    const c = createExpressionCompiler(orderSchema);
    expect(c.compile('record["first-name"]').evaluate(order())).toBe('Ann');
    expect(c.compile('record.type == "order"', { resultType: 'bool' }).evaluate(order())).toBe(true);
    expect(c.compile('record.total > 1000.0').evaluate(order())).toBe(true);

    const owned = {
      type: 'record',
      name: 'Wrapper',
      fields: [
        { name: 'record', type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'long' }] } },
        { name: 'x', type: 'string' },
      ],
    } as unknown as AvroRecord;
    expect(expressionType('record.x', owned)).toBe('int');
    expect(createExpressionCompiler(owned).compile('record.x + 1').evaluate({ record: { x: 1 }, x: 'outer' })).toBe(2);
  });

  it('scopes macro variables so a shadowed field is not read', () => {
    // The top-level qty holds bad data, but the expression only uses the iteration variable.
    const c = createExpressionCompiler(orderSchema);
    expect(c.compile('items.exists(qty, qty.qty > 2)').evaluate(order({ qty: 2.5 }))).toBe(true);
    expect(c.compile('cel.bind(t, total * 2.0, t > 3000.0)').evaluate(order())).toBe(true);
  });
});

describe('int conversion at the boundary', () => {
  const c = createExpressionCompiler(orderSchema);

  it('reads JSON numbers in int fields as CEL ints and returns JS numbers', () => {
    const r = c.compile('qty + 1').evaluate(order({ qty: 5 }));
    expect(r).toBe(6);
    expect(typeof r).toBe('number');
    expect(c.compile('attrs.gift + 1').evaluate(order())).toBe(2);
    expect(c.compile('customer.address.zip / 5').evaluate(order())).toBe(2023);
    expect(c.compile('mixed + 1').evaluate(order())).toBe(8);
  });

  it('converts integers back to numbers deep inside lists and maps', () => {
    expect(c.compile('items.map(i, i.qty * 2)').evaluate(order())).toEqual([2, 6]);
    expect(c.compile('{"n": qty, "list": [seq, 1]}').evaluate(order())).toEqual({ n: 5, list: [42, 1] });
    const items = c.compile('items').evaluate(order()) as Array<{ qty: unknown }>;
    expect(items.map((i) => typeof i.qty)).toEqual(['number', 'number']);
  });

  it('never mutates the record it reads', () => {
    const deepFreeze = <T>(o: T): T => {
      if (o && typeof o === 'object' && !(o instanceof Uint8Array)) {
        for (const v of Object.values(o)) deepFreeze(v);
        Object.freeze(o);
      }
      return o;
    };
    const rec = deepFreeze(order());
    expect(c.compile('items.exists(i, i.qty > 2) && qty + seq > 0 && record.qty == 5').evaluate(rec)).toBe(true);
    expect(rec.qty).toBe(5);
    expect((rec.items as Array<{ qty: unknown }>)[1]!.qty).toBe(3);
    // Parts without ints are handed back as they are, not copied.
    expect(c.compile('customer.region').evaluate(rec)).toBe('DE');
    expect(createExpressionCompiler(undefined).compile('customer').evaluate(rec)).toBe(rec.customer);
  });

  it('rejects an int result that a JS number cannot hold exactly', () => {
    expect(() => c.compile('qty * 9007199254740991').evaluate(order())).toThrow(
      'the result 45035996273704955 is too large to be an exact number',
    );
  });

  it('treats a fraction in an int field as a runtime error naming the field', () => {
    expect(() => c.compile('qty + 1').evaluate(order({ qty: 2.5 }))).toThrow(
      'field "qty" should be an int (a whole number), but this record has 2.5',
    );
    expect(() => c.compile('items.exists(i, i.qty > 2)').evaluate(order({ items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 0.5 }] }))).toThrow(
      'field "items[1].qty" should be an int (a whole number), but this record has 0.5',
    );
  });
});

describe('expressionType and celTypeToAvro', () => {
  it('reports the result type of expressions', () => {
    expect(expressionType('total * 2.0', orderSchema)).toBe('double');
    expect(expressionType('items.map(i, i.sku)', orderSchema)).toBe('list<string>');
    expect(expressionType('string(qty) + "x"', orderSchema)).toBe('string');
    expect(expressionType('[]', orderSchema)).toBe('list<dyn>');
    expect(expressionType('total > 1', undefined)).toBe('bool');
    expect(expressionType('x + y', undefined)).toBe('dyn');
    const issues = expressionType('total + 1', orderSchema);
    expect(Array.isArray(issues) && issues[0]?.message).toBe('mixing double and int: write 1.0 instead of 1');
  });

  it('maps CEL types to Avro for output schemas', () => {
    expect(celTypeToAvro('bool')).toBe('boolean');
    expect(celTypeToAvro('int')).toBe('long');
    expect(celTypeToAvro('double')).toBe('double');
    expect(celTypeToAvro('string')).toBe('string');
    expect(celTypeToAvro('bytes')).toBe('bytes');
    expect(celTypeToAvro('list<int>')).toEqual({ type: 'array', items: 'long' });
    expect(celTypeToAvro('map<string, list<double>>')).toEqual({ type: 'map', values: { type: 'array', items: 'double' } });
    expect(celTypeToAvro('dyn')).toBeUndefined();
    expect(celTypeToAvro('list<dyn>')).toBeUndefined();
    expect(celTypeToAvro('map<int, string>')).toBeUndefined();
    expect(celTypeToAvro('com.acme.Customer')).toBeUndefined();
    const customer = celTypeToAvro('com.acme.Customer', orderSchema) as AvroRecord;
    expect(customer.name).toBe('Customer');
    expect(customer.fields.map((f) => f.name)).toEqual(['email', 'region', 'address']);
    expect(celTypeToAvro(expressionType('items', orderSchema) as string, orderSchema)).toMatchObject({ type: 'array', items: { name: 'Item' } });
  });
});

describe('availableFields', () => {
  it('lists every reachable field with its CEL type and how to write it', () => {
    const fields = availableFields(orderSchema);
    const byPath = new Map(fields.map((f) => [f.path, f]));
    expect(fields[0]).toEqual({ path: 'id', type: 'string', expr: 'id' });
    expect(byPath.get('customer.email')).toEqual({ path: 'customer.email', type: 'string', expr: 'customer.email', tags: ['PII'] });
    expect(byPath.get('customer.address.zip')).toMatchObject({ type: 'int', expr: 'customer.address.zip' });
    expect(byPath.get('items')).toMatchObject({ type: 'list<com.acme.Item>', expr: 'items' });
    expect(byPath.get('items[*].qty')).toEqual({ path: 'items[*].qty', type: 'int' });
    expect(byPath.get('first-name')).toMatchObject({ expr: 'record["first-name"]' });
    expect(byPath.get('type')).toMatchObject({ expr: 'record.type' });
    expect(byPath.get('billing.city')).toMatchObject({ type: 'string', expr: 'billing.city' });
    // Every suggested expression type-checks.
    for (const f of fields) if (f.expr) expect(checkExpression(f.expr, orderSchema), f.expr).toEqual([]);
    expect(availableFields(undefined)).toEqual([]);
  });
});
