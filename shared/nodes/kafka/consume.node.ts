import { z } from 'zod';
import { defineNode, hint, type KafkaConsumeOptions, type LintIssue } from '../../node-kit';
import { payloadFormatField } from '../lib/broker-payload';
import { assertNoLintErrors } from '../lib/lint';
import { brokerSource } from '../lib/broker-source';
import { recordSchemaCheck, recordSchemaField, recordSchemaIssues, recordSchemaOutput } from '../lib/record-schema';
import { kafkaConnection } from '../resources/kafka-connection.resource';
import { topicProblem } from './lib/topics';

const config = z.strictObject({
  connection: hint.resourceRef(z.string().min(1), 'kafka.connection', {
    title: 'Connection',
    description: 'The Kafka connection (brokers, sign-in, zone) to read from.',
  }),
  topics: z
    .array(z.string().min(1))
    .default([])
    .meta({ title: 'Topics', description: 'One or more topics to read, e.g. `orders`. Leave empty when using a topic pattern.' }),
  pattern: z.string().optional().meta({
    title: 'Topic pattern',
    description: 'Instead of topics: a regular expression the whole topic name must match, e.g. `orders\\..*` for `orders.eu`, `orders.us`…',
  }),
  group: z.string().min(1).meta({
    title: 'Consumer group',
    description: 'Name under which Kafka remembers what was processed, e.g. `orders-to-warehouse`. Runtimes with the same group share the partitions.',
  }),
  start: z.enum(['earliest', 'latest', 'timestamp']).default('earliest').meta({
    title: 'Start at (new group)',
    description: 'Where a group reading for the first time starts: `earliest` (all records kept), `latest` (only new ones) or `timestamp` (from Start time on).',
  }),
  startTime: z.string().optional().meta({
    title: 'Start time',
    description: 'For start at `timestamp`: an ISO time with zone, e.g. `2024-05-01T00:00:00Z`.',
  }),
  format: payloadFormatField(),
  schema: recordSchemaField(),
  maxInFlight: hint.advanced(z.number().int().min(1).max(100_000).optional(), {
    title: 'Records in flight',
    description: 'Most records read but not yet finished at a time (default: the flow’s limit, 1000).',
  }),
});

type Config = z.output<typeof config>;

const hasReference = (s: string) => s.includes('${');

function lint(c: Config): LintIssue[] {
  const issues: LintIssue[] = [];
  if (c.pattern !== undefined && c.topics.length) issues.push({ path: '/pattern', message: 'give topics or a topic pattern, not both' });
  if (c.pattern === undefined && !c.topics.length) issues.push({ path: '/topics', message: 'name at least one topic to read (or give a topic pattern)' });
  c.topics.forEach((t, i) => {
    const problem = hasReference(t) ? undefined : topicProblem(t);
    if (problem) issues.push({ path: `/topics/${i}`, message: problem });
  });
  if (new Set(c.topics).size !== c.topics.length) issues.push({ path: '/topics', message: 'a topic is listed twice' });
  if (c.pattern !== undefined) {
    if (c.pattern.trim() === '') issues.push({ path: '/pattern', message: 'the topic pattern is empty' });
    else {
      try {
        new RegExp(c.pattern);
      } catch (err) {
        issues.push({ path: '/pattern', message: `not a valid regular expression: ${(err as Error).message}` });
      }
    }
  }
  if (c.start === 'timestamp') {
    if (!c.startTime) issues.push({ path: '/startTime', message: 'give the time to start at, e.g. 2024-05-01T00:00:00Z' });
    else if (startTimestamp(c.startTime) === undefined) {
      issues.push({ path: '/startTime', message: `"${c.startTime}" is not an ISO time with a zone, e.g. 2024-05-01T00:00:00Z or 2024-05-01T02:00:00+02:00` });
    }
  } else if (c.startTime !== undefined) {
    issues.push({ path: '/startTime', message: `the start time is only used when starting at a timestamp (start is ${c.start})`, severity: 'warning' });
  }
  if (!hasReference(c.group) && !/^[A-Za-z0-9._-]{1,249}$/.test(c.group)) {
    issues.push({ path: '/group', message: 'a group name uses letters, digits, ".", "_" and "-" only, e.g. orders-to-warehouse' });
  }
  issues.push(...recordSchemaIssues(c.schema, c.format));
  return issues;
}

