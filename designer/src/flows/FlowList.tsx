import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CircleX, Copy, FileUp, Pencil, Plus, Search, Trash2, TriangleAlert } from 'lucide-react';
import type { FlowDocument } from '../../../shared/flow/document';
import { slugify } from '../../../shared/flow/document';
import { api, ApiError, type FlowSummary } from '../api/client';
import { registry } from '../registry';
import { emptyFlow } from '../store/doc-ops';
import { testIds } from '../testids';
import { ToastRegion, useToast } from '../editor/ui/Toast';
import { withToken } from '../editor/ui/token';
import { ConfirmDialog } from './ConfirmDialog';
import { parseFlowFile, readFileText } from './import-flow';
import { NameIdDialog } from './NameIdDialog';
import { ProblemListDialog } from './ProblemListDialog';
import { flowHref, navigate } from './routes';
import './flow-list.css';

type Open =
  | { kind: 'new' }
  | { kind: 'duplicate'; flow: FlowSummary }
  | { kind: 'rename'; flow: FlowSummary }
  | { kind: 'delete'; flow: FlowSummary }
  | { kind: 'import-id'; doc: FlowDocument; file: string }
  | { kind: 'import-problems'; file: string; problems: string[] };

function displayName(f: { id: string; name?: string }): string {
  return f.name?.trim() ? f.name : f.id;
}

function matches(f: FlowSummary, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [f.name, f.id, f.description].some((s) => s?.toLowerCase().includes(q));
}

/** Loads a flow for an edit made from the list; a file that is not a flow cannot be edited here. */
async function loadForEdit(id: string): Promise<{ flow: FlowDocument; etag: string }> {
  const stored = await withToken(() => api.getFlow(id));
  if (!stored.flow) throw new Error(`"${id}" is not a valid flow file, so it cannot be changed here. Open it to see its problems.`);
  return { flow: stored.flow, etag: stored.etag };
}

/** The start page: every flow in the flows folder, with search and the file-level actions. */
export function FlowList() {
  const [flows, setFlows] = useState<FlowSummary[]>();
  const [loadError, setLoadError] = useState<string>();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Open>();
  const { toast, show, dismiss } = useToast();
  const fileInput = useRef<HTMLInputElement>(null);

  const refresh = useCallback(async () => {
    try {
      setFlows(await withToken(() => api.listFlows()));
      setLoadError(undefined);
    } catch (err) {
      setLoadError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    document.title = 'Flows · Sluice designer';
    void refresh();
  }, [refresh]);

  const ids = useMemo(() => (flows ?? []).map((f) => f.id), [flows]);
  const shown = useMemo(() => (flows ?? []).filter((f) => matches(f, query)), [flows, query]);
  const close = () => setOpen(undefined);

  const onImportFile = async (file: File | undefined) => {
    if (!file) return;
    let text: string;
    try {
      text = await readFileText(file);
    } catch (err) {
      show(`Could not read ${file.name}: ${(err as Error).message}`, 'error');
      return;
    }
    const parsed = parseFlowFile(text, registry);
    if (!parsed.ok) return setOpen({ kind: 'import-problems', file: file.name, problems: parsed.problems });
    if (ids.includes(parsed.doc.id)) return setOpen({ kind: 'import-id', doc: parsed.doc, file: file.name });
    try {
      await withToken(() => api.createFlow(parsed.doc));
      show(`Imported "${displayName(parsed.doc)}".`);
      await refresh();
    } catch (err) {
      show(`Could not import ${file.name}: ${(err as Error).message}`, 'error');
    }
  };

  return (
    <main className="flows-page" aria-labelledby="flows-title">
      <header className="flows-header">
        <h1 id="flows-title">Flows</h1>
        <div className="flows-actions">
          <button type="button" className="btn" onClick={() => fileInput.current?.click()}>
            <FileUp size={16} aria-hidden /> Import
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            aria-label="Import a flow file"
            className="sr-only"
            tabIndex={-1}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              void onImportFile(file);
            }}
          />
          <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'new' })}>
            <Plus size={16} aria-hidden /> New flow
          </button>
        </div>
      </header>

      <div className="flows-search">
        <Search size={16} aria-hidden className="flows-search-icon" />
        <input type="search" aria-label="Search flows" placeholder="Search by name, id or description" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>

      {loadError && (
        <p className="form-error" role="alert">
          Could not load the flows: {loadError}
        </p>
      )}
      {!flows && !loadError && <p className="flows-empty">Loading flows…</p>}
      {flows && flows.length === 0 && <p className="flows-empty">No flows yet. Create one with “New flow”, or import a .flow.json file.</p>}
      {flows && flows.length > 0 && shown.length === 0 && <p className="flows-empty">No flows match “{query}”.</p>}
      {shown.length > 0 && (
        <table className="flows-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col" className="num">
                Nodes
              </th>
              <th scope="col">Problems</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((f) => (
              <FlowRow key={f.id} flow={f} onAction={(kind) => setOpen({ kind, flow: f })} />
            ))}
          </tbody>
        </table>
      )}

      {open?.kind === 'new' && (
        <NameIdDialog
          title="New flow"
          submitLabel="Create"
          initialName=""
          initialId=""
          autoId
          taken={ids}
          idHelp={(id) => `The id is the file name: ${id || '<id>'}.flow.json. It is made from the name; you can change it now, not later without renaming the file.`}
          onSubmit={async (name, id) => {
            await withToken(() => api.createFlow(emptyFlow(id, name)));
            close();
            navigate(flowHref(id));
          }}
          onClose={close}
        />
      )}

      {open?.kind === 'duplicate' && (
        <NameIdDialog
          title={`Duplicate “${displayName(open.flow)}”`}
          submitLabel="Duplicate"
          initialName={`${displayName(open.flow)} (copy)`}
          initialId={`${open.flow.id}-copy`}
          taken={ids}
          idHelp={(id) => `The copy is saved as ${id || '<id>'}.flow.json.`}
          onSubmit={async (name, id) => {
            const { flow } = await loadForEdit(open.flow.id);
            await withToken(() => api.createFlow({ ...flow, id, name }));
            close();
            show(`Duplicated as "${name}".`);
            await refresh();
          }}
          onClose={close}
        />
      )}

      {open?.kind === 'rename' && (
        <NameIdDialog
          title={`Rename “${displayName(open.flow)}”`}
          submitLabel="Rename"
          initialName={open.flow.name ?? ''}
          initialId={open.flow.id}
          currentId={open.flow.id}
          taken={ids.filter((i) => i !== open.flow.id)}
          idHelp={(id) =>
            id === open.flow.id
              ? `The id is also the file name (${open.flow.id}.flow.json). Changing it is optional: a new id creates a new file and deletes the old one, so anything that refers to "${open.flow.id}" must then be updated.`
              : `Renaming creates ${id || '<id>'}.flow.json and then deletes ${open.flow.id}.flow.json. Anything that refers to "${open.flow.id}" (scripts, bundles, bookmarks) must be updated.`
          }
          onSubmit={async (name, id) => {
            await renameFlow(open.flow, name, id);
            close();
            show(`Renamed to "${name}".`);
            await refresh();
          }}
          onClose={close}
        />
      )}

      {open?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete flow?"
          confirmLabel="Delete"
          danger
          onConfirm={async () => {
            const { etag } = await withToken(() => api.getFlow(open.flow.id));
            await withToken(() => api.deleteFlow(open.flow.id, etag));
            close();
            show(`Deleted "${displayName(open.flow)}".`);
            await refresh();
          }}
          onClose={close}
        >
          <p>
            Delete the flow “{displayName(open.flow)}” ({open.flow.id}.flow.json)? The file is removed from the flows folder; this cannot be undone.
          </p>
        </ConfirmDialog>
      )}

      {open?.kind === 'import-id' && (
        <NameIdDialog
          title="Import under another id"
          submitLabel="Import"
          initialName={displayName(open.doc)}
          initialId={slugify(open.doc.id, ids)}
          taken={ids}
          intro={<p>A flow with the id “{open.doc.id}” already exists. Import {open.file} under another id, or cancel.</p>}
          idHelp={(id) => `The imported flow is saved as ${id || '<id>'}.flow.json.`}
          onSubmit={async (name, id) => {
            await withToken(() => api.createFlow({ ...open.doc, id, name }));
            close();
            show(`Imported "${name}".`);
            await refresh();
          }}
          onClose={close}
        />
      )}

      {open?.kind === 'import-problems' && (
        <ProblemListDialog title="Cannot import this file" intro={`${open.file} is not a flow the designer can open:`} problems={open.problems} onClose={close} />
      )}

      <ToastRegion toast={toast} onDismiss={dismiss} />
    </main>
  );
}

