import { spawnSync } from 'node:child_process';
import { Connection, ReceiverEvents, message as amqpMessage, type EventContext, type Message as AmqpMessage } from 'rhea-promise';
import type { BrokerMessage, OutboundMessage } from '../../../shared/node-kit/brokers';
import { testEnv, uniqueName } from '../env';

/**
 * Test-side access to the RabbitMQ (AMQP 1.0) that test/env/up.sh started, without going
 * through Sluice: publishing and reading with rhea-promise directly, and rabbitmqctl for what
 * AMQP 1.0 on RabbitMQ 3.10 cannot do (declaring durable queues, looking at queue depths,
 * closing client connections).
 *
 * Durable queues: RabbitMQ 3.10 declares queues only over AMQP 0-9-1 or its HTTP API (neither is
 * used here), and `rabbitmqctl` has no declare command before 3.11, so `declareQueue` calls
 * `rabbit_amqqueue:declare/6` through `rabbitmqctl eval`. Tests that do not need durability
 * address `/queue/<name>`, which the AMQP 1.0 plugin creates on first use (not durable).
 */

export function amqpUrl(): string {
  return testEnv().amqp.url;
}

/** A mq.connection resource config for the test broker: URL and credentials split as users would write them. */
export function connectionConfig(zone = 'test'): Record<string, unknown> {
  const url = new URL(amqpUrl());
  return {
    url: `amqp://${url.host}`,
    username: '${env:SLUICE_TEST_MQ_USER}',
    password: '${env:SLUICE_TEST_MQ_PASSWORD}',
    zone,
  };
}

/** The env values `connectionConfig()` refers to. */
export function connectionEnv(): Record<string, string> {
  const url = new URL(amqpUrl());
  return { SLUICE_TEST_MQ_USER: decodeURIComponent(url.username), SLUICE_TEST_MQ_PASSWORD: decodeURIComponent(url.password) };
}

