import { z } from 'zod';
import { defineResource, hint, REF_IN_TEXT_PATTERN, type AmqpConnection, type LintIssue } from '../../node-kit';

export const MqConnectionConfig = z.strictObject({
  url: z.string().min(1).meta({
    title: 'Broker URL',
    description:
      'The AMQP 1.0 endpoint: `amqp://host:5672`, or `amqps://host:5671` for TLS, or a reference such as `${env:MQ_URL}`. Put user and password in their own fields, not in the URL.',
  }),
  username: hint.secretRef(z.string().optional(), {
    title: 'User',
    description: 'A `${secret:NAME}` or `${env:NAME}` reference to the user name (IBM MQ: a user the channel authenticates; Azure Service Bus: the shared access policy name). Leave empty to connect anonymously.',
  }),
  password: hint.secretRef(z.string().optional(), {
    title: 'Password',
    description: 'A `${secret:NAME}` or `${env:NAME}` reference to the password (Azure Service Bus: the shared access key).',
  }),
  vhost: hint.advanced(z.string().optional(), {
    title: 'Virtual host (RabbitMQ)',
    description: 'RabbitMQ only: the virtual host to use, e.g. `payments`. Other brokers ignore it.',
  }),
  tls: z.boolean().default(false).meta({
    title: 'TLS',
    description: 'Connect with TLS (port 5671 unless the URL names another). An `amqps://` URL always uses TLS. The broker’s certificate must be trusted by the system.',
  }),
  zone: z.string().min(1).meta({
    title: 'Zone',
    description: 'The jurisdiction this broker is in, e.g. `eu` or `us`. Governance rules say which tagged fields may move between zones.',
  }),
});

export type MqConnectionConfig = z.output<typeof MqConnectionConfig>;

const ZONE = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

function hasReference(s: string): boolean {
  return new RegExp(REF_IN_TEXT_PATTERN.source).test(s);
}

/**
 * What the AMQP connector needs from a (resolved) `mq.connection` config: the URL with the
 * scheme TLS asks for and the user and password put in (URL-encoded). Throws when the URL is
 * not an AMQP URL or already carries credentials, so a `${env:…}` that resolved to something
 * unusable fails at start with the reason.
 */
export function mqConnection(config: MqConnectionConfig): AmqpConnection {
  const raw = config.url.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`the MQ connection URL "${withoutPassword(raw)}" is not a URL: write amqp://host:5672 or amqps://host:5671`);
  }
  const scheme = url.protocol.toLowerCase();
  if (scheme !== 'amqp:' && scheme !== 'amqps:') throw new Error(`the MQ connection URL "${withoutPassword(raw)}" must start with amqp:// or amqps://`);
  if (url.username || url.password) {
    throw new Error('the MQ connection URL carries a user or password: put them in the user and password fields (as secret references) instead');
  }
  const tls = config.tls || scheme === 'amqps:';
  const user = config.username ? `${encodeURIComponent(config.username)}:${encodeURIComponent(config.password ?? '')}@` : '';
  const out: AmqpConnection = { url: `${tls ? 'amqps' : 'amqp'}://${user}${url.host}` };
  if (config.vhost) out.vhost = config.vhost;
  return out;
}

