import { useCallback, useEffect, useRef, useState, type MouseEvent } from 'react';
import type { FlowDocument } from '../../../shared/flow/document';
import { Canvas } from '../canvas/Canvas';
import { CodeView } from '../code/CodeView';
import { useDesigner, useFlowState } from '../context';
import { ConfirmDialog } from '../flows/ConfirmDialog';
import { parseFlowFile, readFileText } from '../flows/import-flow';
import { ProblemListDialog } from '../flows/ProblemListDialog';
import { LIST_HREF, navigate } from '../flows/routes';
import { Inspector } from '../inspector/Inspector';
import { Palette } from '../palette/Palette';
import { diagnosticsOf, isDirty } from '../store/flow-store';
import { BottomPanel, type BottomTab } from './BottomPanel';
import { useGlobalKeys, useUnloadWarning } from './keys';
import { downloadFlow, reloadDoc, saveDoc } from './save';
import { Toolbar, type CenterView } from './Toolbar';
import { Dialog, DialogActions } from './ui/Dialog';
import { ToastRegion, useToast } from './ui/Toast';
import './editor.css';

type EditorDialog =
  | { kind: 'conflict'; etag: string; message: string }
  | { kind: 'import-adopt'; doc: FlowDocument; file: string }
  | { kind: 'import-problems'; file: string; problems: string[] }
  | { kind: 'leave' };

/**
 * The editor screen of the open flow (from `useDesigner()`): toolbar, palette, canvas or code,
 * inspector, problems and run. Owns saving, running, import/export and the global keys.
 */
