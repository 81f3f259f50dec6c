import { randomBytes } from 'node:crypto';
import { Connection, ConnectionEvents, SessionEvents, type ConnectionOptions, type EventContext, type Session } from 'rhea-promise';
import type { AmqpConnection } from '../../../shared/node-kit/brokers';
import type { Logger } from '../../../shared/node-kit/runtime';

/**
 * Opening AMQP 1.0 connections for the receiver and the sender: URL parsing, SASL, TLS, the
 * RabbitMQ virtual host, and one "generation" (connection + session) whose loss is observed on
 * every level (socket, connection, session, link) and reported once. Reconnecting is the
 * caller's loop (receiver.ts, sender.ts); rhea's own reconnect is off so that every attempt is
 * logged and counted here.
 */

export interface AmqpTuning {
  /** First reconnect delay; doubles per failed attempt (jittered). Default 250 ms. */
  initialBackoffMs?: number;
  /** Upper bound of the reconnect delay. Default 15 s. */
  maxBackoffMs?: number;
  /** Deadline for opening a connection, a session or a link. Default 15 s. */
  operationTimeoutMs?: number;
  /** Heartbeat: the broker must send something this often or the connection counts as lost. Default 30 s. */
  idleTimeoutMs?: number;
}

export const TUNING_DEFAULTS: Required<AmqpTuning> = {
  initialBackoffMs: 250,
  maxBackoffMs: 15_000,
  operationTimeoutMs: 15_000,
  idleTimeoutMs: 30_000,
};

/** A problem retrying cannot fix: a bad URL, refused credentials, a missing queue, no permission. */
export class AmqpConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AmqpConfigError';
  }
}

/** An error condition the broker sent in a close, end or detach frame. */
export class AmqpRemoteError extends Error {
  constructor(
    readonly condition: string,
    description: string | undefined,
    where: string,
  ) {
    super(`${where}: ${condition}${description ? ` (${description})` : ''}`);
    this.name = 'AmqpRemoteError';
  }
}

export interface Endpoint {
  options: ConnectionOptions;
  /** scheme://host:port (and vhost), without credentials: what logs and errors show. */
  display: string;
}

/**
 * Connection options from a Sluice AMQP connection. `vhost` becomes the open frame's hostname
 * `vhost:<name>` (RabbitMQ's convention; other brokers ignore it). Without a user the connector
 * authenticates with SASL ANONYMOUS. Throws AmqpConfigError for a URL it cannot use.
 */
export function endpointOf(c: AmqpConnection, tuning: Required<AmqpTuning>): Endpoint {
  let url: URL;
  try {
    url = new URL(c.url.trim());
  } catch {
    throw new AmqpConfigError(`"${redactUrl(c.url)}" is not a URL: write amqp://host:5672 or amqps://host:5671`);
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'amqp' && scheme !== 'amqps') {
    throw new AmqpConfigError(`"${redactUrl(c.url)}" is not an AMQP URL: it must start with amqp:// or amqps://`);
  }
  const tls = scheme === 'amqps';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new AmqpConfigError(`"${redactUrl(c.url)}" names no host`);
  const port = url.port ? Number(url.port) : tls ? 5671 : 5672;
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const common = {
    host,
    port,
    reconnect: false,
    container_id: `sluice-${randomBytes(6).toString('hex')}`,
    idle_time_out: tuning.idleTimeoutMs,
    operationTimeoutInSeconds: tuning.operationTimeoutMs / 1000,
    properties: { product: 'sluice' },
    // With a user: SASL PLAIN; without: SASL ANONYMOUS (rhea picks ANONYMOUS for a user without password).
    username: username || 'anonymous',
    ...(username ? { password } : {}),
    ...(c.vhost ? { hostname: `vhost:${c.vhost}` } : {}),
  };
  const options: ConnectionOptions = tls ? { ...common, transport: 'tls' } : { ...common, transport: 'tcp' };
  const display = `${scheme}://${url.host}${c.vhost ? ` (vhost ${c.vhost})` : ''}`;
  return { options, display };
}

