import { useMemo } from 'react';
import type { FlowDocument } from '../../../shared/flow/document';
import type { Registry } from '../../../shared/node-kit/registry';
import type { Diagnostic } from '../../../shared/validate/diagnostic';
import { useDesigner, useFlowState } from '../context';
import { diagnosticsSoon, useDiagnosticsReady } from '../store/flow-store';
import { isPointerPrefix } from './form/pointer';

/**
 * The inspector subscribes to the problems of what it shows as text, so an edit elsewhere in the
 * flow that leaves those problems unchanged does not redraw the form.
 */
const keys = new WeakMap<FlowDocument, Map<string, string>>();

/** Problems of `doc` picked by `pick`, as text; cached only once the document's diagnostics are current. */
function cached(registry: Registry, doc: FlowDocument, key: string, pick: (d: Diagnostic) => boolean): string {
  const m = keys.get(doc);
  const known = m?.get(key);
  if (known !== undefined) return known;
  const soon = diagnosticsSoon(registry, doc);
  const text = JSON.stringify(soon.diagnostics.filter(pick));
  if (soon.current) {
    const map = m ?? new Map<string, string>();
    map.set(key, text);
    keys.set(doc, map);
  }
  return text;
}

export function nodeDiagnosticsText(registry: Registry, doc: FlowDocument, nodeId: string): string {
  return cached(registry, doc, `node:${nodeId}`, (d) => d.nodeId === nodeId);
}

/** Document-level problems (no node) at or below `prefix`, e.g. `/resources/kafka`. */
export function docDiagnosticsText(registry: Registry, doc: FlowDocument, prefix: string): string {
  return cached(registry, doc, `doc:${prefix}`, (d) => d.nodeId === undefined && isPointerPrefix(prefix, d.path));
}

function useParsed(text: string): Diagnostic[] {
  return useMemo(() => JSON.parse(text) as Diagnostic[], [text]);
}

export function useNodeDiagnostics(nodeId: string): Diagnostic[] {
  const { registry } = useDesigner();
  useDiagnosticsReady();
  return useParsed(useFlowState((s) => nodeDiagnosticsText(registry, s.doc, nodeId)));
}

export function useDocDiagnostics(prefix: string): Diagnostic[] {
  const { registry } = useDesigner();
  useDiagnosticsReady();
  return useParsed(useFlowState((s) => docDiagnosticsText(registry, s.doc, prefix)));
}