/** Milliseconds of an ISO time that names its zone (Z or ±hh:mm); undefined otherwise. */
function startTimestamp(s: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

export default defineNode({
  type: 'kafka.consume',
  version: 1,
  category: 'source',
  title: 'Kafka consume',
  summary: 'Reads records from Kafka topics as a consumer group, at least once.',
  icon: 'download',
  docs: `
Reads every record of one or more Kafka topics and passes it into the flow. Each record
carries its **key**, its **headers** and where it came from (topic, partition, offset and
time), so a **Kafka produce** node further on can write key and headers out again.

**Topics** lists the topics by name. A **Topic pattern** reads every topic whose whole name
matches a regular expression instead, e.g. \`orders\\..*\` reads \`orders.eu\` and
\`orders.us\`; topics created later that match are picked up within half a minute.

**Consumer group** is the name under which Kafka remembers how far the flow got. Run the same
flow in several runtimes with the same group and they share the topic's partitions; if one
stops, the others take over its partitions. Use a new group name to read a topic again from
the start.

**Start at** applies only to a group that has never read the topic: \`earliest\` reads
everything Kafka still keeps, \`latest\` only records arriving from now on, \`timestamp\`
everything from **Start time** on (an ISO time with zone, e.g. \`2024-05-01T00:00:00Z\`).
A group that has read before always continues where it left off.

**Payload format**: \`json\` (each record is a JSON object whose fields later nodes can use)
or \`raw\` (the payload passes on as text, or as bytes when it is not text). An optional
**Record schema** (Avro record schema) describes the JSON fields so expressions and field
pickers know them; records that do not fit it are dead-lettered.

### Delivery guarantee
At least once. Kafka remembers a record as processed (its offset is committed) only after
every record derived from it was accepted by every sink, and only once every earlier record
of its partition is done too, so a record is never skipped. A record that fails is retried and
then dead-lettered by the flow's error handling; it does not block the records behind it.
A record that could be neither processed nor dead-lettered is read again. After a crash or a
move of partitions between runtimes, records that were in flight are read again (duplicates
are possible, loss is not).

A record whose payload is not valid JSON (or does not fit the schema) goes straight to the
flow's dead-letter node with its original bytes and the reason.

Records of one partition come in order; **Records in flight** (advanced) limits how many are
read ahead of the slowest sink.
`.trim(),
  ports: {
    inputs: [],
    outputs: [{ name: 'out', title: 'Records' }],
  },
  config,
  lint,
  schema(_inputs, c) {
    return { out: c.format === 'json' ? recordSchemaOutput(c.schema) : undefined };
  },
  create(c, ctx) {
    assertNoLintErrors('kafka.consume', lint(c));
    const { zone: _zone, ...connection } = kafkaConnection(c.connection, ctx.resources.get(c.connection, 'kafka.connection'));
    const options: KafkaConsumeOptions = {
      topics: c.pattern !== undefined ? [`/${c.pattern}/`] : c.topics,
      group: c.group,
      start: c.start === 'timestamp' ? { timestamp: startTimestamp(c.startTime as string) as number } : c.start,
    };
    if (c.maxInFlight !== undefined) options.maxInFlight = c.maxInFlight;
    const consumer = ctx.brokers.kafka.consumer(connection, options);
    return brokerSource(consumer, { format: c.format, check: c.format === 'json' ? recordSchemaCheck(c.schema) : undefined });
  },
  examples: [
    {
      title: 'Orders from one topic',
      config: { connection: 'eu-kafka', topics: ['orders'], group: 'orders-to-warehouse', start: 'earliest', format: 'json' },
    },
    {
      title: 'Every regional orders topic, new records only',
      description: 'Reads orders.eu, orders.us and any orders.* topic created later.',
      config: { connection: 'eu-kafka', topics: [], pattern: 'orders\\..*', group: 'orders-audit', start: 'latest', format: 'json' },
    },
    {
      title: 'Replay payments from a point in time',
      config: {
        connection: 'eu-kafka',
        topics: ['payments'],
        group: 'payments-replay-2024-05',
        start: 'timestamp',
        startTime: '2024-05-01T00:00:00Z',
        format: 'json',
        schema: {
          type: 'record',
          name: 'Payment',
          fields: [
            { name: 'paymentId', type: 'string' },
            { name: 'amount', type: 'double' },
            { name: 'iban', type: 'string', 'confluent:tags': ['PII'] },
          ],
        },
      },
    },
  ],
});
