import { z } from 'zod';
import { createRegistry, defineNode, defineResource, hint, type Registry } from '../../../shared/node-kit';
import filter from '../../../shared/nodes/core/filter.node.ts';
import type { AvroRecord } from '../../../shared/schema/record-schema';

/**
 * A small registry for validator and CLI tests: inline node types covering every hint and port
 * shape the validator reads, plus the real core.filter. Independent of the node modules that are
 * still being written, so these tests fail only for validator reasons.
 */

export const ORDER_SCHEMA: AvroRecord = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total', type: 'double' },
    { name: 'status', type: 'string' },
    { name: 'customer', type: { type: 'record', name: 'Customer', fields: [{ name: 'country', type: 'string' }] } },
  ],
};

export const orders = defineNode({
  type: 'test.orders',
  version: 1,
  category: 'source',
  title: 'Test orders',
  summary: 'Emits a fixed number of orders.',
  docs: 'Emits `count` orders with a known schema.',
  icon: 'play',
  ports: { inputs: [], outputs: [{ name: 'out' }] },
  config: z.strictObject({
    count: z.number().int().min(1).default(3).meta({ title: 'Count', description: 'How many orders to emit.' }),
    mode: z.enum(['fixed', 'random']).default('fixed').meta({ title: 'Mode' }),
    token: hint.secretRef(z.string()).optional(),
    table: hint.resourceRef(z.string(), 'test.table').optional(),
  }),
  schema: () => ({ out: ORDER_SCHEMA }),
  create(config) {
    return {
      role: 'source',
      async run(out) {
        for (let i = 0; i < config.count && !out.signal.aborted; i++) {
          await out.emit({ value: { id: `o${i}`, total: i * 100.0, status: 'paid', customer: { country: 'DE' } } });
        }
      },
    };
  },
  examples: [{ title: 'Three orders', config: { count: 3, mode: 'fixed' } }],
});

/** A source whose record schema is not known before run time (no `schema()`). */
export const lines = defineNode({
  type: 'test.lines',
  version: 1,
  category: 'source',
  title: 'Test lines',
  summary: 'Emits records of unknown shape.',
  docs: 'Emits the configured records; their schema is not declared.',
  icon: 'file',
  ports: { inputs: [], outputs: [{ name: 'out' }] },
  config: z.strictObject({ records: z.array(z.record(z.string(), z.unknown())).default([]) }),
  create(config) {
    return {
      role: 'source',
      async run(out) {
        for (const value of config.records) {
          if (out.signal.aborted) break;
          await out.emit({ value });
        }
      },
    };
  },
  examples: [{ title: 'Two records', config: { records: [{ a: 1 }, { a: 2 }] } }],
});

export const route = defineNode({
  type: 'test.route',
  version: 1,
  category: 'router',
  title: 'Test route',
  summary: 'Sends each record to the first route whose condition holds.',
  docs: 'Routes by condition.',
  icon: 'route',
  ports: { inputs: [{ name: 'in' }], outputs: (config) => config.routes.map((r) => ({ name: r.port })) },
  config: z.strictObject({
    routes: z
      .array(
        z.strictObject({
          port: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a port name: lower-case letters, digits and "-"'),
          when: hint.expression(z.string().min(1), { resultType: 'bool' }),
        }),
      )
      .min(1),
  }),
  lint(config) {
    const seen = new Map<string, number>();
    const issues = [];
    for (const [i, r] of config.routes.entries()) {
      const earlier = seen.get(r.port);
      if (earlier !== undefined) issues.push({ path: `/routes/${i}/port`, message: `port "${r.port}" is already used by route ${earlier}` });
      else seen.set(r.port, i);
    }
    return issues;
  },
  create(config, ctx) {
    const routes = config.routes.map((r) => ({ port: r.port, cond: ctx.expr.compile(r.when, { resultType: 'bool' }) }));
    return {
      role: 'processor',
      process(msg, emit) {
        const hit = routes.find((r) => r.cond.evaluate(msg.value) === true);
        if (hit) emit(hit.port, msg);
      },
    };
  },
  examples: [{ title: 'By status', config: { routes: [{ port: 'paid', when: 'status == "paid"' }] } }],
});

