import type { BrokerServices } from '../../shared/node-kit/brokers';
import { brokerServices } from '../connectors';
import { createExpressionCompiler } from '../../shared/expr';
import type { DeadLetter, Message } from '../../shared/node-kit/message';
import type {
  Clock,
  HttpClient,
  LineWriter,
  Logger,
  NodeRuntime,
  RuntimeContext,
  Settlement,
  SourceOutput,
} from '../../shared/node-kit/runtime';
import { linkFlow, type LinkedFlow, type NodeCounters, type Step, type Track } from '../compiler/link';
import type { FlowPlan, PlanNode } from '../compiler/plan';
import { globalHttp, jsonLogger, nodeCrypto, nodeFiles, stdoutLines, systemClock } from './context';
import { defaultSecretResolver, resolveReferences, scrubbingLogger, SecretSet, type SecretResolver } from './secrets';

export interface StartOptions {
  /** Folder relative file paths in node configs resolve against; the working directory by default. */
  baseDir?: string;
  /** Values for `${env:NAME}`; `process.env` by default. Also read by the default secret resolver. */
  env?: Record<string, string | undefined>;
  /** Values for `${secret:NAME}`; `SLUICE_SECRET_<NAME>` or `SLUICE_SECRETS_DIR/<NAME>` by default. */
  secrets?: SecretResolver;
  /** Receives every log line, already scrubbed of secrets; JSON lines on stderr by default. */
  logger?: Logger;
  /** Where `core.log` writes; process stdout by default. */
  stdout?: LineWriter;
  http?: HttpClient;
  /** Kafka, NATS and AMQP connectors; the real ones (loaded on first use) by default. */
  brokers?: BrokerServices;
  /** Unsettled records each source may have in the flow before `emit` makes it wait. Default 1000. */
  maxInFlight?: number;
  /** Drives retry backoff and stop deadlines; the system clock by default. */
  clock?: Clock;
  /** Deadline of `stop()` without an argument and of the shutdown after a fatal error. Default 30s. */
  stopDeadlineMs?: number;
}

export interface SourceCounters {
  /** Records emitted (or dead-lettered) by the source and not yet settled. */
  inFlight: number;
  /** Records whose Settlement.ack was called. */
  acked: number;
  /** Records whose Settlement.nack was called (or would have been, for sources without nack). */
  nacked: number;
}

export interface FlowCounters {
  nodes: Record<string, NodeCounters>;
  sources: Record<string, SourceCounters>;
}

export interface RunSummary {
  flowId: string;
  /** `completed`: every source ended and all drained; `stopped`: stop() was called; `failed`: a fatal error. */
  outcome: 'completed' | 'stopped' | 'failed';
  /** The fatal error, when outcome is `failed`. */
  error?: Error;
  /** Records still unsettled when the stop deadline passed; each was nacked. */
  abandoned: number;
  counters: FlowCounters;
}

export interface RunningFlow {
  readonly flowId: string;
  /**
   * Resolves once every source has ended (or stop() was called), every record is settled, sinks
   * are flushed and every node is closed. Rejects with the fatal error after the same shutdown
   * when the flow failed: a record that could be neither delivered nor dead-lettered, a source
   * whose run() rejected, or a sink whose flush failed.
   */
  readonly done: Promise<RunSummary>;
  /**
   * Graceful stop: aborts the sources' signal, lets records already emitted finish (retries
   * included), flushes sinks and closes every node once. When `deadlineMs` (default
   * `stopDeadlineMs`) passes first, the unsettled records are nacked and counted as abandoned,
   * and nodes are closed anyway. Idempotent: later calls return the same summary (a shorter
   * deadline still applies). Resolves even after a fatal error (see `summary.error`).
   */
  stop(deadlineMs?: number): Promise<RunSummary>;
  /** A snapshot of the counters; cheap enough to poll for metrics. */
  counters(): FlowCounters;
}

/** Thrown (as `cause` of a nack or a fatal error) for records a stop deadline cut short. */
export class FlowStoppedError extends Error {
  constructor(flowId: string) {
    super(`flow "${flowId}" stopped before the record was settled`);
    this.name = 'FlowStoppedError';
  }
}