export function EditorShell() {
  const { store, runs, registry } = useDesigner();
  const flowId = useFlowState((s) => s.doc.id);
  const flowName = useFlowState((s) => s.doc.name);
  const notice = useFlowState((s) => s.notice);
  const [view, setView] = useState<CenterView>('canvas');
  const [tab, setTab] = useState<BottomTab>('problems');
  const [panelOpen, setPanelOpen] = useState(true);
  const [dialog, setDialog] = useState<EditorDialog>();
  const { toast, show, dismiss } = useToast();
  const saving = useRef<Promise<boolean> | undefined>(undefined);

  useEffect(() => {
    if (notice) show(notice.text);
  }, [notice, show]);

  useEffect(() => {
    document.title = `${flowName?.trim() || flowId} · Sluice designer`;
  }, [flowName, flowId]);

  const dirty = useCallback(() => isDirty(registry, store.getState()), [registry, store]);
  const undo = useCallback(() => store.temporal.getState().undo(), [store]);
  const redo = useCallback(() => store.temporal.getState().redo(), [store]);

  /** Resolves true once saved; a second request while one is in flight joins it. */
  const save = useCallback((etag?: string): Promise<boolean> => {
    if (saving.current) return saving.current;
    const attempt = (async () => {
      const outcome = await saveDoc(store, registry, etag);
      if (outcome.kind === 'saved') {
        setDialog(undefined);
        show(outcome.note ?? 'Saved');
        return true;
      }
      if (outcome.kind === 'conflict') {
        setDialog({ kind: 'conflict', etag: outcome.etag, message: outcome.message });
        return false;
      }
      show(`Could not save: ${outcome.message}`, 'error');
      return false;
    })();
    saving.current = attempt;
    void attempt.finally(() => {
      saving.current = undefined;
    });
    return attempt;
  }, [store, registry, show]);

  const run = useCallback(async () => {
    const errors = diagnosticsOf(registry, store.getState().doc).filter((d) => d.severity === 'error').length;
    if (errors > 0) {
      show(`Fix the ${errors} ${errors === 1 ? 'error' : 'errors'} first`, 'error');
      setTab('problems');
      setPanelOpen(true);
      return;
    }
    if (dirty() && !(await save())) return;
    setTab('run');
    setPanelOpen(true);
    await runs.getState().start(store.getState().doc.id);
    const after = runs.getState();
    if (after.state === 'failed') show(`The flow could not start: ${after.error ?? 'unknown error'}`, 'error');
  }, [registry, store, runs, dirty, save, show]);

  const stop = useCallback(() => void runs.getState().stop(), [runs]);

  const applyImport = (doc: FlowDocument, file: string) => {
    store.getState().replaceDoc({ ...doc, id: store.getState().doc.id });
    store.getState().select({ nodes: [], edges: [], notes: [] });
    setDialog(undefined);
    show(`Imported ${file}. Undo puts the previous version back; Save keeps the import.`);
  };

  const importFile = async (file: File) => {
    let text: string;
    try {
      text = await readFileText(file);
    } catch (err) {
      show(`Could not read ${file.name}: ${(err as Error).message}`, 'error');
      return;
    }
    const parsed = parseFlowFile(text, registry);
    if (!parsed.ok) setDialog({ kind: 'import-problems', file: file.name, problems: parsed.problems });
    else if (parsed.doc.id !== store.getState().doc.id) setDialog({ kind: 'import-adopt', doc: parsed.doc, file: file.name });
    else applyImport(parsed.doc, file.name);
  };

  const exportFile = () => {
    try {
      downloadFlow(registry, store.getState().doc);
    } catch (err) {
      show(`Could not export: ${(err as Error).message}`, 'error');
    }
  };

  const onLeave = (e: MouseEvent<HTMLAnchorElement>) => {
    if (!dirty()) return;
    e.preventDefault();
    setDialog({ kind: 'leave' });
  };

  useGlobalKeys({ undo, redo, save: () => void save() });
  useUnloadWarning(dirty);

  const close = () => setDialog(undefined);

  return (
    <div className="editor">
      <Toolbar
        view={view}
        onView={setView}
        onUndo={undo}
        onRedo={redo}
        onSave={() => void save()}
        onRun={() => void run()}
        onStop={stop}
        onImportFile={(f) => void importFile(f)}
        onExport={exportFile}
        onLeave={onLeave}
      />
      <div className="editor-body">
        <aside className="editor-palette" aria-label="Palette">
          <Palette />
        </aside>
        <main className="editor-center" aria-label={view === 'code' ? 'Code' : 'Canvas'}>
          {view === 'code' ? <CodeView /> : <Canvas />}
        </main>
        <aside className="editor-inspector" aria-label="Inspector">
          <Inspector />
        </aside>
      </div>
      <BottomPanel tab={tab} onTab={setTab} open={panelOpen} onOpen={setPanelOpen} />

      {dialog?.kind === 'conflict' && (
        <Dialog title="Someone else saved this flow" onClose={close} alert describedBy="conflict-text">
          <div id="conflict-text">
            <p>The flow changed on disk since you opened it, for example in another tab or by a colleague.</p>
            <p>Reload to discard your changes and load theirs, or overwrite to replace their version with yours.</p>
          </div>
          <DialogActions>
            <button type="button" className="btn" onClick={close} data-autofocus>
              Cancel
            </button>
            <button
              type="button"
              className="btn"
              onClick={async () => {
                const r = await reloadDoc(store, registry, flowId);
                close();
                show(r.ok ? 'Loaded the saved version.' : `Could not reload: ${r.message}`, r.ok ? 'info' : 'error');
              }}
            >
              Reload
            </button>
            <button type="button" className="btn btn-danger" onClick={() => void save(dialog.etag)}>
              Overwrite
            </button>
          </DialogActions>
        </Dialog>
      )}

      {dialog?.kind === 'import-adopt' && (
        <ConfirmDialog title="Import into this flow?" confirmLabel="Import" onConfirm={() => applyImport(dialog.doc, dialog.file)} onClose={close}>
          <p>
            {dialog.file} holds the flow “{dialog.doc.id}”, not “{flowId}”. Its nodes and settings replace what is open here, and it keeps the id “{flowId}”. Undo puts
            the current version back.
          </p>
        </ConfirmDialog>
      )}

      {dialog?.kind === 'import-problems' && (
        <ProblemListDialog title="Cannot import this file" intro={`${dialog.file} is not a flow the designer can open:`} problems={dialog.problems} onClose={close} />
      )}

      {dialog?.kind === 'leave' && (
        <Dialog title="Leave with unsaved changes?" onClose={close} alert describedBy="leave-text">
          <p id="leave-text">This flow has changes that are not saved yet.</p>
          <DialogActions>
            <button type="button" className="btn" onClick={close} data-autofocus>
              Cancel
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                close();
                navigate(LIST_HREF);
              }}
            >
              Leave without saving
            </button>
            <button
              type="button"
              className="btn btn-primary"
              onClick={async () => {
                if (await save()) navigate(LIST_HREF);
              }}
            >
              Save and leave
            </button>
          </DialogActions>
        </Dialog>
      )}

      <ToastRegion toast={toast} onDismiss={dismiss} />
    </div>
  );
}
