import { createContext, useContext } from 'react';
import { createStore } from 'zustand';
import type { FlowStore } from '../store/flow-store';
import type { BadgeMap } from './node-status';

/**
 * Canvas-only UI state that several canvas parts read: which note is being edited, which node's
 * "Connect to…" menu is open, and the node that Tab reaches. Never part of the document.
 */
export interface CanvasUi {
  editingNote?: string;
  menuFor?: string;
  /** Node id reached with Tab (roving tab index): the last node focused on the canvas. */
  active?: string;
  /**
   * Problem badges per node, refreshed shortly after the document changes rather than while
   * drawing it: validating a 500-node flow takes long enough to make the canvas stutter.
   */
  badges: BadgeMap;
  set(patch: Partial<Omit<CanvasUi, 'set'>>): void;
}

export type CanvasUiStore = ReturnType<typeof createCanvasUi>;

export function createCanvasUi() {
  return createStore<CanvasUi>()((set) => ({ badges: new Map(), set: (patch) => set(patch) }));
}

type FocusListener = (nodeId: string) => void;
const focusListeners = new WeakMap<FlowStore, Set<FocusListener>>();

/**
 * Asks the canvas showing `store` to focus a node once it is drawn (the palette uses this after
 * adding one). Returns false when no canvas is showing, so the caller keeps focus where it is.
 */
export function requestNodeFocus(store: FlowStore, nodeId: string): boolean {
  const set = focusListeners.get(store);
  if (!set?.size) return false;
  for (const fn of set) fn(nodeId);
  return true;
}

/** Subscribes a canvas to focus requests; returns the unsubscribe function. */
export function onNodeFocusRequest(store: FlowStore, fn: FocusListener): () => void {
  let set = focusListeners.get(store);
  if (!set) {
    set = new Set();
    focusListeners.set(store, set);
  }
  set.add(fn);
  return () => set.delete(fn);
}

/** Provided by the canvas to its nodes and menus. */
export const CanvasUiContext = createContext<CanvasUiStore | null>(null);

export function useCanvasUi(): CanvasUiStore {
  const ui = useContext(CanvasUiContext);
  if (!ui) throw new Error('useCanvasUi() outside <Canvas>');
  return ui;
}
