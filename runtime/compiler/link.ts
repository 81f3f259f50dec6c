import type { Message } from '../../shared/node-kit/message';
import type { Emit, NodeRuntime, ProcessorRuntime, SinkRuntime } from '../../shared/node-kit/runtime';
import type { FlowPlan, PlanNode } from './plan';

/**
 * Outstanding work of one source record. `linkFlow` calls `hold` before anything that finishes
 * later (a promise from a sink or an asynchronous processor) and `release` once it finished;
 * the owner settles the source record when the count it started with drops to zero.
 */
export interface Track {
  hold(): void;
  release(): void;
}

/**
 * Delivers one record to one node. `attempt` is 1 on first delivery and counts up on retries.
 * Never throws for a node failure: that goes to `LinkHooks.failed`.
 */
export type Step<T extends Track = Track> = (msg: Message, track: T, attempt: number) => void;

export interface LinkHooks<T extends Track> {
  /**
   * A node threw or rejected on `msg`. Called synchronously from the failing call (or its
   * rejection handler); the track is still held across the call, so an implementation that
   * continues later (a retry after a backoff) must `hold` it before returning. Must not throw.
   */
  failed(nodeId: string, msg: Message, track: T, error: unknown, attempt: number): void;
}

/**
 * Per-node counts, all since the flow started:
 * - `in`: records handed to the node (a retry is not counted again);
 * - `out`: records a source or processor emitted (every port), records a sink accepted;
 * - `dropped`: records a processor handled without error and without emitting anything
 *   (e.g. a filter's rejects when it has no `rejected` port);
 * - `errors`: failed calls (every throw or rejection, retries included);
 * - `retries`: calls repeated under the error policy;
 * - `deadLettered`: records this node failed on (or, for a source, could not decode) that were
 *   handed to the dead-letter node.
 */
export interface NodeCounters {
  in: number;
  out: number;
  dropped: number;
  errors: number;
  deadLettered: number;
  retries: number;
}

export interface LinkedFlow<T extends Track> {
  /** Hands a source record to everything its source feeds; counts the source's `out`. */
  entry(sourceId: string): Step<T>;
  /** The node's own step: for retries and for dead letters to a dead-letter node. */
  step(nodeId: string): Step<T>;
  counters: Record<string, NodeCounters>;
}

/**
 * Fuses the plan with the created node runtimes into step functions. Each node gets one step
 * and each output port a fixed array of the next steps, so a record runs through a chain of
 * synchronous processors by plain nested calls: no promise, timer or array per node and
 * record. A path pauses only where a processor returns a promise or a sink's write does
 * (the track is held until it settles), and fans out by calling each target in turn.
 *
 * Synchronous processors share one `emit` bound to the record they are processing; a
 * processor that returns a promise switches, from then on, to one `emit` per record, so its
 * later emits still belong to the right source record.
 */
export function linkFlow<T extends Track>(plan: FlowPlan, runtimes: Record<string, NodeRuntime>, hooks: LinkHooks<T>): LinkedFlow<T> {
  const counters: Record<string, NodeCounters> = {};
  const ports: Record<string, Record<string, Step<T>[]>> = {};
  const steps: Record<string, Step<T>> = {};
  for (const id of plan.order) {
    counters[id] = { in: 0, out: 0, dropped: 0, errors: 0, deadLettered: 0, retries: 0 };
    ports[id] = Object.create(null) as Record<string, Step<T>[]>;
  }
  for (const id of plan.order) {
    const node = plan.nodes[id] as PlanNode;
    const runtime = runtimes[id];
    if (!runtime) throw new Error(`node "${id}" has no runtime`);
    const c = counters[id] as NodeCounters;
    const table = ports[id] as Record<string, Step<T>[]>;
    if (runtime.role === 'processor') steps[id] = processorStep(id, runtime, table, c, hooks);
    else if (runtime.role === 'sink') steps[id] = sinkStep(id, runtime, c, hooks);
    else steps[id] = sourceEntry(node, table, c);
  }
  for (const id of plan.order) {
    const table = ports[id] as Record<string, Step<T>[]>;
    for (const port of (plan.nodes[id] as PlanNode).outputs) {
      table[port.name] = port.targets.map((t) => {
        const s = steps[t.node];
        if (!s) throw new Error(`node "${id}" port "${port.name}" targets unknown node "${t.node}"`);
        return s;
      });
    }
  }
  return {
    entry(sourceId) {
      const node = plan.nodes[sourceId];
      if (!node || node.role !== 'source') throw new Error(`"${sourceId}" is not a source of flow "${plan.flowId}"`);
      return steps[sourceId] as Step<T>;
    },
    step(nodeId) {
      const s = steps[nodeId];
      if (!s) throw new Error(`flow "${plan.flowId}" has no node "${nodeId}"`);
      return s;
    },
    counters,
  };
}

