import { z } from 'zod';
import { defineNode, hint, type BrokerProducer, type LintIssue, type NatsPublishOptions } from '../../node-kit';
import { outboundMessage, payloadFormatField } from '../lib/broker-payload';
import { messageIdFunction } from '../lib/broker-sink';
import { assertNoLintErrors } from '../lib/lint';
import { natsConnection, type NatsConnectionConfig } from '../resources/nats-connection.resource';
import { fillSubject, hasPlaceholders, nameProblem, parseSubjectTemplate, subjectTemplateProblem } from './lib/subject';

const config = z.strictObject({
  connection: hint.resourceRef(z.string().min(1), 'nats.connection', {
    title: 'Connection',
    description: 'The NATS connection (servers, credentials, zone) to publish to.',
  }),
  mode: z.enum(['jetstream', 'core']).default('jetstream').meta({
    title: 'Mode',
    description: '`jetstream`: each message is confirmed as stored by a stream. `core`: plain publish, at most once.',
  }),
  subject: z.string().min(1).meta({
    title: 'Subject',
    description: 'Subject to publish to, e.g. `orders.large`, with optional `{field}` placeholders filled from the record, e.g. `orders.{region}`.',
  }),
  msgId: hint.expression(z.string().optional(), {
    resultType: 'any',
    title: 'Message id',
    description: 'JetStream: CEL expression giving each message a unique id, e.g. `orderId`. The stream stores a message with an id it has just seen only once.',
  }),
  format: payloadFormatField(),
  headers: z.boolean().default(true).meta({
    title: 'Pass headers on',
    description: 'Send the headers the record arrived with (except NATS control headers, `Nats-…`).',
  }),
  createStream: hint.advanced(z.string().optional(), {
    title: 'Create stream',
    description: 'JetStream, for tests and demos: name of a stream to create (or to add the subject to) when no stream stores the subject.',
  }),
});

type Config = z.output<typeof config>;

function lint(c: Config): LintIssue[] {
  const issues: LintIssue[] = [];
  const subject = subjectTemplateProblem(c.subject);
  if (subject) issues.push({ path: '/subject', message: subject });
  if (c.mode === 'core') {
    if (c.msgId) issues.push({ path: '/msgId', message: 'core NATS does not de-duplicate: the message id is only used in jetstream mode', severity: 'warning' });
    if (c.createStream) issues.push({ path: '/createStream', message: 'core mode publishes without a stream: the stream is not created', severity: 'warning' });
  }
  if (c.msgId !== undefined && c.msgId.trim() === '') issues.push({ path: '/msgId', message: 'write an expression for the id, e.g. orderId, or leave the field empty' });
  if (c.createStream) {
    const problem = nameProblem(c.createStream, 'stream');
    if (problem) issues.push({ path: '/createStream', message: problem });
  }
  return issues;
}

/** NATS control headers (de-duplication, expectations, rollups, TTLs) must never be copied from one message to another. */
function withoutControlHeaders(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  let out: Record<string, string> | undefined;
  for (const k of Object.keys(headers)) {
    if (!/^nats-/i.test(k)) continue;
    out ??= { ...headers };
    delete out[k];
  }
  return out ?? headers;
}

/** Publishers kept open for templated subjects; the least recently used is closed beyond this. */
const MAX_SUBJECTS = 1024;

