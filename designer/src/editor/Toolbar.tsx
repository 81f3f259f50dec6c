import { useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { ArrowLeft, Code, Download, FileUp, Play, Redo2, Save, Square, Undo2, Workflow } from 'lucide-react';
import { useStore } from 'zustand';
import { useDesigner, useFlowState } from '../context';
import { LIST_HREF } from '../flows/routes';
import { isDirty, useHistory } from '../store/flow-store';
import { testIds } from '../testids';
import { isActive, RUN_STATE_LABELS } from './run-status';

export type CenterView = 'canvas' | 'code';

export interface ToolbarProps {
  view: CenterView;
  onView(view: CenterView): void;
  onUndo(): void;
  onRedo(): void;
  onSave(): void;
  onRun(): void;
  onStop(): void;
  onImportFile(file: File): void;
  onExport(): void;
  /** Clicking "Flows": the page may hold the navigation to ask about unsaved changes. */
  onLeave(e: MouseEvent<HTMLAnchorElement>): void;
}

/** The editor's top bar: back to the list, flow name, history, view, files, save and run. */
export function Toolbar(p: ToolbarProps) {
  const { store, runs, registry } = useDesigner();
  const name = useFlowState((s) => s.doc.name ?? '');
  const id = useFlowState((s) => s.doc.id);
  const dirty = useFlowState((s) => isDirty(registry, s));
  const canUndo = useHistory(store, (h) => h.pastStates.length > 0);
  const canRedo = useHistory(store, (h) => h.futureStates.length > 0);
  const runState = useStore(runs, (s) => s.state);
  const file = useRef<HTMLInputElement>(null);
  const running = isActive(runState);

  // Arrow keys step between the bar's buttons; inside the name field they move the caret.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    if (e.target instanceof HTMLInputElement) return;
    const items = Array.from(e.currentTarget.querySelectorAll<HTMLElement>('a[href], button:not([disabled]), input:not([type="file"])'));
    const at = items.indexOf(e.target as HTMLElement);
    if (at < 0) return;
    e.preventDefault();
    items[(at + (e.key === 'ArrowRight' ? 1 : items.length - 1)) % items.length]?.focus();
  };

  return (
    <header className="editor-header">
      <div role="toolbar" aria-label="Flow" className="editor-toolbar" onKeyDown={onKeyDown}>
        <a className="btn btn-quiet" href={LIST_HREF} onClick={p.onLeave}>
          <ArrowLeft size={16} aria-hidden /> Flows
        </a>
        <input
          className="toolbar-name"
          aria-label="Flow name"
          placeholder={id}
          value={name}
          spellCheck={false}
          onChange={(e) => store.getState().setFlowMeta({ name: e.target.value }, { coalesce: 'flow:name' })}
        />
        <span className="toolbar-unsaved">
          {dirty && (
            <>
              <span className="toolbar-dot" aria-hidden />
              Unsaved changes
            </>
          )}
        </span>

        <span className="toolbar-sep" aria-hidden />
        <button type="button" className="btn btn-icon" aria-label="Undo" title="Undo (Ctrl+Z)" aria-keyshortcuts="Control+Z" disabled={!canUndo} onClick={p.onUndo}>
          <Undo2 size={16} aria-hidden />
        </button>
        <button type="button" className="btn btn-icon" aria-label="Redo" title="Redo (Ctrl+Y)" aria-keyshortcuts="Control+Y Control+Shift+Z" disabled={!canRedo} onClick={p.onRedo}>
          <Redo2 size={16} aria-hidden />
        </button>

        <span className="toolbar-sep" aria-hidden />
        <span className="toolbar-group" role="group" aria-label="View">
          <button type="button" className="btn" aria-pressed={p.view === 'canvas'} onClick={() => p.onView('canvas')}>
            <Workflow size={16} aria-hidden /> Canvas
          </button>
          <button type="button" className="btn" aria-pressed={p.view === 'code'} onClick={() => p.onView('code')}>
            <Code size={16} aria-hidden /> Code
          </button>
        </span>

        <span className="toolbar-sep" aria-hidden />
        <button type="button" className="btn" title="Replace this flow with a .flow.json file" onClick={() => file.current?.click()}>
          <FileUp size={16} aria-hidden /> Import
        </button>
        <input
          ref={file}
          type="file"
          accept=".json,application/json"
          className="sr-only"
          tabIndex={-1}
          aria-label="Import a flow file into this flow"
          onChange={(e) => {
            const picked = e.target.files?.[0];
            e.target.value = '';
            if (picked) p.onImportFile(picked);
          }}
        />
        <button type="button" className="btn" title={`Download ${id}.flow.json`} onClick={p.onExport}>
          <Download size={16} aria-hidden /> Export
        </button>

        <span className="toolbar-spacer" />
        <button type="button" className="btn" aria-keyshortcuts="Control+S" title="Save (Ctrl+S)" onClick={p.onSave}>
          <Save size={16} aria-hidden /> Save
        </button>
        {running ? (
          <button type="button" className="btn btn-danger" disabled={runState !== 'running'} onClick={p.onStop}>
            <Square size={14} aria-hidden /> Stop
          </button>
        ) : (
          <button type="button" className="btn btn-primary" onClick={p.onRun}>
            <Play size={16} aria-hidden /> Run
          </button>
        )}
        <span className={`toolbar-run toolbar-run-${runState}`}>
          <span className="sr-only">Run state: </span>
          <span className="toolbar-run-dot" aria-hidden />
          <span data-testid={testIds.runState}>{RUN_STATE_LABELS[runState]}</span>
        </span>
      </div>
    </header>
  );
}
