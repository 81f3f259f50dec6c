import { describe, expect, it } from 'vitest';
import map from '../../../../shared/nodes/core/map.node';
import { outputSchemas } from '../../../../shared/node-kit/define';
import type { AvroRecord } from '../../../../shared/schema/record-schema';
import { PathError } from '../../../../shared/node-kit/paths';
import { runNode } from '../../../helpers/run-node';

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

const ORDER_SCHEMA: AvroRecord = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total', type: 'double' },
    {
      name: 'customer',
      type: {
        type: 'record',
        name: 'Customer',
        fields: [
          { name: 'name', type: 'string', 'confluent:tags': ['PII'] },
          { name: 'email', type: 'string', 'confluent:tags': ['PII'] },
        ],
      },
    },
    { name: 'notes', type: ['null', 'string'] },
  ],
};

describe('core.map', () => {
  it('sets, then renames, then removes, creating nested parents as needed', async () => {
    const r = await runNode(
      map,
      {
        set: [
          { field: 'totalWithVat', value: 'total * 1.25' },
          { field: 'flags.large', value: 'total > 1000.0' },
        ],
        rename: [{ from: 'cust', to: 'customer.name' }],
        remove: ['internal', 'flags.unknown'],
      },
      [{ id: 'a', total: 1600.0, cust: 'Ana Lima', internal: 'x' }],
    );
    expect(r.errors).toEqual([]);
    expect(r.outputs.out).toEqual([{ id: 'a', total: 1600.0, totalWithVat: 2000.0, flags: { large: true }, customer: { name: 'Ana Lima' } }]);
  });

  it('evaluates every value against the record as it arrived, not as changed by earlier entries', async () => {
    const r = await runNode(
      map,
      {
        set: [
          { field: 'total', value: 'total * 2.0' },
          { field: 'doubledAgain', value: 'total * 2.0' },
        ],
      },
      [{ total: 10.5 }],
    );
    expect(r.outputs.out).toEqual([{ total: 21.0, doubledAgain: 21.0 }]);
  });

  it('applies rename and remove after set, so a computed field can be moved or a source field dropped', async () => {
    const r = await runNode(
      map,
      {
        set: [{ field: 'fullName', value: 'first + " " + last' }],
        rename: [{ from: 'fullName', to: 'customer.name' }],
        remove: ['first', 'last'],
      },
      [{ first: 'Ana', last: 'Lima' }],
    );
    expect(r.outputs.out).toEqual([{ customer: { name: 'Ana Lima' } }]);
  });

  it('never changes the incoming record and shares the branches it did not touch', async () => {
    const input = deepFreeze({ id: 'a', customer: { name: 'Ana', address: { city: 'Porto' } }, items: [{ sku: 1 }], drop: 1 });
    const r = await runNode(map, { set: [{ field: 'customer.tier', value: '"gold"' }], remove: ['drop'] }, [input]);
    expect(r.errors).toEqual([]);
    const out = r.outputs.out![0] as typeof input & { customer: { tier: string } };
    expect(out).toEqual({ id: 'a', customer: { name: 'Ana', address: { city: 'Porto' }, tier: 'gold' }, items: [{ sku: 1 }] });
    expect(input).toEqual({ id: 'a', customer: { name: 'Ana', address: { city: 'Porto' } }, items: [{ sku: 1 }], drop: 1 });
    expect(out.customer).not.toBe(input.customer);
    expect(out.customer.address).toBe(input.customer.address);
    expect(out.items).toBe(input.items);
  });

  it('passes the same message on, key and headers included, when nothing changes', async () => {
    const msg = { value: { a: 1 }, key: 'k', headers: { h: 'v' } };
    const r = await runNode(map, { remove: ['missing'], rename: [{ from: 'nope', to: 'other' }] }, [msg], { messages: true });
    expect(r.messages.out![0]).toBe(msg);
    const changed = await runNode(map, { set: [{ field: 'b', value: '2' }] }, [msg], { messages: true });
    expect(changed.messages.out![0]).toMatchObject({ key: 'k', headers: { h: 'v' }, value: { a: 1, b: 2 } });
  });

  it('fails only the record whose rename target exists or whose parent is not an object', async () => {
    const r = await runNode(
      map,
      { rename: [{ from: 'a', to: 'b' }], set: [{ field: 'c.d', value: '1' }] },
      [{ a: 1, b: 2 }, { a: 1, c: 'text' }, { a: 1 }],
    );
    expect(r.errors.map((e) => e.index)).toEqual([0, 1]);
    expect(r.errors[0]!.error.message).toMatch(/cannot rename "a" to "b": the record already has "b"/);
    expect(r.errors[1]!.error).toBeInstanceOf(PathError);
    expect(r.outputs.out).toEqual([{ b: 1, c: { d: 1 } }]);
  });

  it('writes plain JSON values: CEL integers become numbers, lists and maps plain arrays and objects', async () => {
    const r = await runNode(map, { set: [{ field: 'list', value: '[1, 2]' }, { field: 'obj', value: '{"a": 1}' }, { field: 'n', value: 'size(items)' }] }, [{ items: [1, 2, 3] }]);
    expect(r.outputs.out).toEqual([{ items: [1, 2, 3], list: [1, 2], obj: { a: 1 }, n: 3 }]);
    expect(JSON.stringify(r.outputs.out)).toBe('[{"items":[1,2,3],"list":[1,2],"obj":{"a":1},"n":3}]');
  });

  it('refuses a record that is not a JSON object', async () => {
    const r = await runNode(map, { set: [{ field: 'a', value: '1' }] }, [[1, 2], 'text']);
    expect(r.errors.map((e) => e.index)).toEqual([0, 1]);
  });

  it('runs its examples', async () => {
    for (const ex of map.examples) {
      const r = await runNode(map, ex.config, ex.input);
      expect(r.outputs, ex.title).toEqual(ex.output);
    }
  });
});

