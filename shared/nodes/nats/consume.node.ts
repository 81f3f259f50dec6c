import { z } from 'zod';
import { durationPattern, parseDuration } from '../../flow/document';
import { defineNode, hint, type LintIssue, type NatsConsumeOptions } from '../../node-kit';
import { payloadFormatField } from '../lib/broker-payload';
import { assertNoLintErrors } from '../lib/lint';
import { brokerSource, MaxDeliveriesError } from '../lib/broker-source';
import { recordSchemaCheck, recordSchemaField, recordSchemaIssues, recordSchemaOutput } from '../lib/record-schema';
import { natsConnection, type NatsConnectionConfig } from '../resources/nats-connection.resource';
import { nameProblem, subjectProblem } from './lib/subject';

const config = z.strictObject({
  connection: hint.resourceRef(z.string().min(1), 'nats.connection', {
    title: 'Connection',
    description: 'The NATS connection (servers, credentials, zone) to consume from.',
  }),
  mode: z.enum(['jetstream', 'core']).default('jetstream').meta({
    title: 'Mode',
    description: '`jetstream`: durable, acknowledged, redelivered until processed (at least once). `core`: plain subscription, at most once.',
  }),
  subject: z.string().min(1).meta({
    title: 'Subject',
    description: 'Subject to read, e.g. `orders.created`; `*` matches one token and `>` the rest, e.g. `orders.>`.',
  }),
  stream: z.string().optional().meta({
    title: 'Stream',
    description: 'JetStream: the stream holding the subject. Leave empty to use the stream that stores the subject.',
  }),
  durable: z.string().optional().meta({
    title: 'Durable name',
    description: 'JetStream: name of the durable consumer that remembers what was processed; runtimes sharing it share the work. Core: optional queue group.',
  }),
  format: payloadFormatField(),
  schema: recordSchemaField(),
  maxDeliver: hint.advanced(z.number().int().min(1).max(1000).default(5), {
    title: 'Max deliveries',
    description: 'JetStream: a message delivered this many times without being processed goes to the dead-letter node on its next delivery.',
  }),
  nakDelay: hint.advanced(hint.duration(z.string().regex(durationPattern).default('1s')), {
    title: 'Redelivery delay',
    description: 'JetStream: how long the server waits before delivering a message that could not be processed again, e.g. `5s`.',
  }),
  ackWait: hint.advanced(hint.duration(z.string().regex(durationPattern).default('30s')), {
    title: 'Ack wait',
    description: 'JetStream: how long the server waits for a delivered message to be acknowledged before delivering it again (e.g. after a crash).',
  }),
});

type Config = z.output<typeof config>;

function lint(c: Config): LintIssue[] {
  const issues: LintIssue[] = [];
  const subject = subjectProblem(c.subject, { wildcards: true });
  if (subject) issues.push({ path: '/subject', message: subject });
  if (c.mode === 'jetstream') {
    if (!c.durable) issues.push({ path: '/durable', message: 'JetStream needs a durable name, e.g. orders-to-kafka: it remembers what was processed across restarts' });
    else {
      const problem = nameProblem(c.durable, 'durable consumer');
      if (problem) issues.push({ path: '/durable', message: problem });
    }
    if (c.stream) {
      const problem = nameProblem(c.stream, 'stream');
      if (problem) issues.push({ path: '/stream', message: problem });
    }
    if (parseDuration(c.ackWait) < 1000) issues.push({ path: '/ackWait', message: 'the ack wait must be at least 1s' });
  } else {
    if (c.stream) issues.push({ path: '/stream', message: 'core mode reads the subject directly; the stream is not used', severity: 'warning' });
    if (c.durable) {
      const problem = nameProblem(c.durable, 'queue group');
      if (problem) issues.push({ path: '/durable', message: problem });
    }
  }
  issues.push(...recordSchemaIssues(c.schema, c.format));
  return issues;
}

export { MaxDeliveriesError };