function withoutPassword(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

function lint(c: MqConnectionConfig): LintIssue[] {
  const issues: LintIssue[] = [];
  const raw = c.url.trim();
  if (raw === '') issues.push({ path: '/url', message: 'give the broker URL, e.g. amqp://mq.example.com:5672' });
  else if (!hasReference(raw)) {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      issues.push({ path: '/url', message: `"${withoutPassword(raw)}" is not a URL: write amqp://host:5672 or amqps://host:5671` });
    }
    if (url) {
      const scheme = url.protocol.toLowerCase();
      if (scheme !== 'amqp:' && scheme !== 'amqps:') issues.push({ path: '/url', message: `"${url.protocol}" is not an AMQP scheme: write amqp://host:5672 or amqps://host:5671` });
      if (url.username || url.password) issues.push({ path: '/url', message: 'the URL carries credentials: use the user and password fields with secret references' });
      if (url.pathname && url.pathname !== '/') {
        issues.push({ path: '/url', message: `the path "${url.pathname}" is ignored: the queue is set on each MQ node, a RabbitMQ virtual host under vhost`, severity: 'warning' });
      }
      if (c.tls && scheme === 'amqp:' && url.port === '5672') {
        issues.push({ path: '/tls', message: 'TLS is on but the URL names port 5672, the usual plain AMQP port; AMQP over TLS usually listens on 5671', severity: 'warning' });
      }
    }
  } else if (/\/\/[^/@]*@/.test(raw)) {
    issues.push({ path: '/url', message: 'the URL carries credentials: use the user and password fields with secret references' });
  }
  if (c.password && !c.username) issues.push({ path: '/username', message: 'a password needs a user' });
  if (c.username && !c.password) issues.push({ path: '/password', message: 'the user needs a password (a ${secret:NAME} reference)' });
  if (c.vhost !== undefined && c.vhost.trim() === '') issues.push({ path: '/vhost', message: 'leave the virtual host out, or name one' });
  if (!ZONE.test(c.zone)) issues.push({ path: '/zone', message: 'a zone is a short label without spaces such as eu, us or ch-finma' });
  return issues;
}

export default defineResource({
  type: 'mq.connection',
  version: 1,
  title: 'MQ connection (AMQP 1.0)',
  summary: 'A message broker reached over AMQP 1.0: IBM MQ AMQP channels, ActiveMQ Artemis, RabbitMQ, Azure Service Bus.',
  docs: `
The message broker that **MQ receive** and **MQ send** nodes naming this connection talk to,
over AMQP 1.0: an IBM MQ queue manager's AMQP channel, ActiveMQ Artemis, RabbitMQ (with its
AMQP 1.0 plugin) or Azure Service Bus. Setup per broker: \`docs/connectors/mq.md\`.

- **Broker URL**: \`amqp://mq.example.com:5672\`, or \`amqps://…:5671\` for TLS (Azure Service
  Bus: \`amqps://<namespace>.servicebus.windows.net\`). \`\${env:MQ_URL}\` takes it from the
  environment.
- **User** and **Password**: secret references such as \`\${secret:MQ_USER}\` and
  \`\${secret:MQ_PASSWORD}\`, sent with SASL PLAIN (use TLS so they do not cross the network in
  clear). Never put them in the URL. Without a user the connection is anonymous (SASL
  ANONYMOUS). Azure Service Bus: the shared access policy name and its key.
- **Virtual host**: RabbitMQ only.
- **TLS**: encrypts the connection; the broker's certificate must be trusted by the system
  (add a private CA with the \`NODE_EXTRA_CA_CERTS\` environment variable).
- **Zone**: where the broker is (e.g. \`eu\`), so governance can check which fields may move
  between zones.

Each MQ node opens its own connection. When the broker cannot be reached, the runtime keeps
trying with growing, randomised pauses (a quarter of a second up to 15 seconds) and logs every
change of the connection state; a lost connection is re-established the same way. Refused
credentials, a missing queue or a missing permission are reported at once and stop the flow
with the reason, because trying again cannot help.
`.trim(),
  config: MqConnectionConfig,
  lint,
  examples: [
    {
      title: 'IBM MQ AMQP channel',
      config: { url: 'amqp://mq1.example.com:5672', username: '${secret:MQ_USER}', password: '${secret:MQ_PASSWORD}', tls: false, zone: 'eu' },
    },
    { title: 'RabbitMQ virtual host, URL from the environment', config: { url: '${env:RABBIT_URL}', username: '${env:RABBIT_USER}', password: '${secret:RABBIT_PASSWORD}', vhost: 'payments', tls: false, zone: 'eu' } },
    {
      title: 'Azure Service Bus',
      config: { url: 'amqps://contoso-payments.servicebus.windows.net', username: '${secret:SB_KEY_NAME}', password: '${secret:SB_KEY}', tls: true, zone: 'eu' },
    },
  ],
});