/**
 * Resolves config references, creates every node (sinks first, sources last) and starts the
 * sources. Resolves once the flow is running. Rejects, after closing whatever was created, when
 * a reference is missing (naming node and field), a node's create() fails, or a node returns a
 * runtime of the wrong role.
 */
export async function startFlow(plan: FlowPlan, options: StartOptions = {}): Promise<RunningFlow> {
  const env = options.env ?? process.env;
  const secrets = new SecretSet();
  const resolver = options.secrets ?? defaultSecretResolver(env);
  const rootLogger = options.logger ?? jsonLogger({}, (s) => secrets.scrub(s));
  const log = scrubbingLogger(rootLogger, secrets, { flow: plan.flowId });

  const nodeIds = plan.order;
  const resourceIds = Object.keys(plan.resources);
  const resolved = await resolveReferences<unknown>(
    [
      ...nodeIds.map((id) => {
        const n = plan.nodes[id] as PlanNode;
        return { owner: { kind: 'node' as const, id, def: n.def }, config: n.config };
      }),
      ...resourceIds.map((id) => ({ owner: { kind: 'resource' as const, id, def: plan.resources[id]?.def }, config: plan.resources[id]?.config })),
    ],
    env,
    resolver,
    secrets,
  );
  const configs = new Map(nodeIds.map((id, i) => [id, resolved[i]]));
  const resources = new Map(resourceIds.map((id, i) => [id, { type: plan.resources[id]?.type, config: resolved[nodeIds.length + i] }]));

  const run = new FlowRun(plan, options, log);
  const brokers = options.brokers ?? brokerServices(rootLogger);
  const runtimes: Record<string, NodeRuntime> = {};
  const created: string[] = [];
  try {
    for (const id of [...nodeIds].reverse()) {
      const node = plan.nodes[id] as PlanNode;
      const ctx: RuntimeContext = {
        flowId: plan.flowId,
        nodeId: id,
        log: scrubbingLogger(rootLogger, secrets, { flow: plan.flowId, node: id }),
        clock: run.clock,
        http: options.http ?? globalHttp,
        crypto: nodeCrypto,
        files: nodeFiles(options.baseDir ?? process.cwd()),
        stdout: options.stdout ?? stdoutLines,
        expr: createExpressionCompiler(node.inputSchema),
        brokers,
        resources: {
          get<T>(rid: string, type: string): T {
            const r = resources.get(rid);
            if (!r || r.type !== type) throw new Error(`node "${id}": the flow has no ${type} resource "${rid}"`);
            return r.config as T;
          },
        },
        inputSchema: node.inputSchema,
        signal: run.nodeSignal,
      };
      let runtime: NodeRuntime;
      try {
        runtime = await node.def.create(configs.get(id), ctx);
      } catch (err) {
        throw new Error(`node "${id}" (${node.type}) failed to start: ${secrets.scrub((err as Error).message ?? String(err))}`, { cause: err });
      }
      created.push(id);
      runtimes[id] = runtime;
      if (runtime?.role !== node.role) {
        throw new Error(`node "${id}" (${node.type}) is a ${node.def.category} but create() returned a ${runtime?.role ?? 'nothing'} runtime`);
      }
    }
  } catch (err) {
    for (const id of created) {
      await runtimes[id]?.close?.().catch((e: unknown) => log.warn('close after failed start failed', { node: id, error: e }));
    }
    throw err;
  }
  run.start(runtimes, secrets);
  return run.handle();
}

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

class SourceState {
  readonly live = new Set<Tracker>();
  acked = 0;
  nacked = 0;
  waiters: Array<() => void> = [];
  ended = false;
  constructor(
    readonly id: string,
    readonly max: number,
  ) {}
}

/** One source record: settled when the last piece of work derived from it is released. */
class Tracker implements Track {
  pending = 1;
  error: Error | undefined = undefined;
  constructor(
    readonly run: FlowRun,
    readonly source: SourceState,
    readonly original: Message,
    readonly settle: Settlement | undefined,
  ) {}

  hold(): void {
    this.pending++;
  }

  release(): void {
    if (--this.pending === 0) this.run.finished(this);
  }
}

