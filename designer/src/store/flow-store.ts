import { temporal } from 'zundo';
import { useSyncExternalStore } from 'react';
import { createStore, useStore } from 'zustand';
import type { Edge, ErrorPolicy, FlowDocument, ResourceInstance } from '../../../shared/flow/document';
import { serializeFlow } from '../../../shared/flow/canonical';
import { registryDefaults, type Registry } from '../../../shared/node-kit/registry';
import { validateFlow } from '../../../shared/validate/validate';
import type { Diagnostic } from '../../../shared/validate/diagnostic';
import type { Policy } from '../../../shared/governance/policy';
import * as ops from './doc-ops';

/**
 * The designer's one store. `doc` is the flow document, the truth the canvas, inspector, code
 * view and problems panel are drawn from; only `doc` is in the undo history (zundo), one entry
 * per gesture. Everything else here is UI state and never reaches the file.
 */

export interface Selection {
  nodes: string[];
  /** Edge keys, `from->to` (see `edgeKey`). */
  edges: string[];
  notes: string[];
}

/** Where the inspector should put the caret: set by a click in the problems panel. */
export interface Focus {
  nodeId?: string;
  /** JSON pointer relative to the node, e.g. `/config/when`. */
  pointer?: string;
  /** Bumped on every request so the same field can be focused twice. */
  seq: number;
}

export interface EditOptions {
  /**
   * Edits with the same key less than a second apart join one undo entry: typing a label is
   * one gesture, not one entry per key. Use the node id and pointer, e.g. `cfg:big-orders:/when`.
   */
  coalesce?: string;
}

export type Result<T = object> = ({ ok: true } & T) | { ok: false; reason: string };

export interface FlowState {
  doc: FlowDocument;
  /** ETag of the version on disk this doc started from; undefined before the first save of an imported doc. */
  etag?: string;
  /** Canonical text last loaded or saved, to tell whether there are unsaved changes. */
  savedText?: string;
  selection: Selection;
  focus: Focus;
  /** The last refused gesture, shown as a toast: "cannot connect: …". */
  notice?: { text: string; seq: number };

  load(doc: FlowDocument, etag?: string): void;
  /** Replaces the whole document as one gesture (code view, import). */
  replaceDoc(doc: FlowDocument): void;
  /**
   * After a successful save of `doc` (the document that was sent: edits typed while the save was
   * in flight stay unsaved). Defaults to the current document.
   */
  markSaved(etag: string, doc?: FlowDocument): void;

  addNode(type: string, at: ops.Point, label?: string): string;
  insertNodeOnEdge(type: string, edge: Edge, at: ops.Point): Result<{ id: string }>;
  connect(from: string, to: string): Result;
  removeEdges(edges: readonly Edge[]): void;
  deleteNodes(ids: readonly string[]): void;
  /** Deletes selected nodes, edges and notes as one gesture. */
  deleteSelection(): void;
  /** Call once when a drag ends (not per frame): one undo entry per drag. */
  moveNodes(positions: Record<string, ops.Point>): void;
  setNodeLabel(id: string, label: string, o?: EditOptions): void;
  setNodeDescription(id: string, description: string, o?: EditOptions): void;
  setNodeConfig(id: string, config: Record<string, unknown>, o?: EditOptions): void;
  setNodeErrors(id: string, errors: ErrorPolicy | undefined, o?: EditOptions): void;
  /** Pass the same coalesce key to the field edit that references it, for one undo entry. */
  addResource(type: string, label?: string, o?: EditOptions): string;
  setResource(id: string, resource: ResourceInstance | undefined, o?: EditOptions): void;
  setFlowMeta(meta: { name?: string; description?: string }, o?: EditOptions): void;
  setFlowErrors(errors: ErrorPolicy | undefined, o?: EditOptions): void;
  setNote(id: string, note: ops.StickyNote | undefined, o?: EditOptions): void;
  addNote(at: ops.Point, text?: string): string;
  /** Positions from auto-layout, as one gesture. */
  applyLayout(positions: Record<string, ops.Point>): void;
  copySelection(): ops.Fragment | undefined;
  paste(fragment: ops.Fragment, offset: ops.Point): void;

  select(selection: Partial<Selection>): void;
  focusField(nodeId: string | undefined, pointer?: string): void;
  notify(text: string): void;
}

export type FlowStore = ReturnType<typeof createFlowStore>;

const COALESCE_MS = 1000;

