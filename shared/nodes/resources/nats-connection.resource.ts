import { z } from 'zod';
import { defineResource, hint, REF_IN_TEXT_PATTERN, type LintIssue, type NatsConnection } from '../../node-kit';

export const NatsConnectionConfig = z.strictObject({
  servers: z.string().min(1).meta({
    title: 'Servers',
    description: 'NATS server URLs separated by commas, e.g. `nats://nats-1:4222,nats://nats-2:4222`, or a reference such as `${env:NATS_URL}`.',
  }),
  user: z.string().optional().meta({
    title: 'User',
    description: 'User name, when the servers require user and password. May be a `${env:NAME}` reference.',
  }),
  password: hint.secretRef(z.string().optional(), {
    title: 'Password',
    description: 'A `${secret:NAME}` or `${env:NAME}` reference to the password of the user.',
  }),
  token: hint.secretRef(z.string().optional(), {
    title: 'Token',
    description: 'A `${secret:NAME}` or `${env:NAME}` reference to an authentication token (instead of user and password).',
  }),
  zone: z.string().min(1).meta({
    title: 'Zone',
    description: 'The jurisdiction these servers are in, e.g. `eu` or `us`. Governance rules say which tagged fields may move between zones.',
  }),
});

export type NatsConnectionConfig = z.output<typeof NatsConnectionConfig>;

const SERVER = /^(?:(?:nats|tls|ws|wss):\/\/)?(?:[^\s@/]+@)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?\/?$/;

/** The server list as written: split at commas, trimmed, empty entries left out. */
export function serverList(servers: string): string[] {
  return servers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * What the NATS connector needs from a (resolved) `nats.connection` config. Throws when no
 * server is left after splitting, so a `${env:…}` that resolved to nothing fails at start.
 */
export function natsConnection(config: NatsConnectionConfig): NatsConnection {
  const servers = serverList(config.servers);
  if (servers.length === 0) throw new Error('the NATS connection names no servers (is the ${env:…} reference empty?)');
  const out: NatsConnection = { servers };
  if (config.user) {
    out.user = config.user;
    out.pass = config.password ?? '';
  }
  if (config.token) out.token = config.token;
  return out;
}

function lint(c: NatsConnectionConfig): LintIssue[] {
  const issues: LintIssue[] = [];
  const servers = serverList(c.servers);
  if (servers.length === 0) issues.push({ path: '/servers', message: 'give at least one server, e.g. nats://localhost:4222' });
  for (const s of servers) {
    if (new RegExp(REF_IN_TEXT_PATTERN.source).test(s)) continue;
    if (!SERVER.test(s)) {
      issues.push({ path: '/servers', message: `"${s}" is not a NATS server address: write host:port or nats://host:port` });
    } else if (/\/\/[^@/]*@/.test(s)) {
      issues.push({ path: '/servers', message: `"${s}" carries credentials in the URL: use the user, password or token fields with secret references` });
    }
  }
  if (c.password && !c.user) issues.push({ path: '/user', message: 'a password needs a user' });
  if (c.user && !c.password) issues.push({ path: '/password', message: `user "${c.user}" needs a password (a \${secret:NAME} reference)` });
  if (c.token && (c.user || c.password)) issues.push({ path: '/token', message: 'use either a token or a user and password, not both' });
  if (c.zone.trim() === '') issues.push({ path: '/zone', message: 'give the zone of these servers, e.g. eu' });
  return issues;
}

export default defineResource({
  type: 'nats.connection',
  version: 1,
  title: 'NATS connection',
  summary: 'NATS servers (with JetStream) that NATS nodes consume from and publish to.',
  docs: `
The NATS servers a flow talks to, shared by every **NATS consume** and **NATS publish** node
that names this connection. All nodes of one flow using the same connection share one network
connection.

- **Servers**: one or more URLs separated by commas, e.g.
  \`nats://nats-1.example.com:4222,nats://nats-2.example.com:4222\`. The client picks one and
  moves to another if it fails. Use \`\${env:NATS_URL}\` to take the list from the environment.
- **User** and **Password**, or **Token**, when the servers require authentication. Password and
  token are never written into the flow: use \`\${secret:NAME}\` or \`\${env:NAME}\` references.
- **Zone**: where these servers are (e.g. \`eu\`), so governance can check which fields may move
  between zones.

When the servers cannot be reached, the runtime keeps trying with growing, randomised pauses
(from a quarter of a second up to 15 seconds) and logs every change of the connection state; a
lost connection is re-established the same way. Refused credentials are reported at once, and
the flow stops with that error, because trying again cannot help.
`.trim(),
  config: NatsConnectionConfig,
  lint,
  examples: [
    { title: 'Local NATS server', config: { servers: 'nats://127.0.0.1:4222', zone: 'eu' } },
    {
      title: 'Cluster with user and password',
      config: {
        servers: 'nats://nats-1.example.com:4222,nats://nats-2.example.com:4222',
        user: 'sluice',
        password: '${secret:nats-password}',
        zone: 'eu',
      },
    },
    { title: 'Servers from the environment, token', config: { servers: '${env:NATS_URL}', token: '${secret:nats-token}', zone: 'us' } },
  ],
});
