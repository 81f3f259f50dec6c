import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { KafkaConnection } from '../../../shared/node-kit/brokers';
import type { Logger } from '../../../shared/node-kit/runtime';

/**
 * What every Kafka client of the connector shares: building a kafkajs client from a
 * connection, routing kafkajs' own log lines into ours, classifying errors (retry or give up),
 * and the connection-state record each client keeps (backoff and sleep: ../backoff.ts).
 */

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopping' | 'closed';

/** Live state of one Kafka client (a consumer, producer or table), for logs, metrics and tests. */
export interface KafkaClientStats {
  kind: 'consumer' | 'producer' | 'table';
  /** Group (consumer), topic (producer, table). */
  name: string;
  brokers: string[];
  state: ConnectionState;
  /** Times the client lost its connection (or crashed) and started again. */
  reconnects: number;
  lastError?: string;
  /** Consumers: offset commits the broker confirmed; rebalances seen; deliveries nacked. */
  commits?: number;
  rebalances?: number;
  nacks?: number;
  /** Producers: messages the broker confirmed, and produce requests made (batches). */
  sent?: number;
  requests?: number;
}

/** Tunables of the connector; the defaults suit production, tests shorten some of them. */
export interface KafkaSettings {
  /** Consumer group session timeout (a dead member's partitions move after this). */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** How long the group waits for members to rejoin during a rebalance. */
  rebalanceTimeoutMs: number;
  /** Longest wait of one fetch request for data (also the idle poll interval). */
  maxWaitTimeMs: number;
  /** Settled offsets are committed at least this often. */
  commitIntervalMs: number;
  /** On stop and before a rebalance: longest wait for unsettled deliveries. Keep below rebalanceTimeoutMs. */
  drainTimeoutMs: number;
  /** On stop: longest wait for unsettled deliveries before committing what is settled and leaving. */
  stopDrainTimeoutMs: number;
  /** Pattern subscriptions look for new matching topics this often. */
  patternRefreshMs: number;
  /** Reconnect backoff: first delay and cap. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Producer flush gives up after this (the broker is down); the error names the unconfirmed count. */
  flushTimeoutMs: number;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  /** Retries kafkajs makes itself for one request before the connector's own backoff takes over. */
  clientRetries: number;
}

export const DEFAULT_SETTINGS: KafkaSettings = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 30_000,
  maxWaitTimeMs: 1_000,
  commitIntervalMs: 1_000,
  drainTimeoutMs: 15_000,
  stopDrainTimeoutMs: 60_000,
  patternRefreshMs: 30_000,
  backoffInitialMs: 250,
  backoffMaxMs: 30_000,
  flushTimeoutMs: 60_000,
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
  clientRetries: 5,
};

/** A kafkajs client for one connection; its log lines go to `log` (errors as warnings, warnings as info). */
export function kafkaClient(connection: KafkaConnection, settings: KafkaSettings, log: Logger, role: string): Kafka {
  if (!connection.brokers.length) throw new Error('the Kafka connection lists no brokers');
  const config: KafkaConfig = {
    brokers: connection.brokers,
    clientId: connection.clientId ?? 'sluice',
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    retry: { retries: settings.clientRetries },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, timestamp: _t, logger: _l, stack: _s, ...fields } = entry.log as Record<string, unknown> & { message: string };
      const line = `kafkajs ${entry.namespace}: ${message}`;
      const extra = { role, ...fields };
      if (entry.level === logLevel.ERROR) log.warn(line, extra);
      else if (entry.level === logLevel.WARN) log.info(line, extra);
      else log.debug(line, extra);
    },
  };
  if (connection.ssl) config.ssl = true;
  if (connection.sasl) {
    const { mechanism, username, password } = connection.sasl;
    config.sasl = { mechanism, username, password } as KafkaConfig['sasl'];
  }
  return new Kafka(config);
}

interface KafkaishError extends Error {
  type?: string;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
}

function chain(err: unknown): KafkaishError[] {
  const out: KafkaishError[] = [];
  let e: unknown = err;
  while (e instanceof Error && out.length < 8) {
    out.push(e as KafkaishError);
    e = (e as KafkaishError).cause ?? (e as KafkaishError).originalError;
  }
  return out;
}

const FATAL_TYPES = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'INVALID_TOPIC_EXCEPTION',
  'UNKNOWN_TOPIC_OR_PARTITION',
]);
const FATAL_NAMES = new Set(['KafkaJSSASLAuthenticationError', 'KafkaJSNotImplemented']);

/** Errors retrying cannot fix: refused credentials, missing rights, unknown topics. */
export function isFatal(err: unknown): boolean {
  return chain(err).some((e) => FATAL_NAMES.has(e.name) || (e.type !== undefined && FATAL_TYPES.has(e.type)));
}

/** Errors worth retrying the same request for: connection trouble, leader moves, timeouts. */
export function isRetriable(err: unknown): boolean {
  if (isFatal(err)) return false;
  return chain(err).some(
    (e) =>
      e.retriable === true ||
      /KafkaJS(Connection|ConnectionClosed|RequestTimeout|BrokerNotFound|NoBrokerAvailable|NumberOfRetriesExceeded|LockTimeout|StaleTopicMetadataAssignment|TopicMetadataNotLoaded)Error?$/.test(e.name) ||
      /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND/.test(e.message),
  );
}

export function isRebalancing(err: unknown): boolean {
  return chain(err).some((e) => e.type === 'REBALANCE_IN_PROGRESS' || e.type === 'NOT_COORDINATOR_FOR_GROUP' || e.type === 'ILLEGAL_GENERATION');
}

/** The most telling message of an error chain (kafkajs wraps the cause in "retries exceeded"). */
export function describeError(err: unknown): string {
  const all = chain(err);
  if (!all.length) return String(err);
  const names = all.map((e) => (e.type ? `${e.message} [${e.type}]` : e.message));
  return [...new Set(names)].join(': ');
}

/** A promise that resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** One Kafka header value as text: kafkajs gives Buffers, strings or (for repeated names) arrays; the last one wins. */
export function headerText(v: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return headerText(v[v.length - 1]);
  return typeof v === 'string' ? v : v.toString('utf8');
}

/** Records the state change and logs it once. */
export function setState(stats: KafkaClientStats, state: ConnectionState, log: Logger, fields: Record<string, unknown> = {}): void {
  if (stats.state === state) return;
  const from = stats.state;
  stats.state = state;
  const line = { kind: stats.kind, name: stats.name, brokers: stats.brokers.join(','), from, state, reconnects: stats.reconnects, ...fields };
  if (state === 'reconnecting') log.warn('kafka connection state', line);
  else log.info('kafka connection state', line);
}