function rabbitmqctl(args: string[]): string {
  const node = testEnv().amqp.node;
  const r = spawnSync('rabbitmqctl', ['-n', node, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin`, RABBITMQ_NODENAME: node },
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout || r.error?.message}`);
  return r.stdout;
}

/**
 * A fresh virtual host the test user (guest) may use. Tests that drop connections on purpose use
 * their own, so `closeAllConnections` never touches anyone else's connections on the shared broker.
 */
export function createVhost(prefix = 'vh'): string {
  const name = uniqueName(prefix);
  rabbitmqctl(['add_vhost', name]);
  const user = decodeURIComponent(new URL(amqpUrl()).username);
  rabbitmqctl(['set_permissions', '-p', name, user, '.*', '.*', '.*']);
  return name;
}

export function deleteVhost(name: string): void {
  rabbitmqctl(['delete_vhost', name]);
}

/**
 * Declares a durable queue and returns its AMQP 1.0 address `/amq/queue/<name>`.
 * `arguments` are queue arguments such as `x-queue-type`.
 */
export function declareQueue(
  prefix: string,
  options: { type?: 'classic' | 'quorum'; arguments?: Array<[string, 'long' | 'longstr', number | string]>; vhost?: string } = {},
): string {
  const name = uniqueName(prefix);
  const vhost = options.vhost ?? '/';
  if (!/^[a-z0-9-]+$/.test(name) || !/^[a-z0-9/-]+$/.test(vhost)) throw new Error(`queue ${vhost} ${name} is not safe to put into an Erlang expression`);
  const args: Array<[string, 'long' | 'longstr', number | string]> = [...(options.arguments ?? [])];
  if (options.type === 'quorum') args.push(['x-queue-type', 'longstr', 'quorum']);
  const erlArgs = args.map(([k, t, v]) => `{<<"${k}">>, ${t}, ${t === 'long' ? String(v) : `<<"${v}">>`}}`).join(', ');
  const out = rabbitmqctl(['eval', `rabbit_amqqueue:declare(rabbit_misc:r(<<"${vhost}">>, queue, <<"${name}">>), true, false, [${erlArgs}], none, <<"sluice-test">>).`]);
  if (!/\{(new|existing),/.test(out)) throw new Error(`declaring queue ${name} failed: ${out}`);
  return `/amq/queue/${name}`;
}

/** Ready and unacknowledged message counts of a queue, as the broker sees them. */
export function queueDepth(address: string, vhost = '/'): { ready: number; unacked: number } {
  const name = address.replace(/^\/(amq\/)?queue\//, '');
  const out = rabbitmqctl(['list_queues', '-p', vhost, '-q', '--no-table-headers', 'name', 'messages_ready', 'messages_unacknowledged']);
  for (const line of out.split('\n')) {
    const [n, ready, unacked] = line.trim().split(/\s+/);
    if (n === name) return { ready: Number(ready), unacked: Number(unacked) };
  }
  throw new Error(`queue ${name} is not on the broker; queues: ${out}`);
}

/** Closes every client connection to `vhost` (the clients see the connection dropped by the server). */
export function closeAllConnections(vhost: string, reason = 'sluice test: connection closed on purpose'): void {
  if (vhost === '/') throw new Error('close connections of a test vhost of your own (createVhost), not of the shared default vhost');
  rabbitmqctl(['close_all_connections', '-p', vhost, reason]);
}

async function open(vhost?: string): Promise<Connection> {
  const url = new URL(amqpUrl());
  const c = new Connection({
    ...(vhost ? { hostname: `vhost:${vhost}` } : {}),
    host: url.hostname,
    port: Number(url.port),
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    transport: 'tcp',
    reconnect: false,
    operationTimeoutInSeconds: 15,
  });
  await c.open();
  return c;
}

/** Sends messages (each awaited until accepted) as a plain AMQP client would: key as correlation-id, headers as application properties. */
export async function publish(
  address: string,
  messages: Array<OutboundMessage | { body: unknown; raw: true; id?: string; headers?: Record<string, unknown> }>,
  options: { vhost?: string } = {},
): Promise<void> {
  const c = await open(options.vhost);
  try {
    const sender = await c.createAwaitableSender({ target: { address } });
    for (const m of messages) {
      const out: AmqpMessage = { body: undefined, durable: true };
      if ('raw' in m) {
        out.body = m.body;
        if (m.headers) out.application_properties = m.headers;
      } else {
        out.body = amqpMessage.data_section(typeof m.value === 'string' ? Buffer.from(m.value) : Buffer.from(m.value));
        if (m.key !== undefined && m.key !== null) out.correlation_id = m.key;
        if (m.headers) out.application_properties = m.headers;
      }
      if (m.id) out.message_id = m.id;
      await sender.send(out, { timeoutInSeconds: 15 });
    }
  } finally {
    await c.close();
  }
}

export interface ReadMessage extends BrokerMessage {
  firstAcquirer?: boolean;
}

/**
 * Takes `count` messages off a queue (accepting them), waiting up to `timeoutMs`; rejects with
 * what arrived when fewer came. Keys, headers and meta as the connector maps them.
 */
export async function take(address: string, count: number, options: { timeoutMs?: number; vhost?: string } = {}): Promise<ReadMessage[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const c = await open(options.vhost);
  const got: ReadMessage[] = [];
  try {
    const receiver = await c.createReceiver({ source: { address }, credit_window: 0, autoaccept: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${address}: ${got.length} of the ${count} expected messages arrived within ${timeoutMs} ms: ${got.map((m) => new TextDecoder().decode(m.value)).join(' | ')}`));
      }, timeoutMs);
      receiver.on(ReceiverEvents.message, (ctx: EventContext) => {
        const m = ctx.message as AmqpMessage;
        const body = m.body as { typecode?: number; content?: Buffer } | string | Buffer | undefined;
        const value =
          typeof body === 'string' ? new TextEncoder().encode(body) : Buffer.isBuffer(body) ? body : body && body.typecode === 0x75 && body.content ? body.content : new TextEncoder().encode(JSON.stringify(body));
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries((m.application_properties ?? {}) as Record<string, unknown>)) headers[k] = String(v);
        got.push({
          key: typeof m.correlation_id === 'string' ? m.correlation_id : null,
          value: new Uint8Array(value),
          headers,
          meta: { ...(typeof m.message_id === 'string' ? { messageId: m.message_id } : {}) },
          ...(typeof m.first_acquirer === 'boolean' ? { firstAcquirer: m.first_acquirer } : {}),
        });
        ctx.delivery?.accept();
        if (got.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      });
      receiver.addCredit(count);
    });
    return got;
  } finally {
    await c.close();
  }
}

/** A received message's payload as text (kit.ts `text` takes the bytes). */
export const text = (m: { value: Uint8Array }): string => new TextDecoder().decode(m.value);
