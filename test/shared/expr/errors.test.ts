import { describe, expect, it } from 'vitest';
import { ExpressionError, checkExpression, createExpressionCompiler } from '../../../shared/expr';
import type { AvroRecord } from '../../../shared/schema/record-schema';
import { order, orderSchema } from './fixtures';

const small = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'total', type: 'double' },
    { name: 'qty', type: 'long' },
    { name: 'status', type: 'string' },
    { name: 'paid', type: 'boolean' },
    { name: 'customer', type: { type: 'record', name: 'Customer', fields: [{ name: 'email', type: 'string' }, { name: 'region', type: 'string' }] } },
  ],
} as unknown as AvroRecord;

function issue(source: string, schema: AvroRecord | undefined = small, resultType?: 'bool' | 'any') {
  const issues = checkExpression(source, schema, resultType ? { resultType } : {});
  expect(issues, source).toHaveLength(1);
  return issues[0]!;
}

describe('compile-time messages', () => {
  it('accepts valid expressions', () => {
    expect(checkExpression('total > 1000.0 && customer.region == "DE"', small, { resultType: 'bool' })).toEqual([]);
  });

  it('names an unknown field and lists the fields there are', () => {
    expect(issue('foo > 1.0')).toMatchObject({
      message: 'unknown field "foo" (fields here: total, qty, status, paid, customer)',
      line: 1,
      column: 1,
      offset: 0,
      length: 3,
      code: 'unknown-field',
    });
    expect(issue('paid && totl > 1.0').message).toBe('unknown field "totl", did you mean "total"? (fields here: total, qty, status, paid, customer)');
    expect(issue('paid && totl > 1.0').column).toBe(9);
  });

  it('points at line 2 when the error is on line 2', () => {
    const i = issue('total > 1000.0 &&\n  custmer.region == "DE"');
    expect(i.message).toMatch(/^unknown field "custmer", did you mean "customer"\?/);
    expect([i.line, i.column]).toEqual([2, 3]);
  });

  it('names a missing field of a nested record and what it has', () => {
    expect(issue('customer.emial == "x"')).toMatchObject({
      message: 'field "emial" does not exist on customer, did you mean "email"? (it has: email, region)',
      line: 1,
      column: 10,
      code: 'no-such-field',
    });
    expect(issue('customer["emial"] == "x"').message).toMatch(/^field "emial" does not exist on customer/);
  });

  it('says which comparison cannot be made', () => {
    expect(issue('total > "x"')).toMatchObject({ message: 'cannot compare a double with a string (total > "x")', line: 1, column: 1 });
    expect(issue('paid &&\n status < 3').message).toBe('cannot compare a string with an int (status < 3)');
    expect(issue('paid &&\n status < 3')).toMatchObject({ line: 2, column: 2 });
    expect(issue('customer == 1').message).toBe('cannot compare a Customer record with an int (customer == 1)');
  });

  it('explains mixing double and int with the literal to write', () => {
    expect(issue('total + 1000 > 5.0').message).toBe('mixing double and int: write 1000.0 instead of 1000');
    expect(issue('total == 1000').message).toBe('mixing double and int: write 1000.0 instead of 1000');
    expect(issue('qty * 1.5 > 2.0').message).toBe('mixing int and double: write double(qty) to use it as a double (qty * 1.5)');
  });

  it('explains other operator misuse', () => {
    expect(issue('status + 1 == "x"').message).toBe('cannot add a string and an int (status + 1): to join text write string(1)');
    expect(issue('!total').message).toBe('"!" needs a bool, but total is a double');
    expect(issue('paid && total').message).toBe('&& needs true or false on both sides, but total is a double');
    expect(issue('"a" in status').message).toBe('cannot look for a string in a string ("a" in status): for text write status.contains("a")');
    expect(issue('status.startsWith(1)').message).toBe('cannot call startsWith(int) on a string (status.startsWith(1))');
    expect(issue('lower(status)').message).toBe('unknown function "lower"');
    expect(issue('status.startswith("a")').message).toBe('unknown function "startswith", did you mean "startsWith"? (status.startswith("a"))');
    expect(issue('total.cents > 1').message).toBe('total is a double, so it has no field "cents"');
    expect(issue('qty > 1 ? "big" : 2').message).toBe('both branches of "? :" must give the same type, but one gives string and the other int');
  });

  it('reports syntax errors in plain words with their position', () => {
    expect(issue('total >')).toMatchObject({ message: 'syntax error: the expression ends too early', line: 1, column: 8, code: 'syntax' });
    expect(issue('total = 5.0')).toMatchObject({ message: 'syntax error: unexpected "="; to compare write ==', column: 7 });
    expect(issue('paid and qty > 1')).toMatchObject({ message: 'syntax error: unexpected "and"; CEL writes && instead', column: 6 });
    expect(issue('(total > 1.0')).toMatchObject({ message: 'syntax error: expected ")" but found the end of the expression' });
    expect(issue('status == "open')).toMatchObject({ message: 'syntax error: a string is not closed; add the closing quote' });
    expect(issue('  ').message).toBe('syntax error: the expression is empty');
    expect(issue('paid &&\n  if').message).toBe('syntax error: "if" is a reserved word in CEL; for a field with that name write record["if"]');
    expect(issue('paid &&\n  if')).toMatchObject({ line: 2, column: 3 });
  });

  it('requires true or false from a condition', () => {
    expect(issue('status', small, 'bool')).toMatchObject({
      message: 'a condition must give true or false, but this gives string',
      code: 'result-type',
      line: 1,
      column: 1,
    });
    expect(issue('qty + 1', small, 'bool').message).toBe('a condition must give true or false, but this gives int');
    expect(checkExpression('status', small, { resultType: 'any' })).toEqual([]);
    // dyn may turn out to be a bool, so it passes the check and is verified per record.
    expect(checkExpression('anything', undefined, { resultType: 'bool' })).toEqual([]);
  });

  it('hints at record.x for a field hidden behind a CEL built-in name', () => {
    expect(issue('type == "order"', orderSchema).message).toBe(
      'cannot compare a type with a string (type == "order") ("type" is a CEL built-in name; for the field write record.type)',
    );
  });

  it('throws ExpressionError from compile with position and config path', () => {
    const compiler = createExpressionCompiler(small);
    let caught: unknown;
    try {
      compiler.compile('paid &&\n  totl > 1.0', { resultType: 'bool', configPath: '/when' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    const e = caught as ExpressionError;
    expect(e.name).toBe('ExpressionError');
    expect(e.message).toMatch(/^unknown field "totl"/);
    expect([e.line, e.column, e.offset, e.length]).toEqual([2, 3, 10, 4]);
    expect(e.configPath).toBe('/when');
    expect(e.code).toBe('unknown-field');
  });
});

describe('runtime errors', () => {
  const compiler = createExpressionCompiler(small);
  const run = (source: string, record: unknown, schema: AvroRecord | undefined = small) => {
    const expr = (schema === small ? compiler : createExpressionCompiler(schema)).compile(source);
    try {
      expr.evaluate(record);
    } catch (err) {
      expect(err).toBeInstanceOf(ExpressionError);
      return err as ExpressionError;
    }
    throw new Error(`expected ${source} to fail on ${JSON.stringify(record)}`);
  };

  it('names a field missing from the record', () => {
    const e = run('total > 1000.0', { qty: 1 });
    expect(e.message).toBe('field "total" is missing from this record');
    expect(e.code).toBe('missing-field');
    expect(run('paid ||\n customer.email == "x"', { paid: false, customer: {} })).toMatchObject({
      message: 'field "customer.email" is missing from this record',
      line: 2,
      column: 11,
    });
  });

  it('names a field whose value has the wrong type', () => {
    expect(run('total > 1000.0', { total: 'lots' }).message).toBe('field "total" should be a double, but this record has a string ("lots")');
    expect(run('paid', { paid: 'yes' }).message).toBe('field "paid" should be a bool, but this record has a string ("yes")');
    // Text of a tagged (e.g. PII) field is not echoed into the message.
    const tagged = {
      type: 'record',
      name: 'Person',
      fields: [{ name: 'ssn', type: 'long', 'confluent:tags': ['PII'] }, { name: 'home', type: { type: 'record', name: 'Home', fields: [{ name: 'zip', type: 'long', 'confluent:tags': ['PII'] }] } }],
    } as unknown as AvroRecord;
    expect(run('ssn > 5', { ssn: '123-45-6789', home: { zip: 1 } }, tagged).message).toBe(
      'field "ssn" should be an int (a whole number), but this record has a string',
    );
    expect(run('home.zip > 5', { ssn: 1, home: { zip: '10115' } }, tagged).message).toBe(
      'field "home.zip" should be an int (a whole number), but this record has a string',
    );
    expect(run('qty > 1', order({ customer: { email: 42, region: 'DE' }, qty: 'x' }), orderSchema).message).toBe(
      'field "qty" should be an int (a whole number), but this record has a string ("x")',
    );
    expect(run('customer.email.startsWith("a")', order({ customer: { email: ['ann@example.com'], region: 'DE' } }), orderSchema).message).toBe(
      'field "customer.email" should be a string, but this record has a list',
    );
    expect(run('customer.email.endsWith(".de")', { customer: { email: 3, region: 'DE' } }).message).toBe(
      'field "customer.email" should be a string, but this record has a number (3)',
    );
    expect(run('status == "open"', { status: 7 }).message).toBe('field "status" should be a string, but this record has a number (7)');
    expect(run('qty > 1', { qty: 'many' }).message).toBe('field "qty" should be an int (a whole number), but this record has a string ("many")');
  });

  it('says when a value is null', () => {
    expect(run('customer.email == "x"', { customer: null }).message).toBe('customer is null in this record, so it has no field "email"');
    expect(run('note.startsWith("a")', order(), orderSchema).message).toBe(
      'note is null in this record, so startsWith() cannot be used (note.startsWith("a"))',
    );
  });

  it('explains failures on records of unknown shape', () => {
    const untyped = createExpressionCompiler(undefined);
    const fail = (source: string, record: unknown, resultType?: 'bool') => {
      try {
        untyped.compile(source, resultType ? { resultType } : {}).evaluate(record);
      } catch (err) {
        return (err as ExpressionError).message;
      }
      return 'no error';
    };
    expect(fail('total > 1000.0', { total: 'lots' })).toBe('cannot compare a string with a double (total > 1000.0) in this record');
    expect(fail('qty + 1', { qty: 5 })).toBe(
      'mixing double and int (qty + 1) in this record: write 1.0 instead of 1; without a schema, numbers in the data are doubles',
    );
    expect(fail('status', { status: 'open' }, 'bool')).toBe('a condition must give true or false, but for this record it gives a string');
    expect(fail('size', { size: 3 }, 'bool')).toBe('a condition must give true or false, but for this record it gives a number (3)');
    expect(fail('status == "open"', 'not a record')).toBe('the record is not an object but a string');
    expect(fail('items[2] > 1.0', { items: [1.5] })).toBe('items[2]: there is no item 2 (the list has 1) in this record');
    expect(fail('1.0 / x > 0.0', { x: 0 })).toBe('no error');
  });
});
