import { z } from 'zod';
import { defineNode, hint, type LintIssue, type PortDef } from '../../node-kit';
import { SLUG_PATTERN } from '../../flow/document';

const OTHERWISE = 'otherwise';

const config = z.strictObject({
  routes: z
    .array(
      z.strictObject({
        port: z.string().meta({
          title: 'Output',
          description: 'Name of the output this route sends to, e.g. `eu` (lower-case letters, digits and -).',
        }),
        when: hint.expression(z.string().min(1), {
          resultType: 'bool',
          title: 'Condition',
          description: 'CEL condition; matching records go to this route\'s output, e.g. `region == "eu"`.',
        }),
      }),
    )
    .meta({ title: 'Routes', description: 'Conditions checked from top to bottom, each with its own output.' }),
  mode: z.enum(['first', 'all']).default('first').meta({
    title: 'Send to',
    description: '`first`: only the first matching route. `all`: every matching route.',
  }),
});

type Config = z.output<typeof config>;

function lint(c: Config): LintIssue[] {
  const issues: LintIssue[] = [];
  const seen = new Map<string, number>();
  c.routes.forEach((r, i) => {
    const path = `/routes/${i}/port`;
    if (r.port === OTHERWISE) {
      issues.push({ path, message: '"otherwise" is the output for records that match no route; give this route another name' });
    } else if (!SLUG_PATTERN.test(r.port)) {
      issues.push({ path, message: `"${r.port}" is not a valid output name: use lower-case letters, digits and "-", starting with a letter (at most 63)` });
    }
    const first = seen.get(r.port);
    if (first !== undefined) issues.push({ path, message: `output "${r.port}" is already used by /routes/${first}` });
    else seen.set(r.port, i);
  });
  if (c.routes.length === 0) issues.push({ path: '/routes', message: 'no routes: every record goes to "otherwise"', severity: 'warning' });
  return issues;
}

export default defineNode({
  type: 'core.route',
  version: 1,
  category: 'router',
  title: 'Route',
  summary: 'Sends each record to the output whose condition it matches.',
  icon: 'split',
  docs: `
Sends records down different paths. Each **route** has a name, which becomes an output of the
node, and a [CEL](https://cel.dev) condition such as \`region == "eu"\` or \`total > 1000.0\`.

The routes are checked **from top to bottom**:

- **Send to: first** (the default): a record goes to the first route whose condition is true
  and to no other, like an if / else-if chain. Put the most specific routes at the top.
- **Send to: all**: a record goes to every route whose condition is true, so one record can
  take several paths (for example to an archive and to an alert).

A record that matches no route goes to the **otherwise** output, which every Route node has.
Leave \`otherwise\` unconnected only if you really mean to drop those records.

Route names are lower-case letters, digits and \`-\` (like \`eu\`, \`big-orders\`); each name is used
once, and \`otherwise\` is reserved. Records pass through unchanged, so every output carries the
same schema as the input.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: (c: Config): PortDef[] => {
      const ports: PortDef[] = [];
      for (const r of c.routes) if (r.port !== OTHERWISE && !ports.some((p) => p.name === r.port)) ports.push({ name: r.port, title: r.port, description: r.when });
      ports.push({ name: OTHERWISE, title: 'Otherwise', description: 'Records that match no route.' });
      return ports;
    },
  },
  config,
  lint,
  create(c, ctx) {
    const errors = lint(c).filter((i) => i.severity !== 'warning');
    if (errors.length) throw new Error(`core.route: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    const routes = c.routes.map((r, i) => ({
      port: r.port,
      when: ctx.expr.compile(r.when, { resultType: 'bool', configPath: `/routes/${i}/when` }),
    }));
    const n = routes.length;
    if (c.mode === 'first') {
      return {
        role: 'processor',
        process(msg, emit) {
          const value = msg.value;
          for (let i = 0; i < n; i++) {
            const r = routes[i]!;
            if (r.when.evaluate(value) === true) return emit(r.port, msg);
          }
          emit(OTHERWISE, msg);
        },
      };
    }
    return {
      role: 'processor',
      process(msg, emit) {
        const value = msg.value;
        // Every condition is evaluated before anything is emitted, so a condition failing on this
        // record sends it to error handling without having half-routed it.
        const hits: string[] = [];
        for (let i = 0; i < n; i++) if (routes[i]!.when.evaluate(value) === true) hits.push(routes[i]!.port);
        if (hits.length === 0) return emit(OTHERWISE, msg);
        for (const port of hits) emit(port, msg);
      },
    };
  },
  examples: [
    {
      title: 'Orders by region',
      config: {
        routes: [
          { port: 'eu', when: 'region == "eu"' },
          { port: 'us', when: 'region == "us"' },
        ],
        mode: 'first',
      },
      input: [{ id: 1, region: 'eu' }, { id: 2, region: 'us' }, { id: 3, region: 'apac' }],
      output: { eu: [{ id: 1, region: 'eu' }], us: [{ id: 2, region: 'us' }], otherwise: [{ id: 3, region: 'apac' }] },
    },
    {
      title: 'Copy to every matching path',
      description: 'A large EU order goes to both outputs.',
      config: {
        routes: [
          { port: 'large', when: 'total > 1000.0' },
          { port: 'eu', when: 'region == "eu"' },
        ],
        mode: 'all',
      },
      input: [{ total: 1500.0, region: 'eu' }, { total: 10.5, region: 'us' }],
      output: { large: [{ total: 1500.0, region: 'eu' }], eu: [{ total: 1500.0, region: 'eu' }], otherwise: [{ total: 10.5, region: 'us' }] },
    },
  ],
});
