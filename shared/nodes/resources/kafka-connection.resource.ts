import { z } from 'zod';
import { defineResource, hint, REF_IN_TEXT_PATTERN, type KafkaConnection, type LintIssue } from '../../node-kit';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export const KafkaConnectionConfig = z.strictObject({
  brokers: z.string().min(1).meta({
    title: 'Brokers',
    description: 'Bootstrap brokers as `host:port`, separated by commas, e.g. `kafka-1:9092,kafka-2:9092` or `${env:KAFKA_BROKERS}`.',
  }),
  zone: z.string().min(1).meta({
    title: 'Zone',
    description: 'Jurisdiction the cluster is in, e.g. `eu` or `us`. Governance checks which data may move between zones.',
  }),
  clientId: hint.advanced(z.string().min(1).default('sluice'), {
    title: 'Client id',
    description: 'Name the brokers see in their logs and quotas.',
  }),
  ssl: z.boolean().default(false).meta({
    title: 'TLS',
    description: 'Connect with TLS (the brokers’ certificates must be trusted by the system).',
  }),
  sasl: z
    .strictObject({
      mechanism: z.enum(SASL_MECHANISMS).default('scram-sha-512').meta({ title: 'Mechanism', description: '`plain`, `scram-sha-256` or `scram-sha-512`.' }),
      username: z.string().min(1).meta({ title: 'User name' }),
      password: hint.secretRef(z.string().min(1), {
        title: 'Password',
        description: 'A secret reference such as `${secret:KAFKA_PASSWORD}`, never the password itself.',
      }),
    })
    .optional()
    .meta({ title: 'Sign in (SASL)', description: 'User name and password when the cluster requires them.' }),
});

export type KafkaConnectionConfig = z.output<typeof KafkaConnectionConfig>;

const HOST_PORT = /^[A-Za-z0-9.-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:]+\]:[0-9]{1,5}$/;
const ZONE = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

function lint(c: KafkaConnectionConfig): LintIssue[] {
  const issues: LintIssue[] = [];
  if (!hasReference(c.brokers)) {
    const list = splitBrokers(c.brokers);
    if (!list.length) issues.push({ path: '/brokers', message: 'list at least one broker as host:port, e.g. kafka-1:9092' });
    const bad = list.filter((b) => !HOST_PORT.test(b));
    if (bad.length) issues.push({ path: '/brokers', message: `not host:port: ${bad.map((b) => `"${b}"`).join(', ')} (e.g. kafka-1:9092)` });
  }
  if (!ZONE.test(c.zone)) issues.push({ path: '/zone', message: 'a zone is a short label without spaces such as eu, us or ch-finma' });
  if (c.sasl && c.sasl.mechanism === 'plain' && !c.ssl) {
    issues.push({ path: '/sasl/mechanism', message: 'plain sign-in without TLS sends the password readable on the network; turn on TLS', severity: 'warning' });
  }
  return issues;
}

function hasReference(s: string): boolean {
  return new RegExp(REF_IN_TEXT_PATTERN.source).test(s);
}

function splitBrokers(s: string): string[] {
  return s
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

/**
 * The connection a node hands to `ctx.brokers.kafka` for a resolved (references substituted)
 * resource config. Throws naming the resource when the config is invalid.
 */
export function kafkaConnection(id: string, raw: unknown): KafkaConnection & { zone: string } {
  const parsed = KafkaConnectionConfig.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Kafka connection "${id}": ${first ? `/${first.path.join('/')}: ${first.message}` : 'invalid config'}`);
  }
  const c = parsed.data;
  const errors = lint(c).filter((i) => i.severity !== 'warning');
  if (errors.length) throw new Error(`Kafka connection "${id}": ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  const connection: KafkaConnection & { zone: string } = { brokers: splitBrokers(c.brokers), clientId: c.clientId, zone: c.zone };
  if (c.ssl) connection.ssl = true;
  if (c.sasl) connection.sasl = { mechanism: c.sasl.mechanism, username: c.sasl.username, password: c.sasl.password };
  return connection;
}

export default defineResource({
  type: 'kafka.connection',
  version: 1,
  title: 'Kafka connection',
  summary: 'Where a Kafka cluster is, how to sign in, and which zone (jurisdiction) it is in.',
  docs: `
A Kafka cluster that nodes read from (**Kafka consume**, **Enrich from Kafka table**) or
write to (**Kafka produce**). Define it once per flow and pick it in each node.

- **Brokers**: one or more \`host:port\` addresses separated by commas. The runtime asks them
  for the rest of the cluster. Use a reference such as \`\${env:KAFKA_BROKERS}\` so the same
  flow runs against test and production clusters.
- **Zone**: where the cluster is, as a short label such as \`eu\`, \`us\` or \`ch\`. Governance
  uses it to prove that fields tagged as personal data never reach a cluster in another zone
  without being removed or masked. Required.
- **TLS**: encrypt the connection (required by most managed clusters).
- **Sign in (SASL)**: user name and password for clusters that require them, with the
  mechanism the cluster offers (\`scram-sha-512\` is the usual choice; \`plain\` only over TLS).
  The password must be a secret reference (\`\${secret:KAFKA_PASSWORD}\`); it is never written
  into the flow file or the logs.

When a broker cannot be reached the runtime keeps trying with growing pauses (up to about
30 seconds between tries), logs every change of the connection state and counts reconnects;
records wait meanwhile, nothing is dropped. Refused credentials stop the flow with a message
naming the cluster.
`.trim(),
  config: KafkaConnectionConfig,
  lint,
  examples: [
    { title: 'Local development cluster', config: { brokers: 'localhost:9092', zone: 'eu', clientId: 'sluice', ssl: false } },
    {
      title: 'Managed cluster with TLS and SCRAM',
      config: {
        brokers: '${env:KAFKA_BROKERS}',
        zone: 'us',
        clientId: 'sluice-orders',
        ssl: true,
        sasl: { mechanism: 'scram-sha-512', username: 'sluice', password: '${secret:KAFKA_PASSWORD}' },
      },
    },
  ],
});
