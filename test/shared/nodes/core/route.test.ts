import { describe, expect, it } from 'vitest';
import route from '../../../../shared/nodes/core/route.node';
import { outputPorts, outputSchemas } from '../../../../shared/node-kit/define';
import type { AvroRecord } from '../../../../shared/schema/record-schema';
import { runNode } from '../../../helpers/run-node';

const BY_SIZE = {
  routes: [
    { port: 'huge', when: 'total > 10000.0' },
    { port: 'large', when: 'total > 1000.0' },
    { port: 'eu', when: 'region == "eu"' },
  ],
};

const ORDERS = [
  { id: 1, total: 20000.5, region: 'eu' },
  { id: 2, total: 1500.5, region: 'eu' },
  { id: 3, total: 10.5, region: 'eu' },
  { id: 4, total: 10.5, region: 'us' },
];

describe('core.route', () => {
  it('sends each record to the first matching route, in route order, and the rest to otherwise', async () => {
    const r = await runNode(route, BY_SIZE, ORDERS);
    expect(r.outputs).toEqual({
      huge: [ORDERS[0]],
      large: [ORDERS[1]],
      eu: [ORDERS[2]],
      otherwise: [ORDERS[3]],
    });
  });

  it('lets the route order decide between overlapping conditions', async () => {
    const reversed = { routes: [...BY_SIZE.routes].reverse() };
    const r = await runNode(route, reversed, ORDERS);
    expect(r.outputs).toEqual({ eu: [ORDERS[0], ORDERS[1], ORDERS[2]], otherwise: [ORDERS[3]] });
  });

  it('in mode all, sends a record to every matching route, in route order', async () => {
    const r = await runNode(route, { ...BY_SIZE, mode: 'all' }, ORDERS);
    expect(r.outputs).toEqual({
      huge: [ORDERS[0]],
      large: [ORDERS[0], ORDERS[1]],
      eu: [ORDERS[0], ORDERS[1], ORDERS[2]],
      otherwise: [ORDERS[3]],
    });
  });

  it('passes messages on unchanged, key and headers included', async () => {
    const msg = { value: { region: 'eu', total: 1.5 }, key: 'k1', headers: { trace: 't' } };
    const r = await runNode(route, BY_SIZE, [msg], { messages: true });
    expect(r.messages.eu![0]).toBe(msg);
  });

  it('fails only the record whose data breaks a condition', async () => {
    const r = await runNode(route, { routes: [{ port: 'large', when: 'total > 1000.0' }] }, [{ total: 'lots' }, { total: 2000.5 }]);
    expect(r.errors.map((e) => e.index)).toEqual([0]);
    expect(r.outputs).toEqual({ large: [{ total: 2000.5 }] });
  });

  it('in mode all, emits nothing for a record when a later condition fails on it', async () => {
    const r = await runNode(
      route,
      { routes: [{ port: 'eu', when: 'region == "eu"' }, { port: 'large', when: 'total > 1000.0' }], mode: 'all' },
      [{ region: 'eu', total: 'lots' }],
    );
    expect(r.errors.map((e) => e.index)).toEqual([0]);
    expect(r.outputs).toEqual({});
  });

  it('derives its outputs from the routes, with otherwise last', () => {
    const config = route.config.parse(BY_SIZE);
    expect(outputPorts(route, config).map((p) => p.name)).toEqual(['huge', 'large', 'eu', 'otherwise']);
    expect(outputPorts(route, route.config.parse({ routes: [] })).map((p) => p.name)).toEqual(['otherwise']);
  });

  it('carries the input schema on every output', () => {
    const schema: AvroRecord = { type: 'record', name: 'O', fields: [{ name: 'total', type: 'double' }] };
    const out = outputSchemas(route, { in: schema }, route.config.parse(BY_SIZE));
    expect(out).toEqual({ huge: schema, large: schema, eu: schema, otherwise: schema });
  });

  it('runs its examples', async () => {
    for (const ex of route.examples) {
      const r = await runNode(route, ex.config, ex.input);
      expect(r.outputs, ex.title).toEqual(ex.output);
    }
  });
});

describe('core.route lint', () => {
  const lint = (config: unknown) => route.lint!(route.config.parse(config));

  it('reports duplicate outputs, the reserved otherwise and names that are not slugs', () => {
    const issues = lint({
      routes: [
        { port: 'eu', when: 'true' },
        { port: 'eu', when: 'false' },
        { port: 'otherwise', when: 'true' },
        { port: 'Big Orders', when: 'true' },
      ],
    });
    expect(issues).toEqual([
      { path: '/routes/1/port', message: expect.stringMatching(/already used by \/routes\/0/) },
      { path: '/routes/2/port', message: expect.stringMatching(/"otherwise" is the output for records that match no route/) },
      { path: '/routes/3/port', message: expect.stringMatching(/not a valid output name/) },
    ]);
  });

  it('warns when there are no routes and accepts the examples', () => {
    expect(lint({ routes: [] })).toEqual([expect.objectContaining({ path: '/routes', severity: 'warning' })]);
    for (const ex of route.examples) expect(lint(ex.config)).toEqual([]);
  });

  it('rejects an unknown mode and will not build with lint errors', async () => {
    expect(route.config.safeParse({ routes: [], mode: 'any' }).success).toBe(false);
    await expect(runNode(route, { routes: [{ port: 'otherwise', when: 'true' }] }, [])).rejects.toThrow(/\/routes\/0\/port/);
  });
});
