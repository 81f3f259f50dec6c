import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, errors, type NatsConnection as Nc, type Status } from '@nats-io/transport-node';
import type { NatsConnection } from '../../../shared/node-kit/brokers';
import type { Logger } from '../../../shared/node-kit/runtime';
import { backoffDelay, jitteredBackoff, sleep } from '../backoff';

/**
 * Shared NATS connections. Every consumer and publisher of one service that names the same
 * servers and credentials shares one socket (a NATS connection multiplexes any number of
 * subscriptions and publishes), counted by leases: the first lease that needs the socket opens
 * it, the last lease released drains and closes it.
 *
 * Connecting: the first connect is retried here with jittered exponential backoff for as long
 * as some lease still wants the connection; an authentication refusal is not retried (it
 * rejects with NatsConfigError, naming the servers). Once connected, the client library
 * reconnects on its own, without a limit on attempts and with the same kind of backoff; every
 * state change is logged and counted (see `stats`). A connection the library gives up on
 * (closed by the server or an authentication refusal during reconnect) is dropped, and the
 * next `connection()` call opens a new one.
 */

/** A problem retrying cannot fix: refused credentials, a missing stream, a conflicting durable. */
export class NatsConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NatsConfigError';
  }
}

/** Thrown by `connection()` when its signal aborted or its lease was released while waiting. */
export class NatsAbortedError extends Error {
  constructor(what: string) {
    super(`${what}: stopped before the NATS connection was open`);
    this.name = 'AbortError';
  }
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface NatsConnectionStats {
  /** The servers as configured, without credentials. */
  servers: string;
  state: ConnectionState;
  /** Leases (consumers and publishers) currently sharing the connection. */
  users: number;
  /** Successful first connects (a dropped connection opened again counts again). */
  connects: number;
  /** First connects that failed and were retried. */
  failedConnects: number;
  disconnects: number;
  reconnects: number;
}

export interface Live {
  nc: Nc;
  js: JetStreamClient;
  /** The JetStream management API; created on first use (it asks the server once). */
  jsm(): Promise<JetStreamManager>;
}

export interface Lease {
  /**
   * The open connection, connecting first if needed (shared with every other lease on the
   * same servers). Rejects with NatsConfigError when the credentials are refused, and with an
   * AbortError when `signal` aborts or the lease is released first.
   */
  connection(signal?: AbortSignal): Promise<Live>;
  /** Idempotent. The last lease on a connection drains it (flushing pending acks) and closes it. */
  release(): Promise<void>;
}

export interface ConnectionTuning {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Connect timeout per attempt. */
  timeoutMs?: number;
  /** Name the server shows for the client (`nats server report connections`). */
  clientName?: string;
}

export class NatsConnections {
  private readonly entries = new Map<string, Entry>();
  private readonly closedStats: NatsConnectionStats[] = [];

  constructor(
    private readonly log: Logger,
    private readonly tuning: ConnectionTuning = {},
  ) {}

  lease(connection: NatsConnection, owner: string): Lease {
    const key = JSON.stringify([connection.servers, connection.user ?? '', connection.pass ?? '', connection.token ?? '']);
    let entry = this.entries.get(key);
    if (!entry) {
      const created: Entry = new Entry(connection, this.log, this.tuning, {
        // Removed at once when unused, so a new lease never joins a connection being drained.
        unused: () => {
          if (this.entries.get(key) === created) this.entries.delete(key);
        },
        closed: () => {
          this.closedStats.push(created.stats());
          if (this.closedStats.length > 50) this.closedStats.shift();
        },
      });
      entry = created;
      this.entries.set(key, entry);
    }
    return entry.lease(owner);
  }

