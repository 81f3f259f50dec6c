import type { FlowDocument } from '../../../shared/flow/document';
import type { Registry } from '../../../shared/node-kit/registry';
import { api, ApiError } from '../api/client';
import { checkFlow } from '../flows/import-flow';
import { canonicalText, type FlowStore } from '../store/flow-store';
import { withToken } from './ui/token';

export type SaveOutcome =
  | { kind: 'saved'; note?: string }
  /** Someone saved in between; `etag` names their version (for "Overwrite"). */
  | { kind: 'conflict'; etag: string; message: string }
  | { kind: 'failed'; message: string };

/**
 * Marks `doc` as the saved version. The store's `markSaved` records the document it holds now,
 * which is newer than `doc` when the user kept typing during the request; those later edits
 * must stay "unsaved".
 */
function markSavedAs(store: FlowStore, registry: Registry, doc: FlowDocument, etag: string): void {
  store.getState().markSaved(etag);
  if (store.getState().doc !== doc) store.setState({ savedText: canonicalText(registry, doc) });
}

/**
 * Writes the open document over the version it was loaded from (`If-Match`), or over `etag`
 * when given (overwriting after a conflict).
 */
export async function saveDoc(store: FlowStore, registry: Registry, etag?: string): Promise<SaveOutcome> {
  const { doc, etag: loaded } = store.getState();
  const base = etag ?? loaded;
  try {
    const saved = base === undefined ? await withToken(() => api.createFlow(doc)) : await withToken(() => api.saveFlow(doc, base));
    markSavedAs(store, registry, doc, saved.etag);
    return { kind: 'saved' };
  } catch (err) {
    if (err instanceof ApiError && err.status === 412) {
      return { kind: 'conflict', etag: typeof err.body.etag === 'string' ? err.body.etag : '', message: err.message };
    }
    if (err instanceof ApiError && err.status === 404 && base !== undefined) {
      // The file was deleted elsewhere while open here: what is on screen is all that is left of it.
      try {
        const saved = await withToken(() => api.createFlow(doc));
        markSavedAs(store, registry, doc, saved.etag);
        return { kind: 'saved', note: 'The file had been deleted elsewhere; it was saved again.' };
      } catch (again) {
        return { kind: 'failed', message: (again as Error).message };
      }
    }
    return { kind: 'failed', message: (err as Error).message };
  }
}

/** Replaces the open document with the version on disk (discarding unsaved edits and history). */
export async function reloadDoc(store: FlowStore, registry: Registry, id: string): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    const stored = await withToken(() => api.getFlow(id));
    const checked = stored.flow === null ? undefined : checkFlow(stored.flow, registry);
    if (!checked?.ok) return { ok: false, message: 'the saved file is no longer a valid flow; open it from the flow list to see its problems' };
    store.getState().load(checked.doc, stored.etag);
    return { ok: true };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** Offers the canonical file text as a download named `<id>.flow.json`. */
export function downloadFlow(registry: Registry, doc: FlowDocument): void {
  const url = URL.createObjectURL(new Blob([canonicalText(registry, doc)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${doc.id}.flow.json`;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