export default defineNode({
  type: 'nats.consume',
  version: 1,
  category: 'source',
  title: 'NATS consume',
  summary: 'Reads messages from a NATS subject, durably through JetStream or directly.',
  icon: 'radio-tower',
  docs: `
Reads messages published on a NATS **subject**, e.g. \`orders.created\` or all of \`orders.>\`.

### JetStream (default): at least once

The messages are kept by a JetStream **stream** and read through a **durable consumer**: the
server remembers which messages were processed, so a restarted flow carries on where it
stopped, and several runtimes using the same durable name share the messages between them.

- A message is acknowledged only after every record made from it reached its destinations (or
  was filtered out, or dead-lettered). A crash before that means the server delivers it again.
- The stream must exist (set **Stream**, or leave it empty to use the stream that stores the
  subject); the flow does not create streams. The durable consumer is created if it does not
  exist (it then starts at the beginning of the stream), and its ack wait is updated if it
  changed. A durable that already reads another subject is refused: give the flow a new
  durable name when its subject changes.
- A record the flow cannot keep (its dead-letter node failed, or the flow stopped first) is
  delivered again after the **Redelivery delay**.
- **Max deliveries** (default 5): a message delivered that many times without being processed
  (for example because it crashed the runtime each time) goes to the flow's dead-letter node on
  its next delivery, with the reason \`delivered 5 times without being processed\`, so it cannot
  block the subject forever. Set the dead-letter node in the flow's error handling.
- **Ack wait**: how long the server waits for an answer before delivering a message again.
  Records held up longer inside the flow (retries) are reported as in progress, so they are not
  delivered twice meanwhile.

### Core: at most once

Plain NATS subscription, for subjects without a stream. **Messages published while the flow
is not running are never seen, and a message the flow cannot process is lost** (the log counts
it). While the flow is busy, a few thousand messages wait in memory; beyond that new ones are
dropped and counted in the log. Use it for telemetry where the latest data matters more than every message. A **durable
name** in core mode is used as a queue group: runtimes with the same name share the messages
instead of each getting all of them.

### Payloads

With the **json** format each payload must be one JSON object; with **raw** the payload is
passed on as text (or bytes). Payloads that cannot be read, or that do not fit the **Record
schema**, go to the dead-letter node with the reason. Each record carries
\`meta.subject\`, \`meta.stream\`, \`meta.sequence\`, \`meta.deliveries\` (1 on the first delivery) and
\`meta.timestamp\`, and the NATS headers as its headers. NATS messages have no key.
`.trim(),
  ports: {
    inputs: [],
    outputs: [{ name: 'out', title: 'Messages' }],
  },
  config,
  lint,
  schema(_inputs, c) {
    return { out: recordSchemaOutput(c.schema) };
  },
  create(c, ctx) {
    assertNoLintErrors('nats.consume', lint(c));
    const connection = natsConnection(ctx.resources.get<NatsConnectionConfig>(c.connection, 'nats.connection'));
    const options: NatsConsumeOptions = { mode: c.mode, subject: c.subject };
    if (c.durable) options.durable = c.durable;
    if (c.mode === 'jetstream') {
      if (c.stream) options.stream = c.stream;
      options.maxDeliver = c.maxDeliver;
      options.nakDelayMs = parseDuration(c.nakDelay);
      options.ackWaitMs = parseDuration(c.ackWait);
    }
    const consumer = ctx.brokers.nats.consumer(connection, options);
    return brokerSource(consumer, {
      format: c.format,
      check: recordSchemaCheck(c.schema),
      // core NATS has no redelivery, so no delivery count to limit
      maxDeliveries: c.mode === 'jetstream' ? c.maxDeliver : undefined,
    });
  },
  examples: [
    {
      title: 'Orders from a JetStream stream',
      config: { connection: 'edge-nats', mode: 'jetstream', subject: 'orders.>', stream: 'ORDERS', durable: 'orders-to-kafka', format: 'json', maxDeliver: 5, nakDelay: '1s', ackWait: '30s' },
    },
    {
      title: 'Sensor readings, core NATS, shared by a queue group',
      description: 'At most once: readings published while the flow is down are not seen.',
      config: { connection: 'edge-nats', mode: 'core', subject: 'sensors.*.temperature', durable: 'temperature-readers', format: 'json', maxDeliver: 5, nakDelay: '1s', ackWait: '30s' },
    },
  ],
});