export function createFlowStore(registry: Registry, initial: FlowDocument = ops.emptyFlow('untitled')) {
  let lastKey: string | undefined;
  let lastAt = 0;

  const store = createStore<FlowState>()(
    temporal(
      (set, get) => {
        /** Every document change goes through here, so coalescing and selection clean-up live in one place. */
        const commit = (doc: FlowDocument, o?: EditOptions, extra: Partial<FlowState> = {}) => {
          const now = Date.now();
          const join = o?.coalesce !== undefined && o.coalesce === lastKey && now - lastAt < COALESCE_MS;
          lastKey = o?.coalesce;
          lastAt = now;
          const history = store.temporal.getState();
          if (join) history.pause();
          set({ doc, ...extra });
          if (join) history.resume();
        };
        const fail = (reason: string): { ok: false; reason: string } => {
          get().notify(reason);
          return { ok: false, reason };
        };
        return {
          doc: initial,
          selection: { nodes: [], edges: [], notes: [] },
          focus: { seq: 0 },

          load(doc, etag) {
            lastKey = undefined;
            set({ doc, etag, savedText: etag === undefined ? undefined : canonicalText(registry, doc), selection: { nodes: [], edges: [], notes: [] } });
            store.temporal.getState().clear();
          },
          replaceDoc(doc) {
            commit(doc);
          },
          markSaved(etag, doc) {
            set({ etag, savedText: canonicalText(registry, doc ?? get().doc) });
          },

          addNode(type, at, label) {
            const r = ops.addNode(get().doc, registry, type, at, label);
            commit(r.doc, undefined, { selection: { nodes: [r.id], edges: [], notes: [] } });
            return r.id;
          },
          insertNodeOnEdge(type, edge, at) {
            const r = ops.insertNodeOnEdge(get().doc, registry, type, edge, at);
            if (!r.ok) return fail(r.reason);
            commit(r.doc, undefined, { selection: { nodes: [r.id], edges: [], notes: [] } });
            return { ok: true, id: r.id };
          },
          connect(from, to) {
            const r = ops.connect(get().doc, registry, from, to);
            if (!r.ok) return fail(`Cannot connect: ${r.reason}`);
            commit(r.doc);
            return { ok: true };
          },
          removeEdges(edges) {
            commit(ops.removeEdges(get().doc, edges));
          },
          deleteNodes(ids) {
            const s = get().selection;
            commit(ops.deleteNodes(get().doc, ids), undefined, { selection: { ...s, nodes: s.nodes.filter((n) => !ids.includes(n)) } });
          },
          deleteSelection() {
            const { doc, selection } = get();
            if (!selection.nodes.length && !selection.edges.length && !selection.notes.length) return;
            let next = ops.removeEdges(doc, (doc.edges ?? []).filter((e) => selection.edges.includes(ops.edgeKey(e))));
            next = ops.deleteNodes(next, selection.nodes);
            for (const id of selection.notes) next = ops.setNote(next, id, undefined);
            commit(next, undefined, { selection: { nodes: [], edges: [], notes: [] } });
          },
          moveNodes(positions) {
            commit(ops.moveNodes(get().doc, positions));
          },
          setNodeLabel(id, label, o) {
            commit(ops.setNodeLabel(get().doc, id, label), o);
          },
          setNodeDescription(id, description, o) {
            commit(ops.setNodeDescription(get().doc, id, description), o);
          },
          setNodeConfig(id, config, o) {
            commit(ops.setNodeConfig(get().doc, id, config), o);
          },
          setNodeErrors(id, errors, o) {
            commit(ops.setNodeErrors(get().doc, id, errors), o);
          },
          addResource(type, label, o) {
            const r = ops.addResource(get().doc, registry, type, label);
            commit(r.doc, o);
            return r.id;
          },
          setResource(id, resource, o) {
            commit(ops.setResource(get().doc, id, resource), o);
          },
          setFlowMeta(meta, o) {
            commit(ops.setFlowMeta(get().doc, meta), o);
          },
          setFlowErrors(errors, o) {
            commit(ops.setFlowErrors(get().doc, errors), o);
          },
          setNote(id, note, o) {
            commit(ops.setNote(get().doc, id, note), o);
          },
          addNote(at, text = 'Note') {
            const id = ops.newNoteId(get().doc);
            commit(ops.setNote(get().doc, id, { ...at, width: 200, height: 100, text }), undefined, { selection: { nodes: [], edges: [], notes: [id] } });
            return id;
          },
          applyLayout(positions) {
            commit(ops.moveNodes(get().doc, positions));
          },
          copySelection() {
            const { doc, selection } = get();
            if (!selection.nodes.length && !selection.notes.length) return undefined;
            return ops.copyFragment(doc, selection.nodes, selection.notes);
          },
          paste(fragment, offset) {
            const r = ops.pasteFragment(get().doc, fragment, offset);
            commit(r.doc, undefined, { selection: { nodes: r.nodeIds, edges: [], notes: r.noteIds } });
          },

          select(selection) {
            set({ selection: { ...get().selection, ...selection } });
          },
          focusField(nodeId, pointer) {
            set({ focus: { nodeId, pointer, seq: get().focus.seq + 1 }, selection: { nodes: nodeId ? [nodeId] : [], edges: [], notes: [] } });
          },
          notify(text) {
            set({ notice: { text, seq: (get().notice?.seq ?? 0) + 1 } });
          },
        };
      },
      {
        partialize: (s) => ({ doc: s.doc }),
        // Selection and notices change the store without changing the document: no history entry.
        equality: (a, b) => a.doc === b.doc,
        limit: 200,
      },
    ),
  );
  return store;
}

