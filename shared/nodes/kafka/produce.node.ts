import { z } from 'zod';
import { defineNode, hint, type KafkaProduceOptions, type LintIssue } from '../../node-kit';
import { isDeadLetter, outboundMessage, payloadFormatField } from '../lib/broker-payload';
import { assertNoLintErrors } from '../lib/lint';
import { kafkaConnection } from '../resources/kafka-connection.resource';
import { topicProblem } from './lib/topics';

const config = z.strictObject({
  connection: hint.resourceRef(z.string().min(1), 'kafka.connection', {
    title: 'Connection',
    description: 'The Kafka connection (brokers, sign-in, zone) to write to.',
  }),
  topic: z.string().min(1).meta({ title: 'Topic', description: 'The topic to write to, e.g. `orders-us`.' }),
  key: hint.expression(z.string().min(1).optional(), {
    resultType: 'any',
    title: 'Key',
    description: 'Optional expression computing each record’s key, e.g. `customer.id`. Empty: the key the record arrived with.',
  }),
  format: payloadFormatField(),
  headers: z.boolean().default(true).meta({
    title: 'Pass headers on',
    description: 'Write the headers the record arrived with (e.g. trace ids) along with it.',
  }),
  partitioner: hint.advanced(z.enum(['key-hash', 'round-robin']).default('key-hash'), {
    title: 'Partitioning',
    description: '`key-hash`: records with the same key go to the same partition, in order (as Java clients do). `round-robin`: spread evenly, ignoring the key.',
  }),
  batchSize: hint.advanced(z.number().int().min(1).max(10_000).default(500), {
    title: 'Batch size',
    description: 'Most records sent to Kafka in one request.',
  }),
  createTopic: hint.advanced(z.number().int().min(1).max(1000).optional(), {
    title: 'Create the topic with partitions',
    description: 'For demos and tests: create the topic with this many partitions if it does not exist. Leave empty in production (the topic must exist).',
  }),
});

type Config = z.output<typeof config>;

function lint(c: Config): LintIssue[] {
  const issues: LintIssue[] = [];
  const problem = c.topic.includes('${') ? undefined : topicProblem(c.topic);
  if (problem) issues.push({ path: '/topic', message: problem });
  if (c.partitioner === 'round-robin' && c.key !== undefined) {
    issues.push({ path: '/partitioner', message: 'round-robin ignores the key when choosing the partition, so records with the same key may be reordered', severity: 'warning' });
  }
  return issues;
}

/** A key value as Kafka key text: text as is, numbers and booleans printed, null for no key. */
function keyOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  throw new Error(`the key expression must give text or a number, not ${Array.isArray(v) ? 'a list' : 'a record'}`);
}

export default defineNode({
  type: 'kafka.produce',
  version: 1,
  category: 'sink',
  title: 'Kafka produce',
  summary: 'Writes records to a Kafka topic; also serves as a dead-letter topic.',
  icon: 'upload',
  docs: `
Writes each record to a Kafka topic. A record counts as delivered only when Kafka confirmed
it (written to all in-sync replicas), so the source upstream is acknowledged only then.

- **Key**: records with the same key go to the same partition and stay in order. By default
  the key the record arrived with is kept (e.g. from **Kafka consume**); an expression such as
  \`customer.id\` computes a new one. An expression giving null writes no key.
- **Payload format**: \`json\` writes the record as JSON; \`raw\` writes text or bytes as they
  are (a record from a \`raw\` source passes through unchanged).
- **Pass headers on**: keep the headers the record arrived with (trace ids, content types).

The producer is idempotent: Kafka discards duplicates of its own retries, and records of one
partition keep their order. Records are sent in batches. When the cluster cannot be reached
the node keeps trying with growing pauses and logs the connection state; records wait and the
source pauses once its in-flight limit is reached, nothing is dropped. A record Kafka refuses
(too large, the topic does not exist) fails and is handled by the error policy.

### As a dead-letter topic
Choose this node as the flow's dead-letter node (\`errors.deadLetter\`) to collect records that
failed on a topic. A dead letter is written as the **original record**: its original bytes
(exactly as they were read), key and headers, plus headers saying what went wrong:
\`sluice-error\` (error name and message), \`sluice-node\` (the node that failed),
\`sluice-flow\`, \`sluice-attempts\` and \`sluice-failed-at\` (ISO time). The record can be
replayed by copying it back to its topic. Key expression and format do not apply to dead
letters.

**Create the topic** (advanced) is meant for demos and tests; in production create topics
with the partitions and retention they need.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: [],
  },
  config,
  lint,
  create(c, ctx) {
    assertNoLintErrors('kafka.produce', lint(c));
    const { zone: _zone, ...connection } = kafkaConnection(c.connection, ctx.resources.get(c.connection, 'kafka.connection'));
    const options: KafkaProduceOptions = {
      topic: c.topic,
      partitioner: c.partitioner,
      batchSize: c.batchSize,
      createTopic: c.createTopic !== undefined ? { partitions: c.createTopic } : false,
    };
    const producer = ctx.brokers.kafka.producer(connection, options);
    const key = c.key !== undefined ? ctx.expr.compile(c.key, { resultType: 'any', configPath: '/key' }) : undefined;
    const format = c.format;
    const headers = c.headers;
    return {
      role: 'sink',
      write(msg) {
        let k: string | null | undefined;
        if (key && !isDeadLetter(msg.value)) {
          try {
            k = keyOf(key.evaluate(msg.value));
          } catch (err) {
            throw new Error(`key ${c.key}: ${(err as Error).message}`, { cause: err });
          }
        }
        return producer.send(outboundMessage(msg, { format, key: k, headers }));
      },
      flush: () => producer.flush(),
      close: () => producer.close(),
    };
  },
  examples: [
    { title: 'Orders to the US cluster, key kept', config: { connection: 'us-kafka', topic: 'orders-us', format: 'json', headers: true, partitioner: 'key-hash', batchSize: 500 } },
    {
      title: 'Keyed by customer',
      description: 'All records of one customer land in one partition, in order.',
      config: { connection: 'eu-kafka', topic: 'orders-by-customer', key: 'customer.id', format: 'json', headers: true, partitioner: 'key-hash', batchSize: 500 },
    },
    {
      title: 'Dead-letter topic',
      description: 'Choose this node as the flow’s dead-letter node: failed records land here with their original bytes and sluice-* headers.',
      config: { connection: 'eu-kafka', topic: 'orders-dlq', format: 'raw', headers: true, partitioner: 'key-hash', batchSize: 500 },
    },
  ],
});
