import { useMemo } from 'react';
import { CircleCheck, CircleX, TriangleAlert } from 'lucide-react';
import type { Diagnostic } from '../../../shared/validate/diagnostic';
import { useDesigner, useFlowState } from '../context';
import { diagnosticsSoon, useDiagnosticsReady } from '../store/flow-store';
import { testIds } from '../testids';
import './problems.css';

export interface ProblemCounts {
  errors: number;
  warnings: number;
}

export function countProblems(diagnostics: readonly Diagnostic[]): ProblemCounts {
  let errors = 0;
  for (const d of diagnostics) if (d.severity === 'error') errors++;
  return { errors, warnings: diagnostics.length - errors };
}

/**
 * The open flow's diagnostics, from the shared validator (memoised per document); for a big flow
 * worked out when the browser is idle, showing the last known ones meanwhile.
 */
export function useDiagnostics(): Diagnostic[] {
  const { registry } = useDesigner();
  const doc = useFlowState((s) => s.doc);
  useDiagnosticsReady();
  return diagnosticsSoon(registry, doc).diagnostics;
}

/**
 * Every problem of the open flow, in the validator's order. Each row is a button: it selects
 * the node and asks the inspector to put the caret in the field the problem is about.
 */
export function ProblemsPanel() {
  const { store } = useDesigner();
  const diagnostics = useDiagnostics();
  const nodes = useFlowState((s) => s.doc.nodes);

  const rows = useMemo(
    () =>
      diagnostics.map((d) => {
        const node = d.nodeId === undefined ? undefined : nodes[d.nodeId];
        return { d, label: d.nodeId === undefined ? 'Flow' : node?.label?.trim() || d.nodeId };
      }),
    [diagnostics, nodes],
  );

  if (rows.length === 0) {
    return (
      <p className="problems-none">
        <CircleCheck size={16} aria-hidden /> No problems
      </p>
    );
  }
  return (
    <ul className="problems-list">
      {rows.map(({ d, label }, i) => (
        <li key={`${i}:${d.nodeId ?? ''}:${d.path}:${d.code}`}>
          <button type="button" className={`problems-row problems-${d.severity}`} data-testid={testIds.problem} onClick={() => store.getState().focusField(d.nodeId, d.path)}>
            <span className="problems-severity">
              {d.severity === 'error' ? <CircleX size={15} aria-hidden /> : <TriangleAlert size={15} aria-hidden />}
              {d.severity === 'error' ? 'Error' : 'Warning'}
            </span>
            <span className="problems-where">
              <span className="problems-label">{label}</span>
              {d.nodeId !== undefined && label !== d.nodeId && <span className="problems-id">{d.nodeId}</span>}
            </span>
            <span className="problems-path">{d.path}</span>
            <span className="problems-message">{d.message}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