const textCache = new WeakMap<FlowDocument, string>();
let diagnosticsPolicy: Policy | undefined;
const defaultsCache = new WeakMap<Registry, ReturnType<typeof registryDefaults>>();
let diagCache = new WeakMap<FlowDocument, Diagnostic[]>();

/** The file text the canonical writer would produce for `doc` (memoised per document object). */
export function canonicalText(registry: Registry, doc: FlowDocument): string {
  let text = textCache.get(doc);
  if (text === undefined) {
    let defaults = defaultsCache.get(registry);
    if (!defaults) {
      defaults = registryDefaults(registry);
      defaultsCache.set(registry, defaults);
    }
    text = serializeFlow(doc, { defaults });
    textCache.set(doc, text);
  }
  return text;
}

let lastDiagnosed: { registry: Registry; doc: FlowDocument; diags: Diagnostic[] } | undefined;

/**
 * The governance policy diagnostics are checked against: the flows folder's, as the server uses
 * (GET /api/policy); the built-in default when undefined. Set before loading a flow.
 */
export function setDiagnosticsPolicy(policy: Policy | undefined): void {
  if (policy === diagnosticsPolicy) return;
  diagnosticsPolicy = policy;
  diagCache = new WeakMap();
  lastDiagnosed = undefined;
}

/** True when two documents differ at most in `layout`, which the validator never reads. */
function sameExceptLayout(a: FlowDocument, b: FlowDocument): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as Array<keyof FlowDocument>);
  keys.delete('layout');
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * Diagnostics of `doc` from the shared validator, memoised per document object (undo is free)
 * and reused across moves: validating a 500-node flow takes most of a second, and a drag only
 * changes positions.
 */
export function diagnosticsOf(registry: Registry, doc: FlowDocument): Diagnostic[] {
  let d = diagCache.get(doc);
  if (!d) {
    d =
      lastDiagnosed && lastDiagnosed.registry === registry && sameExceptLayout(lastDiagnosed.doc, doc)
        ? lastDiagnosed.diags
        : validateFlow(doc, registry, { fileName: `${doc.id}.flow.json`, policy: diagnosticsPolicy });
    diagCache.set(doc, d);
    lastDiagnosed = { registry, doc, diags: d };
  }
  return d;
}

/** The diagnostics of `doc` when already known (or reusable across a move); never validates. */
export function peekDiagnostics(registry: Registry, doc: FlowDocument): Diagnostic[] | undefined {
  const known = diagCache.get(doc);
  if (known) return known;
  if (lastDiagnosed && lastDiagnosed.registry === registry && sameExceptLayout(lastDiagnosed.doc, doc)) return diagnosticsOf(registry, doc);
  return undefined;
}

/**
 * Above this many nodes, panels validate when the browser is idle rather than while drawing:
 * validating 500 nodes takes a few hundred milliseconds in the browser, and opening a big flow
 * should not wait for its problem list.
 */
const VALIDATE_LATER_ABOVE = 150;
const pending = new WeakSet<FlowDocument>();
const readyListeners = new Set<() => void>();
let readyVersion = 0;

function validateLater(registry: Registry, doc: FlowDocument): void {
  if (pending.has(doc)) return;
  pending.add(doc);
  const run = () => {
    diagnosticsOf(registry, doc);
    readyVersion++;
    for (const l of readyListeners) l();
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 1000 });
  else setTimeout(run, 0);
}

/**
 * The diagnostics panels show: the current document's when known or cheap to get, else the
 * last known ones while the current are worked out in idle time (then subscribers of
 * `useDiagnosticsReady` render again). Never undefined.
 */
export function diagnosticsSoon(registry: Registry, doc: FlowDocument): { diagnostics: Diagnostic[]; current: boolean } {
  const known = peekDiagnostics(registry, doc);
  if (known) return { diagnostics: known, current: true };
  if (Object.keys(doc.nodes).length <= VALIDATE_LATER_ABOVE) return { diagnostics: diagnosticsOf(registry, doc), current: true };
  validateLater(registry, doc);
  return { diagnostics: lastDiagnosed?.diags ?? [], current: false };
}

/** Re-renders the caller when diagnostics worked out in idle time become available. */
export function useDiagnosticsReady(): number {
  return useSyncExternalStore(
    (l) => {
      readyListeners.add(l);
      return () => readyListeners.delete(l);
    },
    () => readyVersion,
  );
}

export function isDirty(registry: Registry, s: Pick<FlowState, 'doc' | 'savedText'>): boolean {
  return s.savedText === undefined || canonicalText(registry, s.doc) !== s.savedText;
}

export function useFlow<T>(store: FlowStore, selector: (s: FlowState) => T): T {
  return useStore(store, selector);
}

export function useHistory<T>(store: FlowStore, selector: (s: ReturnType<FlowStore['temporal']['getState']>) => T): T {
  return useStore(store.temporal, selector);
}