/** The URL with any password replaced by `***`, for messages. */
export function redactUrl(raw: string): string {
  return raw.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/** What the broker said about itself in its open frame. */
export interface BrokerInfo {
  product?: string;
  version?: string;
}

/**
 * Whether the broker is known to refuse the `modified` outcome: RabbitMQ 3.x's AMQP 1.0 plugin
 * answers it with `amqp:invalid-field` ("Unrecognised state") and ends the session. RabbitMQ 4
 * (native AMQP 1.0) accepts it.
 */
export function refusesModified(info: BrokerInfo): boolean {
  return isRabbitMq3(info);
}

/** RabbitMQ before 4.0, i.e. the `rabbitmq_amqp1_0` plugin. */
export function isRabbitMq3(info: BrokerInfo): boolean {
  if (info.product !== 'RabbitMQ') return false;
  const major = Number(/^(\d+)\./.exec(info.version ?? '')?.[1]);
  return !Number.isFinite(major) || major < 4;
}

const CONFIG_CONDITIONS = new Set([
  'amqp:unauthorized-access',
  'amqp:not-found',
  'amqp:not-allowed',
  'amqp:not-implemented',
  'amqp:invalid-field',
  'amqp:precondition-failed',
]);

/** Conditions that mean "this will not work until someone changes something", even on a running link. */
const FATAL_WHEN_RUNNING = new Set(['amqp:unauthorized-access', 'amqp:not-found']);

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The AMQP condition of an error (rhea errors, rhea-promise errors, AmqpRemoteError), if any. */
export function conditionOf(err: unknown): string | undefined {
  const c = (err as { condition?: unknown } | undefined)?.condition;
  return typeof c === 'string' ? c : undefined;
}

/**
 * Whether retrying cannot fix `err`. While opening (connection, session, link), refused
 * credentials or permissions, a missing node (queue) and attach-time field errors are final,
 * as are TLS certificate problems; on a running link only refused access and a missing queue.
 */
export function isConfigProblem(err: unknown, phase: 'open' | 'running'): boolean {
  if (err instanceof AmqpConfigError) return true;
  const condition = conditionOf(err);
  if (condition && (phase === 'open' ? CONFIG_CONDITIONS : FATAL_WHEN_RUNNING).has(condition)) return true;
  const code = (err as { code?: unknown } | undefined)?.code;
  return phase === 'open' && typeof code === 'string' && TLS_CODES.has(code);
}

/** Any thrown or emitted thing as an Error with a readable message (AMQP errors arrive as plain objects). */
export function asError(err: unknown, where: string): Error {
  if (err instanceof Error) {
    const condition = conditionOf(err);
    if (condition && !err.message.includes(condition)) {
      const e = new AmqpRemoteError(condition, err.message, where);
      e.cause = err;
      return e;
    }
    return err;
  }
  if (err && typeof err === 'object') {
    const o = err as { condition?: unknown; description?: unknown; message?: unknown };
    if (typeof o.condition === 'string') return new AmqpRemoteError(o.condition, typeof o.description === 'string' ? o.description : undefined, where);
    if (typeof o.message === 'string') return new Error(`${where}: ${o.message}`);
  }
  return new Error(`${where}: ${err === undefined ? 'closed without an error' : String(err)}`);
}

/**
 * One connection with one session. `lost` resolves (once) with the first reason the
 * connection, the session or a watched link went away, whoever noticed first; after that
 * nothing on this generation can be settled or sent any more.
 */
export class Generation {
  readonly lost: Promise<Error>;
  private lostReason: Error | undefined;
  private resolveLost!: (e: Error) => void;
  private closed = false;
  session!: Session;
  broker: BrokerInfo = {};

  private constructor(
    readonly connection: Connection,
    readonly display: string,
    private readonly log: Logger,
  ) {
    this.lost = new Promise((resolve) => (this.resolveLost = resolve));
    connection.on(ConnectionEvents.disconnected, (ctx: EventContext) => this.markLost(ctx.error ?? ctx.connection?.error, 'connection lost'));
    connection.on(ConnectionEvents.connectionError, (ctx: EventContext) => this.markLost(ctx.connection?.error, 'connection error'));
    connection.on(ConnectionEvents.connectionClose, (ctx: EventContext) => this.markLost(ctx.connection?.error, 'connection closed by the broker'));
    // rhea reports frames it cannot process (e.g. a transfer that crossed our detach while
    // closing) as `error`/`protocol_error` and then drops the socket. Unobserved, the `error`
    // event would crash the process.
    const failed = (ctx: EventContext, what: string) => {
      // For these events rhea passes the Error itself where other events pass a context.
      const raw = ctx._context as unknown;
      const reason = raw instanceof Error ? raw : (ctx.error ?? ctx._context?.error);
      if (this.closed) {
        this.log.debug(`AMQP ${what} while closing; the broker gives back what was not settled`, { broker: this.display, error: asError(reason, what).message });
        return;
      }
      this.markLost(reason, what);
    };
    connection.on(ConnectionEvents.error, (ctx: EventContext) => failed(ctx, 'connection failed'));
    connection.on(ConnectionEvents.protocolError, (ctx: EventContext) => failed(ctx, 'protocol error'));
  }

  /**
   * Opens connection and session. Rejects with the broker's reason (see isConfigProblem for
   * which reasons are final), with an AbortError when `signal` aborts first, or after the
   * operation timeout.
   */
  static async open(endpoint: Endpoint, signal: AbortSignal, log: Logger): Promise<Generation> {
    const connection = new Connection(endpoint.options);
    const g = new Generation(connection, endpoint.display, log);
    try {
      await connection.open({ abortSignal: signal });
      const props = (connection.properties ?? {}) as Record<string, unknown>;
      g.broker = {
        ...(typeof props.product === 'string' ? { product: props.product } : {}),
        ...(typeof props.version === 'string' ? { version: props.version } : {}),
      };
      g.session = await g.race(connection.createSession({ abortSignal: signal }), 'opening a session');
      g.session.on(SessionEvents.sessionError, (ctx: EventContext) => g.markLost(ctx.session?.error, 'session error'));
      g.session.on(SessionEvents.sessionClose, (ctx: EventContext) => g.markLost(ctx.session?.error, 'session ended by the broker'));
      return g;
    } catch (err) {
      await g.close();
      throw asError(err, 'cannot connect');
    }
  }

  /** True once the generation is lost or closed. */
  get dead(): boolean {
    return this.lostReason !== undefined || this.closed;
  }

  get reason(): Error | undefined {
    return this.lostReason;
  }

  /**
   * Waits for `p` unless the generation is lost first: RabbitMQ answers an attach to a missing
   * queue by ending the session, which rhea-promise only reports as a timeout.
   */
  async race<T>(p: Promise<T>, what: string): Promise<T> {
    let lostFirst = false;
    const result = await Promise.race([
      p,
      this.lost.then((reason) => {
        lostFirst = true;
        return reason;
      }),
    ]);
    if (lostFirst) {
      // `p` fails or times out too now; the loss is the reason worth reporting.
      p.catch(() => undefined);
      throw asError(result, what);
    }
    return result as T;
  }

  markLost(reason: unknown, what: string): void {
    if (this.lostReason || this.closed) return;
    this.lostReason = asError(reason, what);
    this.resolveLost(this.lostReason);
  }

  /** Closes the connection (and with it session and links); idempotent, never rejects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.resolveLost(this.lostReason ?? new Error('closed'));
    try {
      await this.connection.close();
    } catch (err) {
      // The connection is unusable either way; rhea drops the socket once the close is sent.
      this.log.debug('AMQP connection did not close cleanly', { broker: this.display, error: asError(err, 'close').message });
    }
  }
}
