import { useMemo } from 'react';
import type { FlowDocument } from '../../../shared/flow/document';
import type { Registry } from '../../../shared/node-kit/registry';
import type { Diagnostic } from '../../../shared/validate/diagnostic';
import { useDesigner, useFlowState } from '../context';
import { diagnosticsOf } from '../store/flow-store';
import { isPointerPrefix } from './form/pointer';

/**
 * The inspector subscribes to the problems of what it shows as text, so an edit elsewhere in the
 * flow that leaves those problems unchanged does not redraw the form.
 */
const keys = new WeakMap<FlowDocument, Map<string, string>>();

function cached(doc: FlowDocument, key: string, make: () => Diagnostic[]): string {
  let m = keys.get(doc);
  if (!m) {
    m = new Map();
    keys.set(doc, m);
  }
  let s = m.get(key);
  if (s === undefined) {
    s = JSON.stringify(make());
    m.set(key, s);
  }
  return s;
}

export function nodeDiagnosticsText(registry: Registry, doc: FlowDocument, nodeId: string): string {
  return cached(doc, `node:${nodeId}`, () => diagnosticsOf(registry, doc).filter((d) => d.nodeId === nodeId));
}

/** Document-level problems (no node) at or below `prefix`, e.g. `/resources/kafka`. */
export function docDiagnosticsText(registry: Registry, doc: FlowDocument, prefix: string): string {
  return cached(doc, `doc:${prefix}`, () => diagnosticsOf(registry, doc).filter((d) => d.nodeId === undefined && isPointerPrefix(prefix, d.path)));
}

function useParsed(text: string): Diagnostic[] {
  return useMemo(() => JSON.parse(text) as Diagnostic[], [text]);
}

export function useNodeDiagnostics(nodeId: string): Diagnostic[] {
  const { registry } = useDesigner();
  return useParsed(useFlowState((s) => nodeDiagnosticsText(registry, s.doc, nodeId)));
}

export function useDocDiagnostics(prefix: string): Diagnostic[] {
  const { registry } = useDesigner();
  return useParsed(useFlowState((s) => docDiagnosticsText(registry, s.doc, prefix)));
}
