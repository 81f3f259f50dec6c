import { useEffect, useState } from 'react';
import { ArrowLeft } from 'lucide-react';
import type { Diagnostic } from '../../../shared/validate/diagnostic';
import { api } from '../api/client';
import { DesignerProvider, type Designer } from '../context';
import { checkFlow } from '../flows/import-flow';
import { LIST_HREF } from '../flows/routes';
import { registry } from '../registry';
import { emptyFlow } from '../store/doc-ops';
import { createFlowStore, setDiagnosticsPolicy } from '../store/flow-store';
import { createRunStore } from '../store/run-store';
import { EditorShell } from './EditorShell';
import { withToken } from './ui/token';
import './editor.css';

type Load =
  | { kind: 'loading' }
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  /** The file exists but is not a flow the editor can open. */
  | { kind: 'broken'; diagnostics: Diagnostic[]; problems: string[] };

/**
 * `#/flows/<id>`: one flow store and one run store per opened flow (the app keys this page by
 * id), filled from the server, then the editor screen.
 */
export function EditorPage({ flowId }: { flowId: string }) {
  const [designer] = useState<Designer>(() => ({ store: createFlowStore(registry, emptyFlow(flowId)), runs: createRunStore(), registry }));
  const [load, setLoad] = useState<Load>({ kind: 'loading' });

  useEffect(() => {
    let live = true;
    // The folder's governance policy first, so the first diagnostics are the server's.
    withToken(() => api.getPolicy())
      .then((p) => setDiagnosticsPolicy(p.policy ?? undefined))
      .catch(() => setDiagnosticsPolicy(undefined))
      .then(() => withToken(() => api.getFlow(flowId)))
      .then(
      (stored) => {
        if (!live) return;
        const checked = stored.flow === null ? undefined : checkFlow(stored.flow, registry);
        if (!checked?.ok) {
          setLoad({ kind: 'broken', diagnostics: stored.diagnostics, problems: checked?.problems ?? [] });
          return;
        }
        const { store } = designer;
        // Saving goes to the URL's id; a file whose id differs from its name takes the name's.
        store.getState().load({ ...checked.doc, id: flowId }, stored.etag);
        if (checked.doc.id !== flowId) store.getState().notify(`The file said its id is "${checked.doc.id}"; it is "${flowId}", its file name, from now on.`);
        setLoad({ kind: 'ready' });
      },
      (err: Error) => live && setLoad({ kind: 'failed', message: err.message }),
    );
    return () => {
      live = false;
    };
  }, [designer, flowId]);

  useEffect(() => () => designer.runs.getState().reset(), [designer]);

  if (load.kind === 'ready') {
    return (
      <DesignerProvider value={designer}>
        <EditorShell />
      </DesignerProvider>
    );
  }
  return (
    <main className="editor-message" aria-labelledby="editor-message-title">
      <a className="btn btn-quiet" href={LIST_HREF}>
        <ArrowLeft size={16} aria-hidden /> Flows
      </a>
      {load.kind === 'loading' && <p id="editor-message-title">Loading {flowId}…</p>}
      {load.kind === 'failed' && (
        <>
          <h1 id="editor-message-title">Cannot open “{flowId}”</h1>
          <p className="form-error" role="alert">
            {load.message}
          </p>
        </>
      )}
      {load.kind === 'broken' && (
        <>
          <h1 id="editor-message-title">“{flowId}” is not a flow the designer can open</h1>
          <p>Fix the file {flowId}.flow.json in a text editor, or delete it from the flow list. What is wrong:</p>
          <ul className="problem-list">
            {(load.diagnostics.length ? load.diagnostics.map((d) => [d.nodeId, d.path].filter(Boolean).join(' ') + (d.nodeId || d.path ? ': ' : '') + d.message) : load.problems).map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </>
      )}
    </main>
  );
}