class FlowRun {
  readonly clock: Clock;
  private readonly maxInFlight: number;
  private readonly stopDeadlineMs: number;
  private readonly sourceAbort = new AbortController();
  private readonly nodeAbort = new AbortController();
  private readonly hardStop = new AbortController();
  private readonly deadlineTimers = new AbortController();
  private readonly hardStopped: Promise<void>;
  private readonly sources = new Map<string, SourceState>();
  private runtimes: Record<string, NodeRuntime> = {};
  private linked!: LinkedFlow<Tracker>;
  private secrets = new SecretSet();
  private live = 0;
  private drainWaiters: Array<() => void> = [];
  private sourceRuns: Promise<void>[] = [];
  private stopping: Promise<RunSummary> | undefined;
  private stopRequested = false;
  /** Set once drained: sinks are flushing or closed, so no record may enter any more. */
  private closing = false;
  private fatalError: Error | undefined;
  private abandoned = 0;
  private resolveDone!: (s: RunSummary) => void;
  private rejectDone!: (e: Error) => void;
  private readonly done: Promise<RunSummary>;

  constructor(
    private readonly plan: FlowPlan,
    options: StartOptions,
    private readonly log: Logger,
  ) {
    this.clock = options.clock ?? systemClock;
    this.maxInFlight = options.maxInFlight ?? 1000;
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) throw new Error(`maxInFlight must be a whole number ≥ 1, not ${this.maxInFlight}`);
    this.stopDeadlineMs = options.stopDeadlineMs ?? 30_000;
    this.hardStopped = new Promise((resolve) => this.hardStop.signal.addEventListener('abort', () => resolve(), { once: true }));
    this.done = new Promise<RunSummary>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Callers that only ever use stop() must not crash the process with an unhandled rejection.
    this.done.catch(() => undefined);
  }

  get nodeSignal(): AbortSignal {
    return this.nodeAbort.signal;
  }

  start(runtimes: Record<string, NodeRuntime>, secrets: SecretSet): void {
    this.runtimes = runtimes;
    this.secrets = secrets;
    this.linked = linkFlow<Tracker>(this.plan, runtimes, { failed: (id, msg, t, err, attempt) => this.failed(id, msg, t, err, attempt) });
    for (const id of this.plan.sources) this.sources.set(id, new SourceState(id, this.maxInFlight));
    for (const id of this.plan.sources) {
      const state = this.sources.get(id) as SourceState;
      const runtime = runtimes[id];
      if (runtime?.role !== 'source') continue;
      const entry = this.linked.entry(id);
      const out: SourceOutput = {
        signal: this.sourceAbort.signal,
        emit: (msg, settle) => this.emit(state, entry, msg, settle),
        deadLetter: (msg, error, settle) => this.sourceDeadLetter(state, msg, error, settle),
      };
      this.sourceRuns.push(
        Promise.resolve()
          .then(() => runtime.run(out))
          .then(
            () => {
              state.ended = true;
              this.maybeComplete();
            },
            (err: unknown) => {
              state.ended = true;
              this.fatal(new Error(`source "${id}" failed: ${this.secrets.scrub(toError(err).message)}`, { cause: err }));
            },
          ),
      );
    }
    this.log.info('flow started', { nodes: this.plan.order.length, sources: this.plan.sources.length });
    this.maybeComplete();
  }

  handle(): RunningFlow {
    return {
      flowId: this.plan.flowId,
      done: this.done,
      stop: (deadlineMs) => {
        this.stopRequested = true;
        this.armDeadline(deadlineMs ?? this.stopDeadlineMs);
        return this.shutdown();
      },
      counters: () => this.snapshot(),
    };
  }

  private emit(source: SourceState, entry: Step<Tracker>, msg: Message, settle: Settlement | undefined): void | Promise<void> {
    const t = this.admit(source, msg, settle);
    if (!t) return;
    try {
      entry(msg, t, 1);
    } catch (err) {
      this.fail(t, toError(err), true);
    }
    t.release();
    if (source.live.size >= source.max) return this.room(source);
  }

  /**
   * A source's undecodable record: attempts is 1 in its dead letter, the source's one try at
   * decoding it.
   */
  private sourceDeadLetter(source: SourceState, msg: Message, error: Error, settle: Settlement | undefined): void | Promise<void> {
    const t = this.admit(source, msg, settle);
    if (!t) return;
    try {
      this.deadLetter(source.id, toError(error), 1, t);
    } catch (err) {
      this.fail(t, toError(err), true);
    }
    t.release();
    if (source.live.size >= source.max) return this.room(source);
  }

  private admit(source: SourceState, msg: Message, settle: Settlement | undefined): Tracker | undefined {
    if (this.hardStop.signal.aborted || this.closing) {
      const err = new FlowStoppedError(this.plan.flowId);
      source.nacked++;
      this.log.warn('record refused: the flow is shutting down', { node: source.id });
      this.callNack(source.id, settle, err);
      return undefined;
    }
    const t = new Tracker(this, source, msg, settle);
    source.live.add(t);
    this.live++;
    return t;
  }

  private room(source: SourceState): Promise<void> {
    if (this.hardStop.signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => source.waiters.push(resolve));
  }

  private wake(source: SourceState): void {
    if (source.waiters.length === 0) return;
    if (source.live.size >= source.max && !this.hardStop.signal.aborted) return;
    const waiters = source.waiters;
    source.waiters = [];
    for (const w of waiters) w();
  }

  /** Called by a Tracker when its last piece of work is released. */
  finished(t: Tracker): void {
    const source = t.source;
    if (!source.live.delete(t)) return;
    this.live--;
    if (t.error === undefined) {
      source.acked++;
      if (t.settle) {
        try {
          t.settle.ack();
        } catch (err) {
          this.log.error('source ack failed', { node: source.id, error: toError(err) });
        }
      }
    }
    this.wake(source);
    if (this.live === 0 && this.drainWaiters.length) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Nacks the source record once; a fatal failure also stops the flow. */
  private fail(t: Tracker, error: Error, fatal: boolean): void {
    if (t.error === undefined && t.source.live.has(t)) {
      t.error = error;
      t.source.nacked++;
      this.callNack(t.source.id, t.settle, error);
    }
    if (fatal) this.fatal(error);
  }

  private callNack(sourceId: string, settle: Settlement | undefined, error: Error): void {
    if (!settle?.nack) {
      this.log.error('record not settled and its source cannot be told (no nack)', { node: sourceId, error });
      return;
    }
    try {
      settle.nack(error);
    } catch (err) {
      this.log.error('source nack failed', { node: sourceId, error: toError(err) });
    }
  }

  private failed(nodeId: string, msg: Message, t: Tracker, error: unknown, attempt: number): void {
    const node = this.plan.nodes[nodeId] as PlanNode;
    const err = toError(error);
    const counters = this.linked.counters[nodeId] as NodeCounters;
    if (this.hardStop.signal.aborted) {
      this.fail(t, new FlowStoppedError(this.plan.flowId), false);
      return;
    }
    const { retry } = node.errors;
    // A dead-letter node is the last place a record can go: it retries until it succeeds or
    // the flow stops. Meanwhile its records hold their in-flight slots, so a down dead-letter
    // target pauses the sources instead of losing or dropping anything.
    const limit = node.deadLetterTarget ? Number.POSITIVE_INFINITY : retry.attempts;
    if (attempt <= limit) {
      counters.retries++;
      const delay = Math.min(retry.backoffMs * 2 ** Math.min(attempt - 1, 30), retry.maxBackoffMs);
      if (node.deadLetterTarget) {
        this.log.warn('dead-letter node failing; holding the record and pausing intake until it recovers', {
          node: nodeId,
          attempt,
          delayMs: delay,
          error: this.secrets.scrub(err.message),
        });
      } else {
        this.log.debug('retrying record', { node: nodeId, attempt, delayMs: delay, error: err.message });
      }
      t.hold();
      this.clock
        .sleep(delay, this.hardStop.signal)
        .then(() => {
          if (this.hardStop.signal.aborted) this.fail(t, new FlowStoppedError(this.plan.flowId), false);
          else this.linked.step(nodeId)(msg, t, attempt + 1);
        })
        .catch((e: unknown) => this.fail(t, toError(e), true))
        .finally(() => t.release());
      return;
    }
    this.deadLetter(nodeId, err, attempt, t);
  }

  private deadLetter(nodeId: string, err: Error, attempts: number, t: Tracker): void {
    const target = (this.plan.nodes[nodeId] as PlanNode).errors.deadLetter;
    const message = this.secrets.scrub(err.message);
    if (target === undefined) {
      const failure = new Error(
        `node "${nodeId}" failed on a record after ${attempts} attempt(s) and the flow has no dead-letter node, so the flow stops: ${message}`,
        { cause: err },
      );
      this.fail(t, failure, true);
      return;
    }
    (this.linked.counters[nodeId] as NodeCounters).deadLettered++;
    this.log.warn('record dead-lettered', { node: nodeId, attempts, deadLetter: target, error: message });
    const o = t.original;
    const original: DeadLetter['original'] = { value: o.value };
    if (o.key !== undefined) original.key = o.key;
    if (o.headers !== undefined) original.headers = o.headers;
    if (o.meta !== undefined) original.meta = o.meta;
    if (o.raw !== undefined) original.raw = o.raw;
    const letter: DeadLetter = {
      flowId: this.plan.flowId,
      nodeId,
      error: { name: err.name, message },
      attempts,
      failedAt: new Date(this.clock.now()).toISOString(),
      original,
    };
    this.linked.step(target)({ ...original, value: letter }, t, 1);
  }

  private fatal(error: Error): void {
    if (this.fatalError) return;
    this.fatalError = error;
    this.log.error('flow failed', { error: error.message });
    this.armDeadline(this.stopDeadlineMs);
    void this.shutdown();
  }

  private maybeComplete(): void {
    if (this.stopping) return;
    for (const s of this.sources.values()) if (!s.ended) return;
    void this.shutdown();
  }

  private armDeadline(ms: number): void {
    if (!Number.isFinite(ms)) return;
    void this.clock.sleep(Math.max(0, ms), this.deadlineTimers.signal).then(() => {
      if (!this.deadlineTimers.signal.aborted) this.expire();
    });
  }

  /** The stop deadline passed: nack what is left so nothing waits forever. */
  private expire(): void {
    if (this.hardStop.signal.aborted) return;
    this.hardStop.abort();
    this.nodeAbort.abort();
    const err = new FlowStoppedError(this.plan.flowId);
    for (const source of this.sources.values()) {
      for (const t of [...source.live]) {
        this.fail(t, err, false);
        source.live.delete(t);
        this.live--;
        this.abandoned++;
      }
      this.wake(source);
    }
    if (this.abandoned) this.log.warn('stop deadline passed; unsettled records were nacked', { abandoned: this.abandoned });
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private drained(): Promise<void> {
    if (this.live === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private shutdown(): Promise<RunSummary> {
    this.stopping ??= this.drainAndClose();
    return this.stopping;
  }

  private async drainAndClose(): Promise<RunSummary> {
    this.sourceAbort.abort();
    await Promise.race([Promise.allSettled(this.sourceRuns), this.hardStopped]);
    await this.drained();
    this.closing = true;
    this.deadlineTimers.abort();
    this.nodeAbort.abort();
    for (const id of this.plan.order) {
      const runtime = this.runtimes[id];
      if (runtime?.role !== 'sink' || !runtime.flush) continue;
      try {
        await runtime.flush();
      } catch (err) {
        const failure = new Error(`sink "${id}" failed to flush: ${this.secrets.scrub(toError(err).message)}`, { cause: err });
        this.log.error('flush failed', { node: id, error: failure.message });
        this.fatalError ??= failure;
      }
    }
    for (const id of this.plan.order) {
      try {
        await this.runtimes[id]?.close?.();
      } catch (err) {
        this.log.warn('close failed', { node: id, error: toError(err) });
      }
    }
    const summary = this.summary();
    this.log.info('flow ended', { outcome: summary.outcome, abandoned: summary.abandoned });
    if (this.fatalError) this.rejectDone(this.fatalError);
    else this.resolveDone(summary);
    return summary;
  }

  private summary(): RunSummary {
    const outcome = this.fatalError ? 'failed' : this.stopRequested ? 'stopped' : 'completed';
    return {
      flowId: this.plan.flowId,
      outcome,
      ...(this.fatalError ? { error: this.fatalError } : {}),
      abandoned: this.abandoned,
      counters: this.snapshot(),
    };
  }

  private snapshot(): FlowCounters {
    const nodes: Record<string, NodeCounters> = {};
    for (const [id, c] of Object.entries(this.linked?.counters ?? {})) nodes[id] = { ...c };
    const sources: Record<string, SourceCounters> = {};
    for (const [id, s] of this.sources) sources[id] = { inFlight: s.live.size, acked: s.acked, nacked: s.nacked };
    return { nodes, sources };
  }
}
