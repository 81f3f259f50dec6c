import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import lookup from '../../../../shared/nodes/enrich/lookup.node';
import { outputPorts, outputSchemas, type SchemaEnv } from '../../../../shared/node-kit/define';
import type { ProcessorRuntime } from '../../../../shared/node-kit/runtime';
import type { AvroRecord } from '../../../../shared/schema/record-schema';
import { runNode, testContext } from '../../../helpers/run-node';

function tableDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-lookup-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const COUNTRIES_CSV = 'code,region,vat\nDE,EU,0.19\nUS,NA,\n';
const countries = (config: Record<string, unknown> = {}) => ({
  countries: { type: 'reference.table', config: { path: 'countries.csv', key: 'code', ...config } },
});

describe('enrich.lookup', () => {
  it('adds the matched row under the into field, creating records along the path', async () => {
    const dir = tableDir({ 'countries.csv': COUNTRIES_CSV });
    const r = await runNode(lookup, { table: 'countries', key: 'customer.country', into: 'customer.countryInfo' }, [
      { id: 1, customer: { country: 'DE', name: 'Ada' } },
    ], { dir, resources: countries() });
    expect(r.errors).toEqual([]);
    expect(r.outputs.out).toEqual([{ id: 1, customer: { country: 'DE', name: 'Ada', countryInfo: { code: 'DE', region: 'EU', vat: '0.19' } } }]);

    const deeper = await runNode(lookup, { table: 'countries', key: 'country', into: 'geo.country' }, [{ country: 'US' }], { dir, resources: countries() });
    expect(deeper.outputs.out).toEqual([{ country: 'US', geo: { country: { code: 'US', region: 'NA', vat: '' } } }]);
  });

  it('passes unmatched records without the field by default', async () => {
    const dir = tableDir({ 'countries.csv': COUNTRIES_CSV });
    const r = await runNode(lookup, { table: 'countries', key: 'country', into: 'info' }, [{ country: 'FR' }, { country: 'DE' }, { country: null }], {
      dir,
      resources: countries(),
    });
    expect(r.outputs).toEqual({
      out: [{ country: 'FR' }, { country: 'DE', info: { code: 'DE', region: 'EU', vat: '0.19' } }, { country: null }],
    });
  });

  it('drops unmatched records in drop mode', async () => {
    const dir = tableDir({ 'countries.csv': COUNTRIES_CSV });
    const r = await runNode(lookup, { table: 'countries', key: 'country', into: 'info', onMiss: 'drop' }, [{ country: 'FR' }, { country: 'US' }], {
      dir,
      resources: countries(),
    });
    expect(r.outputs).toEqual({ out: [{ country: 'US', info: { code: 'US', region: 'NA', vat: '' } }] });
  });

  it('routes unmatched records to the miss port in route mode, and only then has that port', async () => {
    const dir = tableDir({ 'countries.csv': COUNTRIES_CSV });
    const config = { table: 'countries', key: 'country', into: 'info', onMiss: 'route' };
    const r = await runNode(lookup, config, [{ country: 'FR' }, { country: 'DE' }], { dir, resources: countries() });
    expect(r.outputs).toEqual({ out: [{ country: 'DE', info: { code: 'DE', region: 'EU', vat: '0.19' } }], miss: [{ country: 'FR' }] });
    expect(outputPorts(lookup, lookup.config.parse(config)).map((p) => p.name)).toEqual(['out', 'miss']);
    expect(outputPorts(lookup, lookup.config.parse({ ...config, onMiss: 'pass' })).map((p) => p.name)).toEqual(['out']);
  });

  it('looks up in JSON tables, as a list or keyed by the key', async () => {
    const dir = tableDir({
      'products.json': JSON.stringify([{ sku: 'A1', name: 'Anvil' }, { sku: 'B2', name: 'Bolt' }]),
      'regions.json': JSON.stringify({ DE: { region: 'EU' } }),
    });
    const resources = {
      products: { type: 'reference.table', config: { path: 'products.json', key: 'sku' } },
      regions: { type: 'reference.table', config: { path: 'regions.json', key: 'code' } },
    };
    const a = await runNode(lookup, { table: 'products', key: 'item.sku', into: 'product' }, [{ item: { sku: 'B2' } }], { dir, resources });
    expect(a.outputs.out).toEqual([{ item: { sku: 'B2' }, product: { sku: 'B2', name: 'Bolt' } }]);
    const b = await runNode(lookup, { table: 'regions', key: 'country', into: 'region' }, [{ country: 'DE' }], { dir, resources });
    expect(b.outputs.out).toEqual([{ country: 'DE', region: { code: 'DE', region: 'EU' } }]);
  });

  it('compares keys as text: an int field matches a CSV key, a JSON number matches a text field', async () => {
    const dir = tableDir({
      'stores.csv': 'id,city\n42,Berlin\n007,Bond\n1.5,Half\ntrue,Yes\n',
      'typed.csv': 'id,city\n007,Seven\n',
      'nums.json': '[{"id": 42, "city": "Hamburg"}]',
    });
    const resources = {
      stores: { type: 'reference.table', config: { path: 'stores.csv', key: 'id' } },
      typed: { type: 'reference.table', config: { path: 'typed.csv', key: 'id', columns: { id: 'long', city: 'string' } } },
      nums: { type: 'reference.table', config: { path: 'nums.json', key: 'id' } },
    };
    const inputs = [{ store: 42 }, { store: 7 }, { store: 1.5 }, { store: true }, { store: '42' }];
    const r = await runNode(lookup, { table: 'stores', key: 'store', into: 's', onMiss: 'route' }, inputs, { dir, resources });
    expect((r.outputs.out as Array<{ s: { city: string } }>).map((x) => x.s.city)).toEqual(['Berlin', 'Half', 'Yes', 'Berlin']);
    // Text must match exactly: "007" in an untyped column is not 7.
    expect(r.outputs.miss).toEqual([{ store: 7 }]);

    const typed = await runNode(lookup, { table: 'typed', key: 'store', into: 's', onMiss: 'drop' }, [{ store: 7 }, { store: '7' }, { store: '007' }], {
      dir,
      resources,
    });
    expect(typed.outputs.out).toEqual([{ store: 7, s: { id: 7, city: 'Seven' } }, { store: '7', s: { id: 7, city: 'Seven' } }]);

    const nums = await runNode(lookup, { table: 'nums', key: 'code', into: 's', onMiss: 'drop' }, [{ code: '42' }], { dir, resources });
    expect(nums.outputs.out).toEqual([{ code: '42', s: { id: 42, city: 'Hamburg' } }]);
  });

  it('computes the key with an expression', async () => {
    const dir = tableDir({ 'prices.csv': 'k,price\nEU-A1,10\n' });
    const resources = { prices: { type: 'reference.table', config: { path: 'prices.csv', key: 'k', columns: { k: 'string', price: 'long' } } } };
    const r = await runNode(lookup, { table: 'prices', key: 'region + "-" + sku', into: 'price', onMiss: 'drop' }, [{ region: 'EU', sku: 'A1' }], {
      dir,
      resources,
    });
    expect(r.outputs.out).toEqual([{ region: 'EU', sku: 'A1', price: { k: 'EU-A1', price: 10 } }]);
  });

  it('fails only the record whose key cannot be computed or whose into path is blocked', async () => {
    const dir = tableDir({ 'countries.csv': COUNTRIES_CSV });
    const r = await runNode(lookup, { table: 'countries', key: 'customer.country', into: 'customer.info' }, [
      { id: 1 },
      { customer: { country: ['DE'] } },
      { customer: { country: 'DE' } },
    ], { dir, resources: countries() });
    expect(r.errors.map((e) => e.index)).toEqual([0, 1]);
    expect(r.errors[0]?.error.message).toMatch(/key customer\.country/);
    expect(r.outputs.out).toHaveLength(1);

    const blocked = await runNode(lookup, { table: 'countries', key: 'country', into: 'meta.info' }, [{ country: 'DE', meta: 'text' }, { country: 'DE', meta: null }], {
      dir,
      resources: countries(),
    });
    expect(blocked.errors.map((e) => e.error.message)).toEqual([
      expect.stringMatching(/"meta" is a string, not a record/),
      expect.stringMatching(/"meta" is null/),
    ]);
  });

  it('does not mutate the input, and shares one frozen row between records', async () => {
    const dir = tableDir({ 'countries.csv': COUNTRIES_CSV });
    const input = Object.freeze({ customer: Object.freeze({ country: 'DE' }) });
    const r = await runNode(lookup, { table: 'countries', key: 'customer.country', into: 'customer.info' }, [input, { customer: { country: 'DE' } }], {
      dir,
      resources: countries(),
    });
    expect(r.errors).toEqual([]);
    expect(input).toEqual({ customer: { country: 'DE' } });
    const [a, b] = r.outputs.out as Array<{ customer: { info: Record<string, unknown> } }>;
    expect(a?.customer.info).toBe(b?.customer.info);
    expect(Object.isFrozen(a?.customer.info)).toBe(true);
  });

  it('reads the table once, when the node is created', async () => {
    const dir = tableDir({ 'countries.csv': COUNTRIES_CSV });
    const { ctx } = testContext(lookup, { dir, resources: countries() });
    let reads = 0;
    const files = { ...ctx.files, readText: (p: string) => (reads++, ctx.files.readText(p)) };
    const runtime = (await lookup.create(lookup.config.parse({ table: 'countries', key: 'country', into: 'info' }), { ...ctx, files })) as ProcessorRuntime;
    expect(reads).toBe(1);
    const out: unknown[] = [];
    for (const country of ['DE', 'US', 'DE', 'FR']) runtime.process({ value: { country } }, (_p, m) => out.push(m.value));
    expect(reads).toBe(1);
    expect(out).toHaveLength(4);
  });

  it('refuses to start without the table, or with a broken one', async () => {
    const dir = tableDir({ 'bad.csv': 'code,rate\nDE,"x\n', 'typed.csv': 'code,rate\nDE,abc\n' });
    const config = { table: 'countries', key: 'country', into: 'info' };
    await expect(runNode(lookup, config, [], { dir })).rejects.toThrow(/no reference.table resource "countries"/);
    await expect(runNode(lookup, config, [], { dir, resources: countries({ path: 'missing.csv' }) })).rejects.toThrow(/cannot read missing.csv/);
    await expect(runNode(lookup, config, [], { dir, resources: countries({ path: 'bad.csv' }) })).rejects.toThrow(/bad.csv.*line 2/);
    await expect(runNode(lookup, config, [], { dir, resources: countries({ path: 'typed.csv', columns: { rate: 'long' } }) })).rejects.toThrow(
      /line 2, column "rate"/,
    );
  });

  it('lints an into path that names every element of a list', () => {
    expect(lookup.lint?.(lookup.config.parse({ table: 't', key: 'k', into: 'items[*].x' }))).toEqual([expect.objectContaining({ path: '/into' })]);
    expect(lookup.lint?.(lookup.config.parse({ table: 't', key: 'k', into: 'a.b' }))).toEqual([]);
    for (const ex of lookup.examples) expect(() => lookup.config.parse(ex.config), ex.title).not.toThrow();
  });

  describe('schema', () => {
    const input: AvroRecord = {
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'customer', type: { type: 'record', name: 'Customer', fields: [{ name: 'country', type: 'string' }] } },
      ],
    };
    const env = (config: Record<string, unknown> | undefined): SchemaEnv => ({
      resource: (id) => (id === 'countries' && config ? { type: 'reference.table', config } : undefined),
    });
    const columns = { path: 'c.csv', key: 'code', columns: { code: 'string', vat: 'double' } };
    const row = (name: string) => ({
      type: 'record',
      name,
      fields: [
        { name: 'code', type: 'string' },
        { name: 'vat', type: ['null', 'double'], default: null },
      ],
    });

    it('adds a record typed from the table columns, optional when misses pass', () => {
      const before = structuredClone(input);
      const pass = outputSchemas(lookup, { in: input }, lookup.config.parse({ table: 'countries', key: 'customer.country', into: 'country' }), env(columns));
      expect(input).toEqual(before);
      expect(pass.out?.fields.at(-1)).toEqual({ name: 'country', type: ['null', row('CountriesRow')], default: null });
      expect(pass.out?.fields.slice(0, 2)).toEqual(input.fields);

      const drop = outputSchemas(lookup, { in: input }, lookup.config.parse({ table: 'countries', key: 'x', into: 'customer.info', onMiss: 'route' }), env(columns));
      expect(drop.miss).toBe(input);
      const customer = drop.out?.fields.find((f) => f.name === 'customer')?.type as AvroRecord;
      expect(customer.fields).toEqual([{ name: 'country', type: 'string' }, { name: 'info', type: row('CountriesRow') }]);
    });

    it('gives new records names not already used in the schema', () => {
      const taken: AvroRecord = { ...input, fields: [...input.fields, { name: 'x', type: { type: 'record', name: 'CountriesRow', fields: [] } }] };
      const out = outputSchemas(lookup, { in: taken }, lookup.config.parse({ table: 'countries', key: 'x', into: 'c', onMiss: 'drop' }), env(columns));
      expect((out.out?.fields.at(-1)?.type as AvroRecord).name).toBe('CountriesRow2');
    });

    it('is unknown when into runs through a field that is not a record, and adds the row to each record of a union', () => {
      const config = lookup.config.parse({ table: 'countries', key: 'x', into: 'id.info', onMiss: 'route' });
      expect(outputSchemas(lookup, { in: input }, config, env(columns))).toEqual({ out: undefined, miss: input });
      const union: AvroRecord = { ...input, fields: [{ name: 'who', type: ['null', input.fields[1]!.type, { type: 'record', name: 'Shop', fields: [] }] }] };
      const out = outputSchemas(lookup, { in: union }, lookup.config.parse({ table: 'countries', key: 'x', into: 'who.info', onMiss: 'drop' }), env(columns));
      const [, customer, shop] = out.out?.fields[0]?.type as [string, AvroRecord, AvroRecord];
      expect(customer.fields.at(-1)).toEqual({ name: 'info', type: row('CountriesRow') });
      expect(shop.fields).toEqual([{ name: 'info', type: 'CountriesRow' }]);
    });

    it('is unknown when the table does not declare its columns, is missing, or the input is unknown', () => {
      const config = lookup.config.parse({ table: 'countries', key: 'x', into: 'c', onMiss: 'route' });
      expect(outputSchemas(lookup, { in: input }, config, env({ path: 'c.csv', key: 'code' }))).toEqual({ out: undefined, miss: input });
      expect(outputSchemas(lookup, { in: input }, config, env(undefined))).toEqual({ out: undefined, miss: input });
      expect(outputSchemas(lookup, {}, config, env(columns))).toEqual({ out: undefined, miss: undefined });
    });
  });
});