/** Rename keeps the file when the id stays; a new id is a new file, then the old one goes. */
async function renameFlow(summary: FlowSummary, name: string, id: string): Promise<void> {
  const { flow, etag } = await loadForEdit(summary.id);
  if (id === summary.id) {
    await withToken(() => api.saveFlow({ ...flow, name }, etag));
    return;
  }
  if (summary.running) throw new Error(`"${displayName(summary)}" is running. Stop it before changing its id.`);
  await withToken(() => api.createFlow({ ...flow, id, name }));
  try {
    await withToken(() => api.deleteFlow(summary.id, etag));
  } catch (err) {
    const why = err instanceof ApiError ? err.message : String(err);
    throw new Error(`The flow was saved as "${id}", but the old file ${summary.id}.flow.json could not be deleted: ${why}`);
  }
}

function FlowRow({ flow, onAction }: { flow: FlowSummary; onAction(kind: 'duplicate' | 'rename' | 'delete'): void }) {
  const { errors, warnings } = flow.problems;
  return (
    <tr data-testid={testIds.flowRow(flow.id)}>
      <td className="flows-name">
        <span className={flow.name ? undefined : 'muted'}>{displayName(flow)}</span>
        {flow.description && <span className="flows-description">{flow.description}</span>}
      </td>
      <td className="mono flows-id">{flow.id}</td>
      <td className="num">{flow.nodes}</td>
      <td>
        {errors === 0 && warnings === 0 ? (
          <span className="muted">None</span>
        ) : (
          <span className="flows-problems">
            {errors > 0 && (
              <span className="flows-errors">
                <CircleX size={14} aria-hidden /> {errors} {errors === 1 ? 'error' : 'errors'}
              </span>
            )}
            {warnings > 0 && (
              <span className="flows-warnings">
                <TriangleAlert size={14} aria-hidden /> {warnings} {warnings === 1 ? 'warning' : 'warnings'}
              </span>
            )}
          </span>
        )}
      </td>
      <td className="flows-status">{flow.running ? <span className="badge badge-running">Running</span> : <span className="muted">Not running</span>}</td>
      <td>
        <div className="flows-row-actions">
          <a className="btn btn-small btn-primary" href={flowHref(flow.id)}>
            Open
          </a>
          <button type="button" className="btn btn-small" onClick={() => onAction('duplicate')}>
            <Copy size={14} aria-hidden /> Duplicate
          </button>
          <button type="button" className="btn btn-small" onClick={() => onAction('rename')}>
            <Pencil size={14} aria-hidden /> Rename
          </button>
          <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => onAction('delete')}>
            <Trash2 size={14} aria-hidden /> Delete
          </button>
        </div>
      </td>
    </tr>
  );
}
