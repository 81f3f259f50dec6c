import { z } from 'zod';
import { defineNode, hint, type LintIssue } from '../../node-kit';
import { outboundMessage, payloadFormatField } from '../lib/broker-payload';
import { messageIdFunction } from '../lib/broker-sink';
import { assertNoLintErrors } from '../lib/lint';
import { mqConnection, type MqConnectionConfig } from '../resources/mq-connection.resource';
import { queueProblem } from './lib/queue';

const config = z.strictObject({
  connection: hint.resourceRef(z.string().min(1), 'mq.connection', {
    title: 'Connection',
    description: 'The MQ connection (broker URL, credentials, zone) to send to.',
  }),
  queue: z.string().min(1).meta({
    title: 'Queue',
    description: 'The queue address: `PAYMENTS` (IBM MQ, Artemis, Azure Service Bus) or `/amq/queue/payments` (RabbitMQ).',
  }),
  format: payloadFormatField(),
  headers: z.boolean().default(true).meta({
    title: 'Pass headers on',
    description: 'Send the headers the record arrived with as the message’s application properties.',
  }),
  messageId: hint.expression(z.string().optional(), {
    resultType: 'any',
    title: 'Message id',
    description: 'Optional CEL expression giving each message its id, e.g. `paymentId`. Azure Service Bus queues with duplicate detection store a message with an id they have just seen only once.',
  }),
});

type Config = z.output<typeof config>;

function lint(c: Config): LintIssue[] {
  const issues = queueProblem(c.queue, 'send');
  if (c.messageId !== undefined && c.messageId.trim() === '') issues.push({ path: '/messageId', message: 'write an expression for the id, e.g. paymentId, or leave the field empty' });
  return issues;
}

export default defineNode({
  type: 'mq.send',
  version: 1,
  category: 'sink',
  title: 'MQ send',
  summary: 'Sends records to a queue over AMQP 1.0 (IBM MQ, Artemis, RabbitMQ, Azure Service Bus), confirmed by the broker.',
  icon: 'send',
  docs: `
Sends each record as a message to a **queue** on an MQ broker reached over AMQP 1.0 (see the
**MQ connection**).

A record counts as delivered only when the broker has **accepted** the message; until then its
source is not acknowledged, so nothing is lost if the runtime stops. When the broker refuses a
message (rejected, or released without storing it) the record fails with the broker's reason
and the node's error handling applies (retries, then the dead-letter node). While the broker
cannot be reached, sending waits and the flow pauses; messages whose answer was lost with the
connection are sent again, so a message may arrive twice (at least once).

**Message id** (optional): a CEL expression such as \`paymentId\`, sent as the AMQP message-id.
Azure Service Bus queues with duplicate detection turned on use it to drop repeats (IBM MQ gives
each message its own MsgId and keeps this one for AMQP receivers; Artemis de-duplicates by the
\`_AMQ_DUPL_ID\` header instead).

### Payload, key and headers

With **json** the record is sent as JSON text, with **raw** text or bytes are sent as they are,
in both cases as the message body (one data section). The record's **key is sent as the
correlation id** (IBM MQ applications see it as the 24-byte CorrelId, so keep keys to 24 bytes
for them). The record's headers become application properties (turn off **Pass headers on** to
drop them). Messages are sent as durable (persistent).

A broker that drops the connection instead of refusing a message (RabbitMQ 3 does so for a full
queue that rejects new messages) would have it sent again forever: after the connection was lost
5 times before the broker answered, the record fails with that reason.

### RabbitMQ

Address a durable queue that exists as \`/amq/queue/<name>\`. RabbitMQ 3 silently drops
messages sent to a queue that does not exist, so this node checks that the queue exists when it
connects and fails with the reason if not. \`/queue/<name>\` creates the queue, but not durable.

### As the dead-letter node

When this node receives dead letters (the flow's error handling names it), each is sent with the
original payload bytes, key and headers, plus \`sluice-error\`, \`sluice-node\`, \`sluice-flow\`,
\`sluice-attempts\` and \`sluice-failed-at\` application properties.
`.trim(),
  ports: {
    inputs: [{ name: 'in' }],
    outputs: [],
  },
  config,
  lint,
  create(c, ctx) {
    assertNoLintErrors('mq.send', lint(c));
    const connection = mqConnection(ctx.resources.get<MqConnectionConfig>(c.connection, 'mq.connection'));
    const messageId = c.messageId ? ctx.expr.compile(c.messageId, { resultType: 'any', configPath: '/messageId' }) : undefined;
    const sender = ctx.brokers.amqp.sender(connection, { address: c.queue });
    const id = messageIdFunction(messageId, c.messageId);
    return {
      role: 'sink',
      write(msg) {
        const out = outboundMessage(msg, { format: c.format, headers: c.headers });
        const mid = id(msg);
        if (mid !== undefined) out.id = mid;
        return sender.send(out);
      },
      flush: () => sender.flush(),
      close: () => sender.close(),
    };
  },
  examples: [
    {
      title: 'Payments to an IBM MQ queue, with the payment id as message id',
      config: { connection: 'payments-mq', queue: 'PAYMENTS.OUT', format: 'json', headers: true, messageId: 'paymentId' },
    },
    {
      title: 'Dead letters to a RabbitMQ queue',
      description: 'Name this node as the flow\'s dead-letter node; each failed record is sent with its original bytes and sluice-* properties.',
      config: { connection: 'rabbit', queue: '/amq/queue/payments-dead', format: 'raw', headers: true },
    },
  ],
});
