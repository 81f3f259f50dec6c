import { z } from 'zod';
import { defineNode, hint, isJsonObject, setPath, withValue, type LintIssue } from '../../node-kit';
import type { AvroType } from '../../schema/record-schema';
import { editable, finish, putField, schemaNames, uniqueName } from '../../schema/schema-paths';
import { ReferenceTableConfig } from '../resources/reference-table.resource';
import { fieldSteps } from './lib/fields';
import { keyText, loadTable, tableConfig, tableRowSchema } from './lib/reference-table';

export default defineNode({
  type: 'enrich.lookup',
  version: 1,
  category: 'enricher',
  title: 'Look up in table',
  summary: 'Adds the matching row of a reference table (CSV or JSON file) to each record.',
  icon: 'table',
  docs: `
Finds, for each record, the row of a **reference table** whose key equals a value taken from
the record, and adds that row to the record under **Put the row in**. Typical uses: the region
and VAT rate of a country code, the name and category of a product code.

- **Table** is a *Reference table* resource of the flow: a CSV or JSON file read once when the
  flow starts. Changing the file takes effect when the flow is restarted.
- **Key** is an expression computing the value to look up, usually just a field such as
  \`customer.country\`, but it can combine fields, e.g. \`region + "-" + product\`.
- **Put the row in** is the field that receives the whole row, e.g. \`country\` or
  \`customer.countryInfo\`. An existing field of that name is replaced.

**Keys are compared as text.** The number 42 matches the key \`42\` in a CSV file, and
\`true\` matches \`true\`. Text must match exactly: \`de\` does not match \`DE\`, and \`042\`
does not match 42 unless the table's key column is declared a \`long\` (then the file's \`042\`
is read as the number 42). A record whose key is empty (null) never matches.

**When no row matches**, choose:
- **pass** (default): the record continues without the field;
- **drop**: the record is removed (and acknowledged);
- **route**: the record leaves through a separate \`miss\` port, e.g. to a review queue.

**Schema.** When the table lists its **columns**, later nodes see the added field as a record
of those columns (optional when unmatched records pass). Without columns the row's fields are
not known before the flow runs, so the schema after this node is unknown and later expressions
are checked only when records arrive.

A key expression that fails on a record (for example a field it reads is missing) is an error
for that record, handled by the node's error policy.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: (config) =>
      config.onMiss === 'route'
        ? [{ name: 'out', title: 'Enriched' }, { name: 'miss', title: 'No match' }]
        : [{ name: 'out', title: 'Enriched' }],
  },
  config: z.strictObject({
    table: hint.resourceRef(z.string().min(1), 'reference.table', {
      title: 'Table',
      description: 'The reference table resource to look in.',
    }),
    key: hint.expression(z.string().min(1), {
      resultType: 'any',
      title: 'Key',
      description: 'Expression for the value to look up, e.g. `customer.country`. Compared with the table keys as text.',
    }),
    into: hint.field(z.string().min(1), {
      title: 'Put the row in',
      description: 'Field that receives the matched row, e.g. `country` or `customer.countryInfo`.',
    }),
    onMiss: z.enum(['pass', 'drop', 'route']).default('pass').meta({
      title: 'When nothing matches',
      description: '`pass`: keep the record without the field. `drop`: remove it. `route`: send it to the `miss` port.',
    }),
  }),
  lint(config) {
    const issues: LintIssue[] = [];
    try {
      fieldSteps(config.into);
    } catch (err) {
      issues.push({ path: '/into', message: (err as Error).message });
    }
    return issues;
  },
  schema(inputs, config, env) {
    const input = inputs.in;
    const miss = config.onMiss === 'route' ? { miss: input } : {};
    const resource = env.resource(config.table);
    const table = resource?.type === 'reference.table' ? ReferenceTableConfig.safeParse(resource.config) : undefined;
    if (!input || !table?.success) return { out: undefined, ...miss };
    const name = uniqueName(schemaNames(input), `${config.table.replace(/(^|-)([a-z0-9])/g, (_, _d, c: string) => c.toUpperCase())}Row`);
    const row = tableRowSchema(table.data, name);
    if (!row) return { out: undefined, ...miss };
    const type: AvroType = config.onMiss === 'pass' ? ['null', row] : row;
    const steps = fieldSteps(config.into);
    const out = editable(input);
    try {
      putField(out, steps, config.onMiss === 'pass' ? { type, default: null } : { type });
    } catch {
      // A field on the way is not a record: every matched record will fail there.
      return { out: undefined, ...miss };
    }
    return { out: finish(out), ...miss };
  },
  async create(config, ctx) {
    const into = fieldSteps(config.into);
    const key = ctx.expr.compile(config.key, { resultType: 'any', configPath: '/key' });
    const table = await loadTable(config.table, tableConfig(config.table, ctx.resources.get(config.table, 'reference.table')), ctx.files, ctx.log);
    ctx.log.info('reference table loaded', { table: config.table, rows: table.rows.size });
    const onMiss = config.onMiss;
    return {
      role: 'processor',
      process(msg, emit) {
        const record = msg.value;
        if (!isJsonObject(record)) throw new Error('enrich.lookup expects a record (a JSON object)');
        let k: string | undefined;
        try {
          k = keyText(key.evaluate(record));
        } catch (err) {
          throw new Error(`key ${config.key}: ${(err as Error).message}`, { cause: err });
        }
        const row = k === undefined ? undefined : table.rows.get(k);
        if (row) emit('out', withValue(msg, setPath(record, into, row, { nullParents: 'fail' })));
        else if (onMiss === 'pass') emit('out', msg);
        else if (onMiss === 'route') emit('miss', msg);
      },
    };
  },
  examples: [
    {
      title: 'Add the country’s region',
      description: 'Looks up `customer.country` in a table of countries and adds the row as `country`.',
      config: { table: 'countries', key: 'customer.country', into: 'country', onMiss: 'pass' },
    },
    {
      title: 'Send unknown products for review',
      description: 'Records whose product code is not in the catalogue leave through the `miss` port.',
      config: { table: 'products', key: 'sku', into: 'product', onMiss: 'route' },
    },
  ],
});