  /** Live connections first, then recently closed ones; cheap enough to poll for metrics. */
  stats(): NatsConnectionStats[] {
    return [...[...this.entries.values()].map((e) => e.stats()), ...this.closedStats];
  }
}

/** `nats://user:secret@host:4222` → `nats://host:4222`, so logs never show credentials. */
export function serversLabel(servers: readonly string[]): string {
  return servers.map((s) => s.replace(/\/\/[^@/]*@/, '//')).join(',');
}

function isAuthError(err: unknown): boolean {
  return err instanceof errors.AuthorizationError || err instanceof errors.UserAuthenticationExpiredError;
}

class Entry {
  private refs = 0;
  private readonly label: string;
  private current: Promise<Live> | undefined;
  private live: Live | undefined;
  private state: ConnectionState = 'idle';
  private counts = { connects: 0, failedConnects: 0, disconnects: 0, reconnects: 0 };
  /** Aborted when the last lease goes: stops a connect loop nobody waits for any more. */
  private readonly unused = new AbortController();
  /** Reconnect tries since the connection was last up, and the delay drawn for that count. */
  private readonly reconnect = { tries: 0, delay: 0, drawnFor: 0 };
  private closing: Promise<void> | undefined;

  constructor(
    private readonly config: NatsConnection,
    private readonly log: Logger,
    private readonly tuning: ConnectionTuning,
    private readonly on: { unused(): void; closed(): void },
  ) {
    this.label = serversLabel(config.servers);
  }

  private get backoffOptions() {
    return { initialMs: this.tuning.initialBackoffMs ?? 250, maxMs: this.tuning.maxBackoffMs ?? 15_000 };
  }

  stats(): NatsConnectionStats {
    return { servers: this.label, state: this.state, users: this.refs, ...this.counts };
  }

  lease(owner: string): Lease {
    this.refs++;
    let released = false;
    const leaseAbort = new AbortController();
    return {
      connection: (signal) => {
        if (released) return Promise.reject(new NatsAbortedError(owner));
        return this.connection(owner, signal ? AbortSignal.any([signal, leaseAbort.signal]) : leaseAbort.signal);
      },
      release: async () => {
        if (released) return this.closing ?? Promise.resolve();
        released = true;
        leaseAbort.abort();
        if (--this.refs === 0) {
          this.on.unused();
          await this.close();
        }
      },
    };
  }

