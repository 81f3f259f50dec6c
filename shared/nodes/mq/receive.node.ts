import { z } from 'zod';
import { defineNode, hint, type LintIssue } from '../../node-kit';
import { payloadFormatField } from '../lib/broker-payload';
import { assertNoLintErrors } from '../lib/lint';
import { brokerSource, MaxDeliveriesError } from '../lib/broker-source';
import { recordSchemaCheck, recordSchemaField, recordSchemaIssues, recordSchemaOutput } from '../lib/record-schema';
import { mqConnection, type MqConnectionConfig } from '../resources/mq-connection.resource';
import { queueProblem } from './lib/queue';

const config = z.strictObject({
  connection: hint.resourceRef(z.string().min(1), 'mq.connection', {
    title: 'Connection',
    description: 'The MQ connection (broker URL, credentials, zone) to receive from.',
  }),
  queue: z.string().min(1).meta({
    title: 'Queue',
    description: 'The queue address: `PAYMENTS` (IBM MQ, Artemis, Azure Service Bus) or `/amq/queue/payments` (RabbitMQ).',
  }),
  format: payloadFormatField(),
  schema: recordSchemaField(),
  maxInFlight: hint.advanced(z.number().int().min(1).max(10_000).default(100), {
    title: 'Messages in flight',
    description: 'How many messages the broker may hand over before earlier ones are finished (the AMQP link credit).',
  }),
  maxDeliveries: hint.advanced(z.number().int().min(1).max(1000).default(5), {
    title: 'Max deliveries',
    description: 'A message delivered this many times without being processed goes to the dead-letter node on its next delivery.',
  }),
});

type Config = z.output<typeof config>;

function lint(c: Config): LintIssue[] {
  const issues: LintIssue[] = [];
  issues.push(...queueProblem(c.queue));
  issues.push(...recordSchemaIssues(c.schema, c.format));
  return issues;
}

export { MaxDeliveriesError };

export default defineNode({
  type: 'mq.receive',
  version: 1,
  category: 'source',
  title: 'MQ receive',
  summary: 'Receives messages from a queue over AMQP 1.0 (IBM MQ, Artemis, RabbitMQ, Azure Service Bus).',
  icon: 'inbox',
  docs: `
Receives the messages of a **queue** on an MQ broker reached over AMQP 1.0 (see the **MQ
connection**). Several runtimes receiving from the same queue share its messages.

### At least once

A message is **accepted** (removed from the queue) only after every record made from it has
reached its destinations, or was filtered out, or dead-lettered. If the runtime stops or loses
the connection first, the broker delivers the message again. A record the flow cannot keep is
handed back to the broker to be delivered again (as \`modified\`, so the broker counts the
failed attempt; RabbitMQ 3 gets \`released\`).

**Messages in flight** (default 100) is how many messages the broker may hand over before
earlier ones are finished: the AMQP link credit. More messages are asked for only as earlier ones
are settled, so a slow flow never has more than this many messages from the queue at once.

### Poison messages: max deliveries

A message that is delivered again and again without being processed (for example because it
crashed the runtime each time) must not block the queue forever. IBM MQ AMQP channels do not
move such messages to a backout queue, so this node does it: a message delivered more than
**Max deliveries** times (default 5) goes to the flow's **dead-letter node** with the reason
\`delivered 5 times without being processed (max deliveries 5)\`, and is accepted. Set the
dead-letter node in the flow's error handling; it can be an **MQ send** to a queue of its own.

The delivery count comes from the broker where it reports one (Artemis, Azure Service Bus), and
otherwise (RabbitMQ 3, IBM MQ) from what this runtime process has seen: each message (by its
message id) is counted while the process runs; after a restart, a message the broker marks as
redelivered counts as delivered once before.

### Payloads

With the **json** format each payload must be one JSON object; with **raw** the payload is
passed on as text (or bytes). A payload that cannot be read, or that does not fit the **Record
schema**, goes to the dead-letter node with the reason. Each record carries the message's
application properties as its headers, its **correlation id as its key**, and
\`meta.address\`, \`meta.messageId\`, \`meta.subject\`, \`meta.contentType\`,
\`meta.timestamp\` (creation time) and \`meta.deliveries\` (1 on the first delivery).
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
    assertNoLintErrors('mq.receive', lint(c));
    const connection = mqConnection(ctx.resources.get<MqConnectionConfig>(c.connection, 'mq.connection'));
    const receiver = ctx.brokers.amqp.receiver(connection, { address: c.queue.trim(), credit: c.maxInFlight, maxDeliveries: c.maxDeliveries });
    return brokerSource(receiver, { format: c.format, check: recordSchemaCheck(c.schema), maxDeliveries: c.maxDeliveries });
  },
  examples: [
    {
      title: 'Payments from an IBM MQ queue',
      config: { connection: 'payments-mq', queue: 'PAYMENTS.IN', format: 'json', maxInFlight: 100, maxDeliveries: 5 },
    },
    {
      title: 'Orders from a durable RabbitMQ queue, checked against a schema',
      config: {
        connection: 'rabbit',
        queue: '/amq/queue/orders',
        format: 'json',
        maxInFlight: 50,
        maxDeliveries: 3,
        schema: {
          type: 'record',
          name: 'Order',
          fields: [
            { name: 'orderId', type: 'string' },
            { name: 'total', type: 'double' },
          ],
        },
      },
    },
  ],
});