export default defineNode({
  type: 'nats.publish',
  version: 1,
  category: 'sink',
  title: 'NATS publish',
  summary: 'Publishes records to a NATS subject, confirmed by JetStream or as plain messages.',
  icon: 'send',
  docs: `
Publishes each record as a message on a NATS **subject**.

### JetStream (default)

A record counts as delivered only when a JetStream stream confirms it stored the message; until
then its source is not acknowledged, so nothing is lost if the runtime stops. A stream must
store the subject (the flow does not create streams, except with **Create stream**, meant for
tests and demos).

**Message id** (recommended): a CEL expression such as \`orderId\` or
\`orderId + "-" + string(version)\`. It is sent as the \`Nats-Msg-Id\` header, and the stream
stores a message whose id it saw within its duplicate window (2 minutes by default) only once.
Records replayed after a restart are then not stored twice.

### Core: at most once

A plain publish. The record counts as delivered once the server received it; **subscribers
that are not listening at that moment never get it**, and there is no de-duplication.

### Subject placeholders

\`orders.{region}\` sends each record to the subject named by its \`region\` field. A placeholder
is a whole token between dots, and its value must be one token of letters, digits, \`_\` and \`-\`
(no dots, spaces or wildcards), so a record can never reach a subject outside the pattern; a
record whose value does not fit fails with the reason and goes to the dead-letter node.

### Payload and headers

With **json** the record is sent as JSON text; with **raw**, text or bytes are sent as they are.
The record's headers are passed on (turn off **Pass headers on** to drop them), except NATS
control headers (\`Nats-…\`), which belong to the message they came with. NATS messages have no
key: a record's key is not sent.

### As the dead-letter node

When this node receives dead letters (the flow's error handling names it), each is published
with the original payload bytes and headers, plus \`sluice-error\`, \`sluice-node\`,
\`sluice-flow\`, \`sluice-attempts\` and \`sluice-failed-at\` headers. Placeholders then take
the dead letter's fields, e.g. \`dead.{nodeId}\`.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: [],
  },
  config,
  lint,
  create(c, ctx) {
    assertNoLintErrors('nats.publish', lint(c));
    const connection = natsConnection(ctx.resources.get<NatsConnectionConfig>(c.connection, 'nats.connection'));
    const template = parseSubjectTemplate(c.subject);
    const templated = hasPlaceholders(template);
    const msgId = c.mode === 'jetstream' && c.msgId ? ctx.expr.compile(c.msgId, { resultType: 'any', configPath: '/msgId' }) : undefined;
    const publishers = new Map<string, BrokerProducer>();
    const publisher = (subject: string): BrokerProducer => {
      let p = publishers.get(subject);
      if (p) {
        if (templated) {
          publishers.delete(subject);
          publishers.set(subject, p);
        }
        return p;
      }
      const options: NatsPublishOptions = { mode: c.mode, subject, createStream: c.mode === 'jetstream' && c.createStream ? c.createStream : false };
      p = ctx.brokers.nats.publisher(connection, options);
      publishers.set(subject, p);
      if (publishers.size > MAX_SUBJECTS) {
        const [oldest, old] = publishers.entries().next().value as [string, BrokerProducer];
        publishers.delete(oldest);
        void old.close().catch((err: unknown) => ctx.log.warn('closing an unused NATS publisher failed', { subject: oldest, error: (err as Error).message }));
      }
      return p;
    };
    const id = messageIdFunction(msgId, c.msgId);
    return {
      role: 'sink',
      write(msg) {
        const out = outboundMessage(msg, { format: c.format, headers: c.headers });
        const headers = withoutControlHeaders(out.headers);
        if (headers) out.headers = headers;
        else delete out.headers;
        delete out.key;
        const messageId = id(msg);
        if (messageId !== undefined) out.id = messageId;
        const subject = templated ? fillSubject(template, msg.value) : c.subject;
        return publisher(subject).send(out);
      },
      async flush() {
        await Promise.all([...publishers.values()].map((p) => p.flush()));
      },
      async close() {
        const all = [...publishers.values()];
        publishers.clear();
        const results = await Promise.allSettled(all.map((p) => p.close()));
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      },
    };
  },
  examples: [
    {
      title: 'Large orders to a JetStream subject, de-duplicated by order id',
      config: { connection: 'core-nats', mode: 'jetstream', subject: 'orders.large', msgId: 'orderId', format: 'json', headers: true },
    },
    {
      title: 'One subject per region',
      description: 'A record with region "eu-west" goes to orders.eu-west.',
      config: { connection: 'core-nats', mode: 'jetstream', subject: 'orders.{region}', format: 'json', headers: true },
    },
    {
      title: 'Dead letters to a NATS subject',
      description: 'Name this node as the flow\'s dead-letter node; each failed record is published with its original bytes and sluice-* headers.',
      config: { connection: 'core-nats', mode: 'jetstream', subject: 'orders.dead', format: 'raw', headers: true },
    },
  ],
});