export const compute = defineNode({
  type: 'test.compute',
  version: 1,
  category: 'transform',
  title: 'Test compute',
  summary: 'Adds computed fields.',
  docs: 'Adds fields computed by CEL expressions.',
  icon: 'function',
  ports: { inputs: [{ name: 'in' }], outputs: [{ name: 'out' }] },
  config: z.strictObject({
    fields: hint.keyValue(z.record(z.string(), hint.expression(z.string().min(1)))),
  }),
  create(config, ctx) {
    const fields = Object.entries(config.fields).map(([name, src]) => [name, ctx.expr.compile(src)] as const);
    return {
      role: 'processor',
      process(msg, emit) {
        const value = { ...(msg.value as Record<string, unknown>) };
        for (const [name, e] of fields) value[name] = e.evaluate(msg.value);
        emit('out', { ...msg, value });
      },
    };
  },
  examples: [{ title: 'Double', config: { fields: { double: 'total * 2.0' } } }],
});

export const collect = defineNode({
  type: 'test.collect',
  version: 1,
  category: 'sink',
  title: 'Test collect',
  summary: 'Keeps every record it receives.',
  docs: 'A sink for tests.',
  icon: 'inbox',
  ports: { inputs: [{ name: 'in' }], outputs: [] },
  config: z.strictObject({ connection: hint.resourceRef(z.string(), 'test.connection').optional() }),
  create() {
    const received: unknown[] = [];
    return { role: 'sink', write: (msg) => void received.push(msg.value) };
  },
  examples: [{ title: 'Collect', config: {} }],
});

/** v1 `{name, target}` → v2 `{from, target}` → v3 `{from, to}`. */
export const rename = defineNode({
  type: 'test.rename',
  version: 3,
  category: 'transform',
  title: 'Test rename',
  summary: 'Renames a field.',
  docs: 'Renames one top-level field.',
  icon: 'pencil',
  ports: { inputs: [{ name: 'in' }], outputs: [{ name: 'out' }] },
  config: z.strictObject({ from: z.string().min(1), to: z.string().min(1) }),
  migrations: {
    1: ({ name, ...rest }) => ({ ...rest, from: name }),
    2: ({ target, ...rest }) => ({ ...rest, to: target }),
  },
  create(config) {
    return {
      role: 'processor',
      process(msg, emit) {
        const { [config.from]: moved, ...rest } = msg.value as Record<string, unknown>;
        emit('out', { ...msg, value: { ...rest, [config.to]: moved } });
      },
    };
  },
  examples: [{ title: 'Rename', config: { from: 'a', to: 'b' } }],
});

/** Version 2 without a migration from 1: old files cannot be upgraded. */
export const unmigratable = defineNode({
  type: 'test.stuck',
  version: 2,
  category: 'transform',
  title: 'Test stuck',
  summary: 'Has no migration from v1.',
  docs: 'For the missing-migration rule.',
  icon: 'lock',
  ports: { inputs: [{ name: 'in' }], outputs: [{ name: 'out' }] },
  config: z.strictObject({}),
  create() {
    return { role: 'processor', process: (msg, emit) => emit('out', msg) };
  },
  examples: [{ title: 'Pass', config: {} }],
});

export const table = defineResource({
  type: 'test.table',
  version: 1,
  title: 'Test table',
  summary: 'A lookup table file.',
  docs: 'A CSV file.',
  config: z.strictObject({ path: z.string().min(1), key: z.string().default('id') }),
  examples: [{ title: 'Countries', config: { path: 'countries.csv', key: 'id' } }],
});

export const connection = defineResource({
  type: 'test.connection',
  version: 1,
  title: 'Test connection',
  summary: 'A broker connection.',
  docs: 'Brokers and credentials.',
  config: z.strictObject({ brokers: z.string().min(1), password: hint.secretRef(z.string()).optional() }),
  examples: [{ title: 'Local', config: { brokers: 'localhost:9092' } }],
});

export function testRegistry(): Registry {
  return createRegistry([orders, lines, filter, route, compute, collect, rename, unmigratable], [table, connection]);
}

export const registry = testRegistry();
