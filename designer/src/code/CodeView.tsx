import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FlowDocument } from '../../../shared/flow/document';
import { useDesigner, useFlowState } from '../context';
import { MonacoHost, type EditorHandle, type HostMarker } from '../monaco/MonacoHost';
import { FLOW_MODEL_SUFFIX } from '../monaco/model-paths';
import { canonicalText, diagnosticsOf } from '../store/flow-store';
import { placeDiagnostics } from './diagnostic-markers';
import { parseFlowEdit, type FlowEditError } from './flow-edit';
import './code.css';

/** Typing pauses this long before the text is applied to the flow. */
export const APPLY_DELAY_MS = 400;

/**
 * The whole flow as its file text. Edits apply to the canvas once the text is a valid flow
 * document (one undo step per apply); until then the document is left alone and the reason is
 * shown. Changes made elsewhere (canvas, undo) replace the text unless it holds edits of its own.
 */
export function CodeView() {
  const { store, registry } = useDesigner();
  const doc = useFlowState((s) => s.doc);
  const [text, setText] = useState(() => canonicalText(registry, doc));
  const [problem, setProblem] = useState<FlowEditError | undefined>();
  const [stale, setStale] = useState(false);
  const latestText = useRef(text);
  /** The text holds edits that are not in the document (waiting, or not a valid flow). */
  const unapplied = useRef(false);
  /** The document this view last applied, so its own change does not rewrite the text being typed. */
  const applied = useRef<FlowDocument | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const editor = useRef<EditorHandle>(null);
  const problemId = useId();

  const apply = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const current = store.getState().doc;
    const result = parseFlowEdit(latestText.current, current.id);
    if ('error' in result) {
      setProblem(result);
      return;
    }
    setProblem(undefined);
    setStale(false);
    unapplied.current = false;
    // Reformatting alone changes nothing in the flow: no undo step for it.
    if (canonicalText(registry, result.doc) === canonicalText(registry, current)) return;
    applied.current = result.doc;
    store.getState().replaceDoc(result.doc);
  }, [store, registry]);

  const onChange = (next: string) => {
    latestText.current = next;
    setText(next);
    unapplied.current = true;
    clearTimeout(timer.current);
    timer.current = setTimeout(apply, APPLY_DELAY_MS);
  };

  const showCurrent = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const next = canonicalText(registry, store.getState().doc);
    latestText.current = next;
    setText(next);
    setProblem(undefined);
    setStale(false);
    unapplied.current = false;
  }, [registry, store]);

  useEffect(() => {
    if (doc === applied.current) return;
    if (unapplied.current) setStale(true);
    else showCurrent();
  }, [doc, showCurrent]);

  // Leaving the code view (to the canvas) keeps what was typed, if it is a valid flow.
  useEffect(
    () => () => {
      if (timer.current !== undefined) apply();
    },
    [apply],
  );

  const placed = useMemo(() => placeDiagnostics(text, diagnosticsOf(registry, doc)), [text, registry, doc]);
  const markers = useMemo<HostMarker[]>(() => {
    const out = placed.flatMap((p) => (p.marker ? [p.marker] : []));
    // Monaco underlines broken JSON itself; shape and id problems only this view knows.
    if (problem && problem.kind !== 'json' && problem.line !== undefined && problem.column !== undefined) {
      out.push({
        severity: 'error',
        message: problem.error,
        startLineNumber: problem.line,
        startColumn: problem.column,
        endLineNumber: problem.line,
        endColumn: problem.column + 1,
      });
    }
    return out;
  }, [placed, problem]);

  return (
    <section className="code-view" aria-label="Flow as code">
      <p className="code-view-help">
        This is the flow file. Edits reach the canvas as soon as the text is a valid flow; the flow id cannot change here.
      </p>
      {stale && (
        <div className="code-view-stale" role="status">
          <span>The flow was changed elsewhere while this text had edits of its own.</span>
          <button type="button" onClick={showCurrent}>
            Discard my edits and show the current flow
          </button>
        </div>
      )}
      <MonacoHost
        value={text}
        onChange={onChange}
        language="json"
        label="Flow file (JSON)"
        path={`${doc.id}${FLOW_MODEL_SUFFIX}`}
        fill
        markers={markers}
        markerOwner="sluice"
        invalid={problem !== undefined}
        describedBy={problem ? problemId : undefined}
        dataAttributes={{ 'data-code-editor': 'flow' }}
        handle={editor}
        className="code-view-editor"
      />
      {problem && (
        <p id={problemId} className="code-view-error" role="alert">
          Not applied: {problem.error}
          {problem.line !== undefined && (
            <>
              {' '}
              <button type="button" className="code-view-link" onClick={() => editor.current?.reveal(problem.line!, problem.column ?? 1)}>
                (line {problem.line}, column {problem.column ?? 1})
              </button>
            </>
          )}
        </p>
      )}
      {placed.length > 0 && (
        <section className="code-view-problems" aria-label="Problems in this flow">
          <h3>
            {placed.length} {placed.length === 1 ? 'problem' : 'problems'} in this flow
          </h3>
          <ul>
            {placed.map((p, i) => {
              const d = p.diagnostic;
              const where = [d.nodeId, d.path].filter(Boolean).join(' ');
              const body = (
                <>
                  <span className={`code-view-sev code-view-sev-${d.severity}`}>{d.severity === 'error' ? 'Error' : 'Warning'}</span>
                  {p.marker && <span className="code-view-line">line {p.marker.startLineNumber}</span>}
                  {where && <span className="code-view-where">{where}</span>}
                  <span>{d.message}</span>
                </>
              );
              return (
                <li key={`${p.pointer}-${d.code}-${i}`}>
                  {p.marker ? (
                    <button type="button" className="code-view-problem" onClick={() => editor.current?.reveal(p.marker!.startLineNumber, p.marker!.startColumn)}>
                      {body}
                    </button>
                  ) : (
                    <div className="code-view-problem">{body}</div>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </section>
  );
}