describe('core.map lint', () => {
  const lint = (config: unknown) => map.lint!(map.config.parse(config));

  it('reports empty, malformed and wildcard paths by JSON pointer', () => {
    const issues = lint({ set: [{ field: '', value: '1' }], rename: [{ from: 'a..b', to: 'c' }], remove: ['items[*].card'] });
    expect(issues.map((i) => i.path)).toEqual(['/set/0/field', '/rename/0/from', '/remove/0']);
    expect(issues[0]!.message).toMatch(/empty/);
    expect(issues[2]!.message).toMatch(/\[\*\]/);
  });

  it('reports duplicate targets and renaming onto a field that is set', () => {
    const issues = lint({
      set: [
        { field: 'a', value: '1' },
        { field: 'a', value: '2' },
        { field: 'c.d', value: '3' },
      ],
      rename: [
        { from: 'x', to: 'y' },
        { from: 'z', to: 'y' },
        { from: 'w', to: 'c' },
      ],
    });
    expect(issues).toEqual([
      { path: '/set/1/field', message: expect.stringMatching(/already set by \/set\/0/) },
      { path: '/rename/1/to', message: expect.stringMatching(/already the target of \/rename\/0/) },
      { path: '/rename/2/to', message: expect.stringMatching(/renaming to "c", which already exists: \/set\/2/) },
    ]);
  });

  it('warns about removing what the node just set or filled, and about doing nothing', () => {
    const issues = lint({ set: [{ field: 'a.b', value: '1' }], rename: [{ from: 'x', to: 'y' }], remove: ['a', 'y'] });
    expect(issues).toEqual([
      expect.objectContaining({ path: '/remove/0', severity: 'warning' }),
      expect.objectContaining({ path: '/remove/1', severity: 'warning' }),
    ]);
    expect(lint({})).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });

  it('will not build with lint errors', async () => {
    await expect(runNode(map, { set: [{ field: 'a', value: '1' }, { field: 'a', value: '2' }] }, [])).rejects.toThrow(/\/set\/1\/field/);
  });
});

describe('core.map schema', () => {
  const derive = (config: unknown, input: AvroRecord | null = ORDER_SCHEMA) => outputSchemas(map, { in: input ?? undefined }, map.config.parse(config)).out;
  const field = (s: AvroRecord | undefined, ...path: string[]) => {
    let rec = s;
    for (const name of path.slice(0, -1)) rec = rec?.fields.find((f) => f.name === name)?.type as AvroRecord | undefined;
    return rec?.fields.find((f) => f.name === path.at(-1));
  };

  it('adds computed fields with the type of their expression, creating nested records', () => {
    const out = derive({ set: [{ field: 'totalWithVat', value: 'total * 1.25' }, { field: 'meta.large', value: 'total > 1000.0' }, { field: 'id', value: 'size(id)' }] });
    expect(field(out, 'totalWithVat')!.type).toBe('double');
    expect(field(out, 'meta', 'large')!.type).toBe('boolean');
    expect(field(out, 'id')!.type).toBe('long');
    expect(out!.fields.map((f) => f.name)).toEqual(['id', 'total', 'customer', 'notes', 'totalWithVat', 'meta']);
  });

  it('moves renamed fields with their tags and drops removed ones, leaving the input schema alone', () => {
    const before = JSON.stringify(ORDER_SCHEMA);
    const out = derive({ rename: [{ from: 'customer.email', to: 'contact.email' }], remove: ['notes', 'customer.name'] });
    expect(field(out, 'contact', 'email')).toEqual({ name: 'email', type: 'string', 'confluent:tags': ['PII'] });
    expect(field(out, 'customer', 'email')).toBeUndefined();
    expect(field(out, 'customer', 'name')).toBeUndefined();
    expect(field(out, 'notes')).toBeUndefined();
    expect(JSON.stringify(ORDER_SCHEMA)).toBe(before);
  });

  it('refers to a record type by name when a set copies it, so the schema stays valid Avro', () => {
    const out = derive({ set: [{ field: 'billing', value: 'customer' }] });
    expect(field(out, 'billing')!.type).toBe('Customer');
  });

  it('is unknown when the input is unknown or a computed type cannot be known', () => {
    expect(derive({ set: [{ field: 'a', value: '1' }] }, null)).toBeUndefined();
    expect(derive({ set: [{ field: 'a', value: 'nope + 1' }] })).toBeUndefined();
  });
});