function isThenable(v: unknown): v is PromiseLike<void> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

function sourceEntry<T extends Track>(node: PlanNode, table: Record<string, Step<T>[]>, c: NodeCounters): Step<T> {
  const portName = node.outputs[0]?.name;
  return (msg, track) => {
    c.out++;
    const targets = portName === undefined ? undefined : table[portName];
    if (targets === undefined) return;
    for (let i = 0; i < targets.length; i++) (targets[i] as Step<T>)(msg, track, 1);
  };
}

function processorStep<T extends Track>(
  id: string,
  runtime: ProcessorRuntime,
  table: Record<string, Step<T>[]>,
  c: NodeCounters,
  hooks: LinkHooks<T>,
): Step<T> {
  let current: T | undefined;
  // The one record whose process() returned the first promise while the shared emit was in use.
  let late: T | undefined;
  let lateEmits = 0;
  let isAsync = false;

  const route = (port: string, msg: Message, track: T): void => {
    const targets = table[port];
    if (targets === undefined) throw new Error(`node "${id}" emitted on port "${port}", which it does not declare`);
    c.out++;
    for (let i = 0; i < targets.length; i++) (targets[i] as Step<T>)(msg, track, 1);
  };

  const sharedEmit: Emit = (port, msg) => {
    const track = current ?? late;
    if (track === undefined) throw new Error(`node "${id}" emitted after its process() call had finished`);
    if (current === undefined) lateEmits++;
    route(port, msg, track);
  };

  const runAsync = (msg: Message, track: T, attempt: number): void => {
    let emitted = 0;
    let open = true;
    const emit: Emit = (port, out) => {
      if (!open) throw new Error(`node "${id}" emitted after its process() call had finished`);
      emitted++;
      route(port, out, track);
    };
    track.hold();
    let result: void | Promise<void>;
    try {
      result = runtime.process(msg, emit);
    } catch (err) {
      open = false;
      c.errors++;
      hooks.failed(id, msg, track, err, attempt);
      track.release();
      return;
    }
    if (!isThenable(result)) {
      open = false;
      if (emitted === 0) c.dropped++;
      track.release();
      return;
    }
    result.then(
      () => {
        open = false;
        if (emitted === 0) c.dropped++;
        track.release();
      },
      (err: unknown) => {
        open = false;
        c.errors++;
        hooks.failed(id, msg, track, err, attempt);
        track.release();
      },
    );
  };

  return (msg, track, attempt) => {
    if (attempt === 1) c.in++;
    if (isAsync) {
      runAsync(msg, track, attempt);
      return;
    }
    const before = c.out;
    current = track;
    let result: void | Promise<void>;
    try {
      result = runtime.process(msg, sharedEmit);
    } catch (err) {
      current = undefined;
      c.errors++;
      hooks.failed(id, msg, track, err, attempt);
      return;
    }
    current = undefined;
    if (!isThenable(result)) {
      if (c.out === before) c.dropped++;
      return;
    }
    isAsync = true;
    late = track;
    lateEmits = c.out - before;
    track.hold();
    result.then(
      () => {
        late = undefined;
        if (lateEmits === 0) c.dropped++;
        track.release();
      },
      (err: unknown) => {
        late = undefined;
        c.errors++;
        hooks.failed(id, msg, track, err, attempt);
        track.release();
      },
    );
  };
}

/**
 * Sinks that group-commit (a file appender, a batching producer) hand the same promise to every
 * record of a batch. Records that got the same promise share one continuation, so a batch of a
 * thousand accepted records costs one `then`, not a thousand.
 */
function sinkStep<T extends Track>(id: string, runtime: SinkRuntime, c: NodeCounters, hooks: LinkHooks<T>): Step<T> {
  let lastResult: PromiseLike<void> | undefined;
  let batch: Array<{ msg: Message; track: T; attempt: number }> = [];
  return (msg, track, attempt) => {
    if (attempt === 1) c.in++;
    let result: void | Promise<void>;
    try {
      result = runtime.write(msg);
    } catch (err) {
      c.errors++;
      hooks.failed(id, msg, track, err, attempt);
      return;
    }
    if (!isThenable(result)) {
      c.out++;
      return;
    }
    track.hold();
    if (result === lastResult) {
      batch.push({ msg, track, attempt });
      return;
    }
    lastResult = result;
    const members = (batch = [{ msg, track, attempt }]);
    result.then(
      () => {
        if (lastResult === result) lastResult = undefined;
        for (const m of members) {
          c.out++;
          m.track.release();
        }
      },
      (err: unknown) => {
        if (lastResult === result) lastResult = undefined;
        for (const m of members) {
          c.errors++;
          hooks.failed(id, m.msg, m.track, err, m.attempt);
          m.track.release();
        }
      },
    );
  };
}
