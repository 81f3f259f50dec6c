import { z } from 'zod';
import { durationPattern, parseDuration } from '../../flow/document';
import { defineNode, hint, isJsonObject, setPath, withValue, type LintIssue } from '../../node-kit';
import type { AvroRecord, AvroType } from '../../schema/record-schema';
import { editable, finish, putField } from '../../schema/schema-paths';
import { parseRecordSchema } from '../core/lib/avro';
import { topicProblem } from '../kafka/lib/topics';
import { decodePayload, payloadFormatField } from '../lib/broker-payload';
import { kafkaConnection } from '../resources/kafka-connection.resource';
import { deepFreeze, fieldSteps } from './lib/fields';
import { keyText } from './lib/reference-table';

const config = z.strictObject({
  connection: hint.resourceRef(z.string().min(1), 'kafka.connection', {
    title: 'Connection',
    description: 'The Kafka connection of the cluster holding the table topic.',
  }),
  topic: z.string().min(1).meta({
    title: 'Table topic',
    description: 'A (compacted) topic whose records are the table rows: the record key is the row key, the value the row, e.g. `customers`.',
  }),
  key: hint.expression(z.string().min(1), {
    resultType: 'any',
    title: 'Key',
    description: 'Expression for the key to look up, e.g. `customerId`. Compared with the topic’s record keys as text.',
  }),
  into: hint.field(z.string().min(1), {
    title: 'Put the row in',
    description: 'Field that receives the row found, e.g. `customer`.',
  }),
  onMiss: z.enum(['pass', 'drop', 'route']).default('pass').meta({
    title: 'When nothing matches',
    description: '`pass`: keep the record without the field. `drop`: remove it. `route`: send it to the `miss` port.',
  }),
  format: payloadFormatField(),
  schema: hint.code(z.record(z.string(), z.unknown()).optional(), 'avro', {
    title: 'Row schema',
    description: 'Optional Avro record schema of the rows (JSON format), so later nodes know the added fields.',
  }),
  readyTimeout: hint.advanced(hint.duration(z.string().regex(durationPattern).default('2m')), {
    title: 'Start-up wait',
    description: 'How long the flow may wait at start for the table to be read to its end before it gives up, e.g. `5m` for a large topic.',
  }),
});

type Config = z.output<typeof config>;

function lint(c: Config): LintIssue[] {
  const issues: LintIssue[] = [];
  const problem = c.topic.includes('${') ? undefined : topicProblem(c.topic);
  if (problem) issues.push({ path: '/topic', message: problem });
  try {
    fieldSteps(c.into);
  } catch (err) {
    issues.push({ path: '/into', message: (err as Error).message });
  }
  if (c.schema) {
    const parsed = parseRecordSchema(c.schema);
    if (parsed.error) issues.push({ path: '/schema', message: parsed.error });
    if (c.format === 'raw') issues.push({ path: '/schema', message: 'a row schema describes JSON rows: set the format to json or remove the schema' });
  }
  if (parseDuration(c.readyTimeout) < 1000) issues.push({ path: '/readyTimeout', message: 'give the table at least 1s to be read at start' });
  return issues;
}

