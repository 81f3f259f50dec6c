import { describe, expect, it } from 'vitest';
import { checkExpression } from '../../../../shared/expr/cel';
import {
  listItems,
  listText,
  literal,
  parseCondition,
  rowProblem,
  scalarFields,
  writeCondition,
  type ConditionMode,
  type ConditionRow,
} from '../../../../designer/src/expr/condition';
import { availableFields } from '../../../../shared/expr/schema-types';
import { ORDER_SCHEMA } from '../monaco/harness';

const row = (field: string, type: ConditionRow['type'], op: ConditionRow['op'], value = ''): ConditionRow => ({ field, type, op, value });

/** One row of every operator and type the builder writes, against ORDER_SCHEMA's fields. */
const EVERY_ROW: ConditionRow[] = [
  row('total', 'double', 'gt', '1000'),
  row('total', 'double', 'ge', '-2.5'),
  row('total', 'double', 'lt', '.5'),
  row('total', 'double', 'le', '1e3'),
  row('total', 'double', 'eq', '7.'),
  row('total', 'double', 'in', '1, 2.5, 3'),
  row('qty', 'int', 'ne', '3'),
  row('qty', 'int', 'in', '1, 2, -3'),
  row('qty', 'int', 'set'),
  row('paid', 'bool', 'eq', 'true'),
  row('paid', 'bool', 'ne', 'false'),
  row('region', 'string', 'eq', 'eu'),
  row('region', 'string', 'in', 'eu, "us, west", "say \\"hi\\""'),
  row('note', 'string', 'set'),
  row('note', 'string', 'contains', 'rush'),
  row('customer.email', 'string', 'endsWith', '@acme.com'),
  row('customer.address.city', 'string', 'startsWith', 'Ber'),
  row('record["first-name"]', 'string', 'ne', 'He said "no" \\ twice\nand left'),
  row('id', 'string', 'gt', 'ord-100'),
];

describe('writeCondition', () => {
  it('writes a double comparison with a decimal point, so it type-checks', () => {
    expect(writeCondition([row('total', 'double', 'gt', '1000')], 'all')).toBe('total > 1000.0');
    expect(literal('double', '-.5')).toBe('-0.5');
    expect(literal('double', '1e3')).toBe('1e3');
    expect(literal('int', '007')).toBe('7');
  });

  it('quotes and escapes text', () => {
    expect(writeCondition([row('id', 'string', 'eq', 'a"b\\c')], 'all')).toBe('id == "a\\"b\\\\c"');
  });

  it('joins rows with && for "all of" and || for "any of"', () => {
    const rows = [row('total', 'double', 'gt', '10'), row('region', 'string', 'eq', 'eu')];
    expect(writeCondition(rows, 'all')).toBe('total > 10.0 && region == "eu"');
    expect(writeCondition(rows, 'any')).toBe('total > 10.0 || region == "eu"');
  });

  it('writes every operator in a form the checker accepts against a typed schema', () => {
    for (const r of EVERY_ROW) {
      expect(rowProblem(r), JSON.stringify(r)).toBeUndefined();
      const cel = writeCondition([r], 'all');
      expect(checkExpression(cel, ORDER_SCHEMA, { resultType: 'bool' }), cel).toEqual([]);
    }
    for (const mode of ['all', 'any'] as ConditionMode[]) {
      const cel = writeCondition(EVERY_ROW, mode);
      expect(checkExpression(cel, ORDER_SCHEMA, { resultType: 'bool' }), cel).toEqual([]);
    }
  });
});

describe('parseCondition', () => {
  it('reads back everything it writes, and writes it again unchanged', () => {
    for (const mode of ['all', 'any'] as ConditionMode[]) {
      for (const rows of [EVERY_ROW, EVERY_ROW.slice(0, 1), EVERY_ROW.slice(3, 9)]) {
        const cel = writeCondition(rows, mode);
        const parsed = parseCondition(cel);
        expect(parsed, cel).toBeDefined();
        expect(parsed!.rows).toHaveLength(rows.length);
        expect(writeCondition(parsed!.rows, rows.length > 1 ? parsed!.mode : mode)).toBe(cel);
        if (rows.length > 1) expect(parsed!.mode).toBe(mode);
      }
    }
  });

  it('keeps escaped quotes and double literals through the round trip', () => {
    const cel = writeCondition([row('id', 'string', 'eq', 'say "hi"'), row('total', 'double', 'ge', '1000')], 'all');
    expect(cel).toBe('id == "say \\"hi\\"" && total >= 1000.0');
    expect(parseCondition(cel)).toEqual({
      mode: 'all',
      rows: [row('id', 'string', 'eq', 'say "hi"'), row('total', 'double', 'ge', '1000.0')],
    });
  });

  it('reads hand-written conditions of the same shapes', () => {
    expect(parseCondition('total > 1000.0')).toEqual({ mode: 'all', rows: [row('total', 'double', 'gt', '1000.0')] });
    expect(parseCondition('(region == "eu") || (region == \'us\')')?.mode).toBe('any');
    expect(parseCondition('qty > -5')?.rows[0]).toEqual(row('qty', 'int', 'gt', '-5'));
    expect(parseCondition('note != null')?.rows[0]?.op).toBe('set');
  });

  it('gives up on anything else', () => {
    for (const cel of [
      'total > 1.0 && (region == "eu" || paid == true)',
      'items.exists(i, i.qty > 2)',
      '!paid',
      '"eu" == region',
      'size(id) > 3',
      'total > qty',
      'note == null',
      'region in ["eu", 1]',
      'total >',
    ]) {
      expect(parseCondition(cel), cel).toBeUndefined();
    }
  });

  it('reads empty text as no rows', () => {
    expect(parseCondition('  ')).toEqual({ mode: 'all', rows: [] });
    expect(writeCondition([], 'all')).toBe('');
  });
});

describe('rowProblem', () => {
  it('says what is missing or wrong, in words', () => {
    expect(rowProblem(row('', 'string', 'eq', 'x'))).toMatch(/choose a field/i);
    expect(rowProblem(row('qty', 'int', 'gt', '1.5'))).toMatch(/whole number/);
    expect(rowProblem(row('total', 'double', 'gt', 'abc'))).toMatch(/not a number/);
    expect(rowProblem(row('total', 'double', 'gt', ''))).toMatch(/enter a value/i);
    expect(rowProblem(row('total', 'double', 'contains', '1'))).toMatch(/does not fit/);
    expect(rowProblem(row('region', 'string', 'in', '"eu, us'))).toMatch(/quotes/);
    expect(rowProblem(row('region', 'string', 'in', 'eu, us'))).toBeUndefined();
  });
});

describe('lists and fields', () => {
  it('splits and joins "is one of" text, quoting entries with commas', () => {
    expect(listItems('eu, "us, west" ,apac')).toEqual(['eu', 'us, west', 'apac']);
    expect(listText(['eu', 'us, west', 'a"b'])).toBe('eu, "us, west", "a\\"b"');
    expect(listItems(listText(['eu', 'us, west', 'a"b', ' padded ']))).toEqual(['eu', 'us, west', 'a"b', ' padded ']);
  });

  it('offers only scalar fields that CEL can read directly', () => {
    const offered = scalarFields(availableFields(ORDER_SCHEMA)).map((f) => f.expr);
    expect(offered).toEqual(expect.arrayContaining(['total', 'qty', 'paid', 'region', 'note', 'record["first-name"]', 'customer.email', 'customer.address.city']));
    expect(offered).not.toContain('customer');
    expect(offered).not.toContain('items');
  });
});
