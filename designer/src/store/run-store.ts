import { createStore, useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { api, type CountersEvent, type NodeCounts } from '../api/client';

/**
 * The embedded run of the open flow: state and per-node counters streamed from the server
 * (SSE). Kept apart from the flow store so a counter tick never touches the document or the
 * undo history, and each canvas node subscribes to its own counts only.
 */
export interface RunState {
  flowId?: string;
  state: 'idle' | 'starting' | 'running' | 'stopping' | 'completed' | 'stopped' | 'failed';
  counters: Record<string, NodeCounts>;
  error?: string;
  start(flowId: string): Promise<void>;
  stop(): Promise<void>;
  /** Forget the last run (another flow was opened). */
  reset(): void;
}

export type RunStore = ReturnType<typeof createRunStore>;

export function createRunStore() {
  let close: (() => void) | undefined;
  const store = createStore<RunState>()((set, get) => {
    const onEvent = (kind: 'counters' | 'end', e: CountersEvent) => {
      const state = (e.state as RunState['state']) ?? get().state;
      set({ state, counters: e.counters?.nodes ?? get().counters, ...(kind === 'end' && e.error ? { error: e.error } : {}) });
      if (kind === 'end') close = undefined;
    };
    return {
      state: 'idle',
      counters: {},
      async start(flowId) {
        close?.();
        set({ flowId, state: 'starting', counters: {}, error: undefined });
        try {
          await api.run(flowId);
          set({ state: 'running' });
          close = api.counters(flowId, onEvent);
        } catch (err) {
          set({ state: 'failed', error: (err as Error).message });
        }
      },
      async stop() {
        const { flowId } = get();
        if (!flowId) return;
        set({ state: 'stopping' });
        try {
          await api.stop(flowId);
        } catch (err) {
          set({ error: (err as Error).message });
        }
      },
      reset() {
        close?.();
        close = undefined;
        set({ flowId: undefined, state: 'idle', counters: {}, error: undefined });
      },
    };
  });
  return store;
}

/** One node's counts; re-renders only when that node's numbers change. */
export function useNodeCounts(store: RunStore, nodeId: string): NodeCounts | undefined {
  return useStore(store, useShallow((s) => s.counters[nodeId]));
}