export default defineNode({
  type: 'enrich.table',
  version: 1,
  category: 'enricher',
  title: 'Enrich from Kafka table',
  summary: 'Adds the latest row for a key from a compacted Kafka topic, kept current while the flow runs.',
  icon: 'database',
  docs: `
Keeps a **table** in memory that mirrors a Kafka topic, and adds the row matching each record
to the record under **Put the row in**. Typical uses: customer master data, product catalogue,
exchange rates, published as a compacted topic by the system that owns them.

**How the table is built.** Every record of the **Table topic** is a row: its key is the row
key, its value the row (a JSON object, or text with the \`raw\` format). A later record with
the same key replaces the row; a record without a value (a *tombstone*) deletes it. Records
without a key are skipped. The topic is normally *compacted*, so Kafka keeps the latest record
per key. The table keeps following the topic while the flow runs: changes show up within
moments.

**Start-up.** When the flow starts, this node first reads the whole topic, up to the records
present at that moment, before the flow processes any record. Records wait meanwhile, nothing
is lost. With a large topic this takes a while; if it takes longer than **Start-up wait**
(2 minutes by default), or the topic does not exist, the flow does not start and says why.
Reading does not change anything in Kafka (no consumer-group offsets are kept).

**Lookup.** **Key** is an expression computing the key to look up, usually a field such as
\`customerId\`. Keys are compared as text: the number 42 matches the key \`42\`. A record whose
key is empty (null) never matches. **When nothing matches**: \`pass\` keeps the record without
the field, \`drop\` removes it, \`route\` sends it out of the \`miss\` port.

A row that is not valid JSON fails the record that needed it (handled by the error policy,
e.g. dead-lettered) and names the key. An optional **Row schema** tells later nodes which
fields the added row has.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: (c) => (c.onMiss === 'route' ? [{ name: 'out', title: 'Enriched' }, { name: 'miss', title: 'No match' }] : [{ name: 'out', title: 'Enriched' }]),
  },
  config,
  lint,
  schema(inputs, c) {
    const input = inputs.in;
    const miss = c.onMiss === 'route' ? { miss: input } : {};
    if (!input) return { out: undefined, ...miss };
    let row: AvroType | undefined;
    if (c.format === 'raw') row = 'string';
    else if (c.schema && !parseRecordSchema(c.schema).error) row = c.schema as unknown as AvroRecord;
    if (!row) return { out: undefined, ...miss };
    const out = editable(input);
    try {
      putField(out, fieldSteps(c.into), c.onMiss === 'pass' ? { type: ['null', row], default: null } : { type: row });
    } catch {
      return { out: undefined, ...miss };
    }
    return { out: finish(out), ...miss };
  },
  async create(c, ctx) {
    const errors = lint(c).filter((i) => i.severity !== 'warning');
    if (errors.length) throw new Error(`enrich.table: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    const into = fieldSteps(c.into);
    const key = ctx.expr.compile(c.key, { resultType: 'any', configPath: '/key' });
    const { zone: _zone, ...connection } = kafkaConnection(c.connection, ctx.resources.get(c.connection, 'kafka.connection'));
    const table = ctx.brokers.kafka.table(connection, { topic: c.topic });
    const waitMs = parseDuration(c.readyTimeout);
    try {
      const outcome = await Promise.race([table.ready().then(() => 'ready' as const), ctx.clock.sleep(waitMs, ctx.signal).then(() => 'waited' as const)]);
      if (outcome !== 'ready') {
        throw new Error(
          ctx.signal.aborted
            ? `the flow stopped before the table of topic "${c.topic}" was read`
            : `the table of topic "${c.topic}" was not read to its end within ${c.readyTimeout} (${table.size()} keys so far); raise the start-up wait or check the connection`,
        );
      }
    } catch (err) {
      await table.close().catch((e: unknown) => ctx.log.warn('closing the Kafka table failed', { topic: c.topic, error: (e as Error).message }));
      throw err;
    }
    ctx.log.info('Kafka table ready', { topic: c.topic, keys: table.size() });
    const format = c.format;
    const onMiss = c.onMiss;
    const decoded = new Map<string, { bytes: Uint8Array; value: unknown }>();
    const row = (k: string): unknown => {
      const bytes = table.get(k);
      if (bytes === undefined) {
        decoded.delete(k);
        return undefined;
      }
      const cached = decoded.get(k);
      if (cached?.bytes === bytes) return cached.value;
      const d = decodePayload(bytes, format);
      if (!d.ok) throw new Error(`the row for key "${k}" in topic "${c.topic}" cannot be used: ${d.error.message}`);
      const value = ArrayBuffer.isView(d.value) ? d.value : deepFreeze(d.value);
      decoded.set(k, { bytes, value });
      return value;
    };
    return {
      role: 'processor',
      process(msg, emit) {
        const record = msg.value;
        if (!isJsonObject(record)) throw new Error('enrich.table expects a record (a JSON object)');
        let k: string | undefined;
        try {
          k = keyText(key.evaluate(record));
        } catch (err) {
          throw new Error(`key ${c.key}: ${(err as Error).message}`, { cause: err });
        }
        const found = k === undefined ? undefined : row(k);
        if (found !== undefined) emit('out', withValue(msg, setPath(record, into, found, { nullParents: 'fail' })));
        else if (onMiss === 'pass') emit('out', msg);
        else if (onMiss === 'route') emit('miss', msg);
      },
      close: () => table.close(),
    };
  },
  examples: [
    {
      title: 'Add the customer’s master data',
      description: 'Looks up `customerId` in the compacted `customers` topic and adds the row as `customer`.',
      config: { connection: 'eu-kafka', topic: 'customers', key: 'customerId', into: 'customer', onMiss: 'pass', format: 'json', readyTimeout: '2m' },
    },
    {
      title: 'Unknown products to review',
      description: 'Records whose SKU is not in the catalogue leave through the `miss` port.',
      config: {
        connection: 'eu-kafka',
        topic: 'products',
        key: 'sku',
        into: 'product',
        onMiss: 'route',
        format: 'json',
        readyTimeout: '5m',
        schema: { type: 'record', name: 'Product', fields: [{ name: 'name', type: 'string' }, { name: 'category', type: 'string' }] },
      },
    },
  ],
});
