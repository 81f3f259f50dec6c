import { describe, expect, it } from 'vitest';
import referenceTable, { tableFormat } from '../../../../shared/nodes/resources/reference-table.resource';
import { parseCsv } from '../../../../shared/nodes/enrich/lib/csv';
import { buildTable, keyText, tableConfig, tableRowSchema } from '../../../../shared/nodes/enrich/lib/reference-table';

const cfg = (c: Record<string, unknown>) => referenceTable.config.parse(c);
const rows = (text: string, c: Record<string, unknown>) => Object.fromEntries(buildTable(text, cfg(c)).rows);

describe('reference.table resource', () => {
  it('parses its examples and takes the format from the file name unless set', () => {
    for (const ex of referenceTable.examples) expect(() => referenceTable.config.parse(ex.config), ex.title).not.toThrow();
    expect(tableFormat(cfg({ path: 'a/countries.CSV', key: 'code' }))).toBe('csv');
    expect(tableFormat(cfg({ path: 'products.json', key: 'sku' }))).toBe('json');
    expect(tableFormat(cfg({ path: 'products.txt', key: 'sku', format: 'csv' }))).toBe('csv');
    expect(tableFormat(cfg({ path: 'products.txt', key: 'sku' }))).toBeUndefined();
  });

  it('lints a file whose format cannot be told and column names that cannot be fields', () => {
    expect(referenceTable.lint?.(cfg({ path: 'table.txt', key: 'k' }))).toEqual([expect.objectContaining({ path: '/format' })]);
    expect(referenceTable.lint?.(cfg({ path: 'table.csv', key: 'k' }))).toEqual([]);
    expect(referenceTable.lint?.(cfg({ path: 't.csv', key: 'k', columns: { 'vat/rate': 'double', ok: 'long' } }))).toEqual([
      expect.objectContaining({ path: '/columns/vat~1rate', severity: 'warning' }),
    ]);
  });

  it('refuses unknown config keys and column types', () => {
    expect(referenceTable.config.safeParse({ path: 't.csv', key: 'k', sheet: 1 }).success).toBe(false);
    expect(referenceTable.config.safeParse({ path: 't.csv', key: 'k', columns: { a: 'int' } }).success).toBe(false);
    expect(() => tableConfig('countries', { path: 'x.txt', key: 'k' })).toThrow(/reference table "countries".*\/format/);
  });

  describe('CSV (RFC 4180)', () => {
    it('reads quoted commas, doubled quotes, line breaks in quotes, CRLF, a BOM and skips blank lines', () => {
      const text = '\ufeffcode,name,note\r\nBA,"Bosnia and Herzegovina, Federation","say ""hi"""\r\n\r\nDE,Germany,"two\r\nlines"\nFR,France,\n';
      expect(parseCsv(text)).toEqual([
        { line: 1, fields: ['code', 'name', 'note'] },
        { line: 2, fields: ['BA', 'Bosnia and Herzegovina, Federation', 'say "hi"'] },
        { line: 4, fields: ['DE', 'Germany', 'two\r\nlines'] },
        { line: 6, fields: ['FR', 'France', ''] },
      ]);
      expect(parseCsv('a,b')).toEqual([{ line: 1, fields: ['a', 'b'] }]);
      expect(parseCsv('""')).toEqual([{ line: 1, fields: [''] }]);
    });

    it('refuses broken quoting with the line number', () => {
      expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(/line 2: .*never closed/);
      expect(() => parseCsv('a,b\nx,ab"c\n')).toThrow(/line 2: a quote inside an unquoted field/);
      expect(() => parseCsv('a,b\n"x"y,1\n')).toThrow(/line 2: text after a closing quote/);
    });

    it('keeps values as text without columns', () => {
      expect(rows('code,region,vat\nDE,EU,0.19\nUS,NA,\n', { path: 't.csv', key: 'code' })).toEqual({
        DE: { code: 'DE', region: 'EU', vat: '0.19' },
        US: { code: 'US', region: 'NA', vat: '' },
      });
    });

    it('types and selects the declared columns, with empty cells as null', () => {
      const t = rows('id , name,active,vat,extra\n007,Seven,TRUE,0.19,x\n8,Eight,false,,y\n', {
        path: 't.csv',
        key: 'id',
        columns: { id: 'long', active: 'boolean', vat: 'double' },
      });
      expect(t).toEqual({ '7': { id: 7, active: true, vat: 0.19 }, '8': { id: 8, active: false, vat: null } });
    });

    it('stops on a value that does not fit its column, naming line and column', () => {
      const c = { path: 't.csv', key: 'code', columns: { code: 'string', rate: 'long' } };
      expect(() => rows('code,rate\nDE,1\nFR,1.5\n', c)).toThrow(/line 3, column "rate": "1.5" is not a whole number/);
      expect(() => rows('code,rate\nDE,99999999999999999999\n', c)).toThrow(/too large/);
      expect(() => rows('code\nDE\n', c)).toThrow(/no column "rate"/);
      expect(() => rows('code,rate\nDE\n', c)).toThrow(/line 2 has 1 values but the header names 2 columns/);
      expect(() => rows('code,code\nDE,DE\n', { path: 't.csv', key: 'code' })).toThrow(/appears twice/);
      expect(() => rows('', { path: 't.csv', key: 'code' })).toThrow(/empty/);
    });

    it('keeps the first of repeated keys and skips rows without a key', () => {
      const t = buildTable('id,v\n1,a\n1,b\n,c\n2,d\n', cfg({ path: 't.csv', key: 'id', columns: { id: 'long', v: 'string' } }));
      expect(Object.fromEntries(t.rows)).toEqual({ '1': { id: 1, v: 'a' }, '2': { id: 2, v: 'd' } });
      expect(t.duplicates).toEqual(['1']);
      expect(t.skipped).toBe(1);
      expect(Object.isFrozen(t.rows.get('1'))).toBe(true);
    });
  });

  describe('JSON', () => {
    it('reads a list of objects and an object keyed by the key', () => {
      expect(rows('[{"sku":"A1","price":9.5},{"sku":42,"price":1}]', { path: 't.json', key: 'sku' })).toEqual({
        A1: { sku: 'A1', price: 9.5 },
        '42': { sku: 42, price: 1 },
      });
      expect(rows('{"DE":{"region":"EU"},"US":{"region":"NA","tags":["x"]}}', { path: 't.json', key: 'code' })).toEqual({
        DE: { code: 'DE', region: 'EU' },
        US: { code: 'US', region: 'NA', tags: ['x'] },
      });
    });

    it('types declared columns and fills missing ones with null', () => {
      expect(rows('{"7":{"rate":"0.5"},"8":{"rate":2,"x":1}}', { path: 't.json', key: 'id', columns: { id: 'long', rate: 'double', ok: 'boolean' } })).toEqual({
        '7': { id: 7, rate: 0.5, ok: null },
        '8': { id: 8, rate: 2, ok: null },
      });
    });

    it('refuses files of the wrong shape', () => {
      expect(() => rows('{nope', { path: 't.json', key: 'k' })).toThrow(/not valid JSON/);
      expect(() => rows('[{"k":1}, 2]', { path: 't.json', key: 'k' })).toThrow(/element 1 of the list is not an object/);
      expect(() => rows('"x"', { path: 't.json', key: 'k' })).toThrow(/list of objects or an object/);
      expect(() => rows('[{"k":{"a":1}}]', { path: 't.json', key: 'k' })).toThrow(/a key must be text/);
      expect(() => rows('[{"k":"a","n":"x"}]', { path: 't.json', key: 'k', columns: { n: 'long' } })).toThrow(/element 0, column "n"/);
    });
  });

  it('compares keys as text', () => {
    expect(keyText(42)).toBe('42');
    expect(keyText(1.5)).toBe('1.5');
    expect(keyText(true)).toBe('true');
    expect(keyText('042')).toBe('042');
    expect(keyText(null)).toBeUndefined();
    expect(() => keyText([1])).toThrow();
  });

  it('derives a row schema from declared columns only', () => {
    expect(tableRowSchema(cfg({ path: 't.csv', key: 'code', columns: { vat: 'double', code: 'string', eu: 'boolean' } }), 'Row')).toEqual({
      type: 'record',
      name: 'Row',
      fields: [
        { name: 'code', type: 'string' },
        { name: 'vat', type: ['null', 'double'], default: null },
        { name: 'eu', type: ['null', 'boolean'], default: null },
      ],
    });
    expect(tableRowSchema(cfg({ path: 't.csv', key: 'code' }), 'Row')).toBeUndefined();
    expect(tableRowSchema(cfg({ path: 't.csv', key: 'code', columns: { 'vat rate': 'double' } }), 'Row')).toBeUndefined();
  });
});