  private connection(owner: string, signal: AbortSignal): Promise<Live> {
    if (signal.aborted || this.closing) return Promise.reject(new NatsAbortedError(owner));
    this.current ??= this.connectLoop();
    const attempt = this.current;
    return new Promise<Live>((resolve, reject) => {
      const onAbort = () => reject(new NatsAbortedError(owner));
      signal.addEventListener('abort', onAbort, { once: true });
      attempt.then(
        (live) => {
          signal.removeEventListener('abort', onAbort);
          resolve(live);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  private async connectLoop(): Promise<Live> {
    const backoff = jitteredBackoff(this.backoffOptions);
    for (;;) {
      if (this.unused.signal.aborted) throw new NatsAbortedError(`NATS ${this.label}`);
      this.setState('connecting');
      try {
        const nc = await connect({
          servers: this.config.servers,
          ...(this.config.user !== undefined ? { user: this.config.user, pass: this.config.pass } : {}),
          ...(this.config.token !== undefined ? { token: this.config.token } : {}),
          name: this.tuning.clientName ?? 'sluice',
          timeout: this.tuning.timeoutMs ?? 5_000,
          maxReconnectAttempts: -1,
          reconnectDelayHandler: () => this.reconnectDelay(),
          pingInterval: 20_000,
          maxPingOut: 3,
        });
        this.counts.connects++;
        this.setState('connected', { server: nc.getServer(), failedAttempts: backoff.attempts });
        const live = this.open(nc);
        if (this.unused.signal.aborted) {
          await nc.close().catch(() => undefined);
          throw new NatsAbortedError(`NATS ${this.label}`);
        }
        return live;
      } catch (err) {
        if (err instanceof NatsAbortedError) {
          this.current = undefined;
          throw err;
        }
        if (isAuthError(err)) {
          this.current = undefined;
          this.setState('closed');
          throw new NatsConfigError(`NATS ${this.label} refused the connection: ${(err as Error).message} (check the user and password or token of the connection)`, { cause: err });
        }
        this.counts.failedConnects++;
        const wait = backoff.next();
        this.log.warn('NATS connection failed; retrying', { servers: this.label, attempt: backoff.attempts, retryInMs: wait, error: (err as Error).message });
        await sleep(wait, this.unused.signal);
      }
    }
  }

  private open(nc: Nc): Live {
    let jsm: Promise<JetStreamManager> | undefined;
    const live: Live = {
      nc,
      js: jetstream(nc, { timeout: 10_000 }),
      jsm: () => {
        jsm ??= jetstreamManager(nc, { timeout: 10_000 }).catch((err: unknown) => {
          jsm = undefined;
          throw err;
        });
        return jsm;
      },
    };
    this.live = live;
    void this.watch(nc);
    void nc.closed().then((err) => {
      if (this.live !== live) return;
      this.live = undefined;
      this.current = undefined;
      this.setState('closed');
      if (this.refs > 0 && !this.closing) {
        this.log.error('NATS connection closed by the client library; it is opened again on next use', {
          servers: this.label,
          error: err instanceof Error ? err.message : 'closed',
        });
      }
    });
    return live;
  }

  private async watch(nc: Nc): Promise<void> {
    const fields = { servers: this.label };
    try {
      for await (const s of nc.status() as AsyncIterable<Status>) {
        switch (s.type) {
          case 'disconnect':
            this.counts.disconnects++;
            this.setState('reconnecting', { server: s.server });
            break;
          case 'reconnecting':
            this.reconnect.tries++;
            this.log.debug('NATS reconnect attempt', { ...fields, attempt: this.reconnect.tries });
            break;
          case 'reconnect':
            this.counts.reconnects++;
            this.reconnect.tries = 0;
            this.setState('connected', { server: s.server, reconnects: this.counts.reconnects });
            break;
          case 'error':
            this.log.warn('NATS server reported an error', { ...fields, error: s.error.message });
            break;
          case 'ldm':
            this.log.info('NATS server entering lame duck mode; the client moves to another server', { ...fields, server: s.server });
            break;
          case 'staleConnection':
            this.log.warn('NATS connection stale (no answer to pings); reconnecting', fields);
            break;
          case 'slowConsumer':
            this.log.warn('NATS slow consumer: messages pile up in a subscription', { ...fields, pending: s.pending });
            break;
          case 'forceReconnect':
            this.log.info('NATS reconnect forced', fields);
            break;
          case 'update':
            this.log.debug('NATS cluster servers changed', { ...fields, added: s.added, deleted: s.deleted });
            break;
          default:
            break;
        }
      }
    } catch (err) {
      this.log.warn('NATS status stream ended with an error', { ...fields, error: (err as Error).message });
    }
  }

  /**
   * Called by the client library before every reconnect try: the jittered delay for the number
   * of tries since the connection was last up (stable within one try, so the library's
   * "wait at least this long since the last try" check converges).
   */
  private reconnectDelay(): number {
    const r = this.reconnect;
    if (r.tries === 0) return 0;
    if (r.drawnFor !== r.tries) {
      r.delay = backoffDelay(r.tries, this.backoffOptions);
      r.drawnFor = r.tries;
    }
    return r.delay;
  }

  private setState(state: ConnectionState, fields: Record<string, unknown> = {}): void {
    if (this.state === state) return;
    const from = this.state;
    this.state = state;
    const line = { servers: this.label, from, to: state, ...this.counts, ...fields };
    if (state === 'reconnecting') this.log.warn('NATS connection state', line);
    else this.log.info('NATS connection state', line);
  }

  private close(): Promise<void> {
    this.closing ??= (async () => {
      this.unused.abort();
      const live = this.live;
      this.live = undefined;
      this.current = undefined;
      if (live && !live.nc.isClosed()) {
        try {
          await live.nc.drain();
        } catch (err) {
          this.log.warn('NATS drain failed; closing', { servers: this.label, error: (err as Error).message });
          await live.nc.close().catch(() => undefined);
        }
      }
      this.setState('closed');
      this.on.closed();
    })();
    return this.closing;
  }
}
