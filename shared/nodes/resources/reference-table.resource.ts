import { z } from 'zod';
import { defineResource, hint, type LintIssue } from '../../node-kit';

export const COLUMN_TYPES = ['string', 'long', 'double', 'boolean'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export const ReferenceTableConfig = z.strictObject({
  path: z.string().min(1).meta({
    title: 'File',
    description: 'The table file, relative to the flow’s folder, e.g. `tables/countries.csv`.',
  }),
  format: z.enum(['json', 'csv']).optional().meta({
    title: 'Format',
    description: '`csv` or `json`. Leave empty to tell from the file name (`.csv`, `.json`).',
  }),
  key: z.string().min(1).meta({
    title: 'Key column',
    description: 'The column (CSV) or property (JSON) a lookup matches on, e.g. `code`.',
  }),
  columns: hint.keyValue(z.record(z.string().min(1), z.enum(COLUMN_TYPES)).optional(), {
    title: 'Columns',
    description: 'Optional: column name → `string`, `long`, `double` or `boolean`. When given, matched rows carry exactly these columns with these types.',
  }),
});

export type ReferenceTableConfig = z.output<typeof ReferenceTableConfig>;

/** The format given, or the one the file name implies; undefined when neither says. */
export function tableFormat(config: Pick<ReferenceTableConfig, 'path' | 'format'>): 'json' | 'csv' | undefined {
  if (config.format) return config.format;
  const ext = /\.([A-Za-z0-9]+)$/.exec(config.path)?.[1]?.toLowerCase();
  return ext === 'csv' ? 'csv' : ext === 'json' ? 'json' : undefined;
}

export default defineResource({
  type: 'reference.table',
  version: 1,
  title: 'Reference table',
  summary: 'A CSV or JSON file of rows looked up by a key column, e.g. countries or product codes.',
  docs: `
A small table kept in a file next to the flow and read once when the flow starts. Lookup nodes
(**Look up in table**) find the row whose **key column** equals a value computed from each
record and add that row to the record.

**CSV files** have a header line with the column names (surrounding spaces are ignored) and one
row per line, separated by commas. Values containing commas, quotes or line breaks are written in
double quotes, with quotes inside doubled: \`"Bosnia and Herzegovina, Federation"\`.

**JSON files** are either a list of objects:

\`\`\`json
[{ "code": "DE", "region": "EU" }, { "code": "US", "region": "NA" }]
\`\`\`

or an object keyed by the key value, where the key column is filled in from the property name:

\`\`\`json
{ "DE": { "region": "EU" }, "US": { "region": "NA" } }
\`\`\`

**Format** is taken from the file name (\`.csv\` or \`.json\`) unless set.

**Columns** (optional) names each column and its type: \`string\`, \`long\` (whole number),
\`double\` (decimal number) or \`boolean\` (\`true\`/\`false\`). When columns are listed:
- rows carry exactly those columns (plus the key column), so later nodes know the row's fields
  and can check expressions against them;
- CSV text is converted to the type, and an empty cell or a missing property becomes empty
  (null); a value that does not fit (\`abc\` in a \`long\` column) stops the flow from starting,
  naming the line and column.

Without columns, CSV values stay text and JSON values stay as written, but later nodes cannot
know the row's fields in advance.

**Keys are compared as text**: the key \`42\` in the file matches a record whose key is the number
42 or the text "42". A key column listed as \`long\` is read as a number first, so \`007\` in
the file matches 7. If a key appears more than once, the first row wins (a warning is logged).
`.trim(),
  config: ReferenceTableConfig,
  lint(config) {
    const issues: LintIssue[] = [];
    if (!tableFormat(config)) {
      issues.push({ path: '/format', message: `cannot tell the format from "${config.path}": set format to csv or json` });
    }
    for (const name of Object.keys(config.columns ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        issues.push({
          path: `/columns/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          message: `"${name}" is not a plain field name (letters, digits, _), so later nodes cannot know the row's fields`,
          severity: 'warning',
        });
      }
    }
    return issues;
  },
  examples: [
    {
      title: 'Country regions from a CSV file',
      config: { path: 'tables/countries.csv', key: 'code', columns: { code: 'string', region: 'string', vatRate: 'double' } },
    },
    {
      title: 'Product catalogue from JSON',
      config: { path: 'tables/products.json', format: 'json', key: 'sku' },
    },
  ],
});
