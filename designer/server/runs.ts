import { parseFlowText } from '../../shared/flow/migrate';
import type { Registry } from '../../shared/node-kit/registry';
import type { Logger } from '../../shared/node-kit/runtime';
import { compileFlow } from '../../runtime/compiler/compile';
import { startFlow, type FlowCounters, type RunningFlow, type RunSummary } from '../../runtime/engine/engine';

export type RunState = 'idle' | 'starting' | 'running' | 'stopping' | 'completed' | 'stopped' | 'failed';

export interface RunStatus {
  id: string;
  state: RunState;
  startedAt?: string;
  endedAt?: string;
  counters?: FlowCounters;
  /** Set once the run ended. */
  summary?: SummaryJson;
  /** Why the run could not start or failed. */
  error?: string;
  /** The last lines `core.log` wrote and the last log entries, newest last. */
  output: string[];
  logs: Array<{ level: string; msg: string; fields?: Record<string, unknown> }>;
}

export interface SummaryJson {
  flowId: string;
  outcome: RunSummary['outcome'];
  error?: string;
  abandoned: number;
  counters: FlowCounters;
}

const KEEP_LINES = 200;

interface Run {
  id: string;
  state: RunState;
  startedAt: Date;
  endedAt?: Date;
  flow?: RunningFlow;
  summary?: SummaryJson;
  error?: string;
  output: string[];
  logs: RunStatus['logs'];
  /** Resolves once the start attempt finished, whatever the outcome. */
  started: Promise<void>;
  /** Resolves once the run has ended, whatever the outcome. */
  ended: Promise<void>;
}

export class AlreadyRunningError extends Error {}

/**
 * The designer's embedded runtime: at most one run per flow id, started from the flow file's
 * text; relative paths resolve against the flows folder, as `sluice run` does.
 */
export class RunManager {
  private runs = new Map<string, Run>();

  constructor(
    private readonly registry: Registry,
    private readonly baseDir: string,
    private readonly env: Record<string, string | undefined>,
  ) {}

  isActive(id: string): boolean {
    const state = this.runs.get(id)?.state;
    return state === 'starting' || state === 'running' || state === 'stopping';
  }

  /**
   * Starts the flow whose file text is given (already validated by the caller). Throws
   * AlreadyRunningError when it runs; rejects with the compile or start error otherwise.
   */
  async start(id: string, text: string): Promise<RunStatus> {
    if (this.isActive(id)) throw new AlreadyRunningError(`flow "${id}" is already running`);
    let markEnded!: () => void;
    let markStarted!: () => void;
    const run: Run = {
      id,
      state: 'starting',
      startedAt: new Date(),
      output: [],
      logs: [],
      started: new Promise((r) => (markStarted = r)),
      ended: new Promise((r) => (markEnded = r)),
    };
    this.runs.set(id, run);
    try {
      const plan = compileFlow(parseFlowText(text), this.registry);
      run.flow = await startFlow(plan, {
        baseDir: this.baseDir,
        env: this.env,
        stdout: { writeLine: (line) => push(run.output, line) },
        logger: captureLogger(run.logs),
      });
    } catch (err) {
      run.state = 'failed';
      run.error = (err as Error).message;
      run.endedAt = new Date();
      markEnded();
      throw err;
    } finally {
      markStarted();
    }
    run.state = 'running';
    run.flow.done.then(
      (summary) => {
        run.summary = summaryJson(summary);
        run.state = summary.outcome === 'failed' ? 'failed' : summary.outcome;
        if (summary.error) run.error = summary.error.message;
      },
      (err: Error) => {
        run.state = 'failed';
        run.error = err.message;
        if (run.flow) run.summary = { flowId: id, outcome: 'failed', error: err.message, abandoned: 0, counters: run.flow.counters() };
      },
    ).finally(() => {
      run.endedAt = new Date();
      markEnded();
    });
    return this.status(id);
  }

  /** Graceful stop; resolves with the summary, or undefined when the flow was not running. */
  async stop(id: string): Promise<SummaryJson | undefined> {
    const run = this.runs.get(id);
    if (!run || !this.isActive(run.id)) return undefined;
    if (run.state === 'starting') await run.started;
    if (!run.flow || !this.isActive(id)) return run.summary;
    if (run.state === 'running') run.state = 'stopping';
    const summary = await run.flow.stop();
    await run.ended;
    return run.summary ?? summaryJson(summary);
  }

  status(id: string): RunStatus {
    const run = this.runs.get(id);
    if (!run) return { id, state: 'idle', output: [], logs: [] };
    const status: RunStatus = { id, state: run.state, startedAt: run.startedAt.toISOString(), output: [...run.output], logs: [...run.logs] };
    if (run.endedAt) status.endedAt = run.endedAt.toISOString();
    if (run.summary) status.counters = run.summary.counters;
    else if (run.flow) status.counters = run.flow.counters();
    if (run.summary) status.summary = run.summary;
    if (run.error) status.error = run.error;
    return status;
  }

  /** Resolves when the current run of `id` ends (at once when none is active). */
  ended(id: string): Promise<void> {
    return this.runs.get(id)?.ended ?? Promise.resolve();
  }

  /** Stops every active run. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.runs.keys()].map((id) => this.stop(id).catch(() => undefined)));
  }
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEEP_LINES) list.splice(0, list.length - KEEP_LINES);
}

function captureLogger(logs: RunStatus['logs']): Logger {
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => push(logs, fields ? { level, msg, fields } : { level, msg });
  return { debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') };
}

function summaryJson(summary: RunSummary): SummaryJson {
  const out: SummaryJson = { flowId: summary.flowId, outcome: summary.outcome, abandoned: summary.abandoned, counters: summary.counters };
  if (summary.error) out.error = summary.error.message;
  return out;
}
