import type { RecordSchema } from '../schema/record-schema';
import type { BrokerServices } from './brokers';
import type { ExprResultType } from './hints';
import type { Message } from './message';

/**
 * What a node's `create()` returns, by role. Node code is written only against these interfaces
 * and the injected RuntimeContext, so the same module runs in the engine, in `runNode` tests and
 * in the designer's preview.
 *
 * Ownership rule: a processor never mutates `msg.value` it received. It returns new objects and
 * shares unchanged branches (copy on write), because the engine keeps the source record for
 * dead letters and may hand one message to several branches.
 */
export type NodeRuntime = SourceRuntime | ProcessorRuntime | SinkRuntime;

/** Called by the engine when every record derived from a source record has been settled. */
export interface Settlement {
  /** Every derived record was accepted by every sink it reached (or filtered, or dead-lettered). */
  ack(): void;
  /** The record could not be settled (dead-letter target failed, or the flow stopped first). */
  nack?(error: Error): void;
}

export interface SourceOutput {
  /** Aborted when the flow stops; a source stops emitting and returns from `run`. */
  readonly signal: AbortSignal;
  /**
   * Hands one record to the flow. Returns nothing while the flow has room, or a promise that
   * resolves once the bounded in-flight window has room again: sources must await it (this is
   * the backpressure). `settle` is called exactly once for the record.
   */
  emit(msg: Message, settle?: Settlement): void | Promise<void>;
  /**
   * Hands a record the source could not decode (bad JSON, wrong schema) straight to the flow's
   * dead-letter path with the reason, so nothing is lost. Awaitable like `emit`.
   */
  deadLetter(msg: Message, error: Error, settle?: Settlement): void | Promise<void>;
}

export interface SourceRuntime {
  role: 'source';
  /** Produces records until exhausted (resolve) or `out.signal` aborts (resolve promptly). */
  run(out: SourceOutput): Promise<void>;
  /** Releases connections; idempotent. */
  close?(): Promise<void>;
}

/** Sends a record out of the named output port. */
export type Emit = (port: string, msg: Message) => void;

export interface ProcessorRuntime {
  role: 'processor';
  /**
   * Handles one record, calling `emit` zero or more times. Synchronous processors return
   * nothing and are fused by the compiler into one function per path; asynchronous ones return a
   * promise that resolves after their last emit. A throw or rejection applies the node's error
   * policy (retry with backoff, then dead letter) to this record only.
   */
  process(msg: Message, emit: Emit): void | Promise<void>;
  close?(): Promise<void>;
}

export interface SinkRuntime {
  role: 'sink';
  /**
   * Accepts one record. Returns nothing when accepted at once, or a promise that resolves when
   * the record is accepted under the sink's guarantee (written, flushed, acknowledged by the
   * broker). A rejection applies the node's error policy.
   */
  write(msg: Message): void | Promise<void>;
  /** Resolves when everything accepted so far is persisted; called on drain. */
  flush?(): Promise<void>;
  close?(): Promise<void>;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The subset of WHATWG fetch nodes may use; the runtime injects the real one. */
export interface HttpClient {
  fetch(
    url: string,
    init?: {
      method?: string;
      headers?: Record<string, string>;
      signal?: AbortSignal;
      body?: string;
      /** Allow-listing nodes pass 'manual' so a redirect cannot lead past the allow-list. */
      redirect?: 'follow' | 'manual' | 'error';
    },
  ): Promise<{ status: number; ok: boolean; headers: { get(name: string): string | null }; text(): Promise<string> }>;
}

export interface CryptoProvider {
  /** HMAC-SHA256 of `data` under `key`, as lower-case hex. */
  hmacSha256(key: string, data: string): string;
  sha256(data: string): string;
}

export interface Appender {
  /** Appends text; resolves when it is written to the file (group-committed with others). */
  append(text: string): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface FileAccess {
  /** Resolves a path against the flow's folder (the working directory for CLI runs). */
  resolve(path: string): string;
  readText(path: string): Promise<string>;
  /** Lines of a text file, read in a stream; stops when `signal` aborts. */
  readLines(path: string, signal?: AbortSignal): AsyncIterable<string>;
  /** Opens (creates) a file for appending; `rotateBytes` starts `name.1`, `name.2`… when exceeded. */
  openAppender(path: string, options?: { rotateBytes?: number; maxFiles?: number }): Appender;
}

/** Stdout for `core.log`; injected so tests can capture it. */
export interface LineWriter {
  writeLine(line: string): void | Promise<void>;
}

export interface CompiledExpression {
  readonly source: string;
  /** CEL type of the result as type-checked, e.g. "bool", "string", "dyn". */
  readonly type: string;
  /**
   * Evaluates against one record (its top-level fields are the CEL variables; `record` is the
   * whole record). Integers come back as JS numbers. Throws ExpressionError on a runtime error
   * such as a missing field or a type mismatch in the data.
   */
  evaluate(record: unknown): unknown;
}

export interface ExpressionCompiler {
  /**
   * Parses and type-checks once against the node's input schema. Throws ExpressionError with
   * position and a plain-language message when invalid.
   */
  compile(source: string, options?: { resultType?: ExprResultType; configPath?: string }): CompiledExpression;
}

export interface ResourceAccess {
  /** The resolved config of a flow resource by id and expected type; throws if missing. */
  get<T = Record<string, unknown>>(id: string, type: string): T;
}

export interface RuntimeContext {
  readonly flowId: string;
  readonly nodeId: string;
  readonly log: Logger;
  readonly clock: Clock;
  readonly http: HttpClient;
  readonly crypto: CryptoProvider;
  readonly files: FileAccess;
  readonly stdout: LineWriter;
  readonly expr: ExpressionCompiler;
  readonly resources: ResourceAccess;
  /** Kafka, NATS and AMQP, through the connectors; loaded on first use. */
  readonly brokers: BrokerServices;
  /** The schema of the records arriving at this node's `in` port, if known. */
  readonly inputSchema: RecordSchema;
  /** Aborted when the flow stops; long waits inside nodes should honour it. */
  readonly signal: AbortSignal;
}
