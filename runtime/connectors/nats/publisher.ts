import { JetStreamApiError } from '@nats-io/jetstream';
import { errors, headers as natsHeaders, type MsgHdrs, type NatsConnection as Nc } from '@nats-io/transport-node';
import type { BrokerProducer, NatsConnection, NatsPublishOptions, OutboundMessage } from '../../../shared/node-kit/brokers';
import type { Logger } from '../../../shared/node-kit/runtime';
import { NatsConfigError, serversLabel, type Lease, type Live, type NatsConnections } from './connections';

const encoder = new TextEncoder();
const STREAM_NOT_FOUND = 10059;
/** How long a JetStream publish waits for its PubAck. */
const PUB_ACK_TIMEOUT_MS = 10_000;
/** How long a send waits for a connection that is not open yet before it fails (and the engine retries it). */
const CONNECT_WAIT_MS = 20_000;

/**
 * Confirms core publishes with one PING/PONG round trip shared by every publish written before
 * it: concurrent sends wait for the same flush, later ones for the next.
 */
class Flusher {
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly nc: Nc) {}

  flush(): Promise<void> {
    if (!this.current) {
      this.current = this.nc.flush().finally(() => (this.current = undefined));
      return this.current;
    }
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.flush();
      });
    return this.next;
  }
}

const flushers = new WeakMap<Nc, Flusher>();

function flusher(nc: Nc): Flusher {
  let f = flushers.get(nc);
  if (!f) flushers.set(nc, (f = new Flusher(nc)));
  return f;
}

function toHeaders(record: Record<string, string> | undefined): MsgHdrs | undefined {
  if (!record) return undefined;
  const keys = Object.keys(record);
  if (keys.length === 0) return undefined;
  const h = natsHeaders();
  for (const k of keys) h.set(k, record[k] as string);
  return h;
}

/**
 * Publishes to one subject.
 *
 * - `jetstream`: each send resolves on the stream's PubAck (the message is stored). `id`
 *   becomes the `Nats-Msg-Id` header: the stream drops a second message with the same id
 *   within its duplicate window (2 minutes by default) and still acks it, so a retried or
 *   replayed send stores the message once. No stream for the subject rejects the send with a
 *   message saying so; with `createStream` the stream of that name is created for the subject
 *   (or the subject added to it) first, for tests and demos.
 * - `core`: **at most once**. A send resolves when the server has received the message (a
 *   flush round trip shared by concurrent sends), which says nothing about subscribers: a
 *   message nobody listens to is gone. `id` is ignored.
 * - Sends wait for the (shared) connection, which is opened with jittered exponential backoff,
 *   for up to 20 s and then fail (the engine's retry policy takes over; the connection keeps
 *   being tried); a connection refused for its credentials rejects with NatsConfigError. A
 *   JetStream send waits at most 10 s for its PubAck, so every send settles in bounded time.
 * - `flush` resolves once every send so far has settled; `close` fails sends still waiting for
 *   a connection, waits for the others, then releases the connection. Both are idempotent.
 */
export class NatsPublisher implements BrokerProducer {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly lease: Lease;
  private closed = false;
  private readonly closeAbort = new AbortController();
  private closing: Promise<void> | undefined;
  private streamReady: Promise<void> | undefined;
  private duplicates = 0;

  constructor(
    pool: NatsConnections,
    private readonly log: Logger,
    private readonly connection: NatsConnection,
    private readonly options: NatsPublishOptions,
  ) {
    this.lease = pool.lease(connection, `NATS publisher to "${options.subject}"`);
  }

  send(message: OutboundMessage): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`NATS publisher to "${this.options.subject}" is closed`));
    const p = this.publish(message);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  close(): Promise<void> {
    this.closed = true;
    this.closeAbort.abort();
    this.closing ??= this.flush().finally(() => this.lease.release());
    return this.closing;
  }

  private async open(): Promise<Live> {
    const timeout = AbortSignal.timeout(CONNECT_WAIT_MS);
    try {
      return await this.lease.connection(AbortSignal.any([this.closeAbort.signal, timeout]));
    } catch (err) {
      if (timeout.aborted && !this.closeAbort.signal.aborted) {
        throw new Error(`NATS ${serversLabel(this.connection.servers)} not reachable for ${CONNECT_WAIT_MS / 1000} s; still trying to connect`, { cause: err });
      }
      throw err;
    }
  }

  private async publish(message: OutboundMessage): Promise<void> {
    const live = await this.open();
    const data = typeof message.value === 'string' ? encoder.encode(message.value) : message.value;
    const headers = toHeaders(message.headers);
    const { subject } = this.options;
    if (this.options.mode === 'core') {
      live.nc.publish(subject, data, headers ? { headers } : undefined);
      await flusher(live.nc).flush();
      return;
    }
    if (this.options.createStream) await this.ensureStream(live, this.options.createStream);
    let ack;
    try {
      ack = await live.js.publish(subject, data, {
        ...(headers ? { headers } : {}),
        ...(message.id ? { msgID: message.id } : {}),
        timeout: PUB_ACK_TIMEOUT_MS,
      });
    } catch (err) {
      if (err instanceof errors.RequestError && err.isNoResponders()) {
        throw new Error(`no JetStream stream on ${serversLabel(this.connection.servers)} stores subject "${subject}": create a stream for it (or publish in core mode)`, { cause: err });
      }
      throw err;
    }
    if (ack.duplicate) {
      this.duplicates++;
      this.log.debug('JetStream dropped a duplicate (same Nats-Msg-Id)', { subject, stream: ack.stream, id: message.id, duplicates: this.duplicates });
    }
  }

  /** Creates stream `name` for the subject, or adds the subject to it, unless a stream already stores it. */
  private ensureStream(live: Live, name: string): Promise<void> {
    this.streamReady ??= (async () => {
      const { subject } = this.options;
      const jsm = await live.jsm();
      try {
        await jsm.streams.find(subject);
        return;
      } catch (err) {
        if (!/no stream matches/.test((err as Error).message) && !(err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND)) throw err;
      }
      let existing;
      try {
        existing = await jsm.streams.info(name);
      } catch (err) {
        if (!(err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND)) throw err;
      }
      try {
        if (existing) {
          await jsm.streams.update(name, { ...existing.config, subjects: [...(existing.config.subjects ?? []), subject] });
          this.log.info('JetStream stream now also stores the subject', { stream: name, subject });
        } else {
          await jsm.streams.add({ name, subjects: [subject] });
          this.log.info('JetStream stream created', { stream: name, subject });
        }
      } catch (err) {
        if (err instanceof JetStreamApiError && err.status === 400) {
          throw new NatsConfigError(`cannot create JetStream stream "${name}" for subject "${subject}": ${err.message}`, { cause: err });
        }
        throw err;
      }
    })().catch((err: unknown) => {
      this.streamReady = undefined;
      throw err;
    });
    return this.streamReady;
  }
}
