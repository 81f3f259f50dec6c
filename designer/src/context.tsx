import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Registry } from '../../shared/node-kit/registry';
import type { FlowState, FlowStore } from './store/flow-store';
import type { RunStore } from './store/run-store';

/** What every component of the open flow reaches: its store, the run and the node registry. */
export interface Designer {
  store: FlowStore;
  runs: RunStore;
  registry: Registry;
}

const DesignerContext = createContext<Designer | null>(null);

export function DesignerProvider({ value, children }: { value: Designer; children: ReactNode }) {
  return <DesignerContext.Provider value={value}>{children}</DesignerContext.Provider>;
}

export function useDesigner(): Designer {
  const d = useContext(DesignerContext);
  if (!d) throw new Error('useDesigner() outside <DesignerProvider>');
  return d;
}

/** Subscribes to a slice of the open flow's store. */
export function useFlowState<T>(selector: (s: FlowState) => T): T {
  return useStore(useDesigner().store, selector);
}
