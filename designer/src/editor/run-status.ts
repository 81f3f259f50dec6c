import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { api, type NodeCounts } from '../api/client';
import type { RunState, RunStore } from '../store/run-store';

export interface RunLogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

/** What the server says about the flow's last run (GET /api/flows/:id/run), narrowed. */
export interface RunStatusView {
  state?: RunState['state'];
  error?: string;
  output: string[];
  logs: RunLogLine[];
  counters?: Record<string, NodeCounts>;
}

export const RUN_STATE_LABELS: Record<RunState['state'], string> = {
  idle: 'Idle',
  starting: 'Starting',
  running: 'Running',
  stopping: 'Stopping',
  completed: 'Completed',
  stopped: 'Stopped',
  failed: 'Failed',
};

const ACTIVE: ReadonlySet<string> = new Set(['starting', 'running', 'stopping']);
const TERMINAL: ReadonlySet<string> = new Set(['completed', 'stopped', 'failed']);
const POLL_MS = 1000;

export function isActive(state: string | undefined): boolean {
  return state !== undefined && ACTIVE.has(state);
}

export function readRunStatus(raw: Record<string, unknown>): RunStatusView {
  const state = typeof raw.state === 'string' && raw.state in RUN_STATE_LABELS ? (raw.state as RunState['state']) : undefined;
  const output = Array.isArray(raw.output) ? raw.output.map(String) : [];
  const logs: RunLogLine[] = Array.isArray(raw.logs)
    ? raw.logs
        .filter((l): l is Record<string, unknown> => typeof l === 'object' && l !== null)
        .map((l) => ({
          level: String(l.level ?? 'info'),
          msg: String(l.msg ?? ''),
          ...(typeof l.fields === 'object' && l.fields !== null ? { fields: l.fields as Record<string, unknown> } : {}),
        }))
    : [];
  const counters = (raw.counters as { nodes?: unknown } | undefined)?.nodes;
  return {
    ...(state ? { state } : {}),
    ...(typeof raw.error === 'string' ? { error: raw.error } : {}),
    output,
    logs,
    ...(typeof counters === 'object' && counters !== null ? { counters: counters as Record<string, NodeCounts> } : {}),
  };
}

/**
 * The run's output and logs, polled every second while the flow runs and once when it ends
 * (and once on open, to show the last run). It also keeps the run store honest when its live
 * stream cannot: a run started elsewhere (another tab) is adopted, so Stop works; a run that
 * ended is marked ended; counts are filled in while no stream tick arrives.
 */
export function useRunStatus(runs: RunStore, flowId: string): RunStatusView | undefined {
  const state = useStore(runs, (s) => s.state);
  const active = isActive(state);
  const [status, setStatus] = useState<RunStatusView>();
  // Set while following a run this page did not start: no live stream, so counts come from polls.
  const adopted = useRef(false);
  // The counters this hook last wrote: if the store still holds them, no stream tick came since.
  const lastSet = useRef<unknown>(undefined);

  useEffect(() => {
    let live = true;
    const poll = async () => {
      // A request sent before the start request returned may describe the previous run.
      const askedWhile = runs.getState().state;
      let s: RunStatusView;
      try {
        s = readRunStatus(await api.runStatus(flowId));
      } catch {
        return;
      }
      if (!live) return;
      setStatus(s);
      const now = runs.getState();
      const fresh = askedWhile === 'running' || askedWhile === 'stopping';
      if (now.state === 'starting') adopted.current = false;
      if (now.state === 'idle' && isActive(s.state)) {
        adopted.current = true;
        runs.setState({ flowId, state: s.state, counters: s.counters ?? {} });
      } else if (fresh && isActive(now.state) && s.state && TERMINAL.has(s.state)) {
        runs.setState({ state: s.state, ...(s.counters ? { counters: s.counters } : {}), ...(s.error ? { error: s.error } : {}) });
      } else if (fresh && isActive(now.state) && s.counters && (adopted.current || now.counters === lastSet.current || Object.keys(now.counters).length === 0)) {
        // The live stream is not delivering (a run started elsewhere, or token mode, where
        // EventSource cannot send the token): the poll keeps the counts moving.
        runs.setState({ counters: s.counters });
        lastSet.current = s.counters;
      }
    };
    void poll();
    if (!active) return () => void (live = false);
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [runs, flowId, active]);

  return status;
}
