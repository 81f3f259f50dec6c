import type { FlowDocument } from '../../../shared/flow/document';
import type { Diagnostic } from '../../../shared/validate/diagnostic';
import type { Policy } from '../../../shared/governance/policy';

/**
 * The designer server's JSON API (designer/server/app.ts). Every call rejects with an
 * `ApiError` carrying the HTTP status and the server's message, so the UI can show it as is.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface FlowSummary {
  id: string;
  name?: string;
  description?: string;
  nodes: number;
  problems: { errors: number; warnings: number };
  running: boolean;
}

/** A flow as loaded: `flow` is null when the file is not JSON (the diagnostics say why). */
export interface StoredFlow {
  flow: FlowDocument | null;
  etag: string;
  diagnostics: Diagnostic[];
}

export interface SavedFlow {
  id: string;
  etag: string;
  diagnostics: Diagnostic[];
}

export interface NodeCounts {
  in: number;
  out: number;
  dropped: number;
  errors: number;
  [k: string]: number;
}

export interface CountersEvent {
  state: string;
  counters: { nodes: Record<string, NodeCounts>; sources: Record<string, Record<string, number>> } | null;
  summary?: unknown;
  error?: string | null;
}

/** Token for designers served off loopback; kept in sessionStorage, asked for once. */
function authHeaders(): Record<string, string> {
  const token = typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem('sluice.token');
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ data: T; res: Response }> {
  const res = await fetch(`/api${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...authHeaders(), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = { error: text };
  }
  if (!res.ok) {
    const obj = (data ?? {}) as Record<string, unknown>;
    throw new ApiError(res.status, typeof obj.error === 'string' ? obj.error : `${method} ${path} failed with HTTP ${res.status}`, obj);
  }
  return { data: data as T, res };
}

export const api = {
  async listFlows(): Promise<FlowSummary[]> {
    return (await call<FlowSummary[]>('GET', '/flows')).data;
  },
  async getFlow(id: string): Promise<StoredFlow> {
    return (await call<StoredFlow>('GET', `/flows/${encodeURIComponent(id)}`)).data;
  },
  /** Creates a new flow file; rejects with status 409 when the id is taken. */
  async createFlow(flow: FlowDocument): Promise<SavedFlow> {
    return (await call<SavedFlow>('POST', '/flows', { flow })).data;
  },
  /** Saves over the version `etag` names; rejects with status 412 (body.etag: the current one) when someone saved in between. */
  async saveFlow(flow: FlowDocument, etag: string): Promise<SavedFlow> {
    return (await call<SavedFlow>('PUT', `/flows/${encodeURIComponent(flow.id)}`, { flow }, { 'If-Match': `"${etag}"` })).data;
  },
  /** Deletes the version `etag` names; 412 when it changed, 409 while it runs. */
  async deleteFlow(id: string, etag: string): Promise<void> {
    await call('DELETE', `/flows/${encodeURIComponent(id)}`, undefined, { 'If-Match': `"${etag}"` });
  },
  /** The flows folder's governance policy (null: the built-in default) and any problems with it. */
  async getPolicy(): Promise<{ file: string | null; policy: Policy | null; problems: Array<{ message: string; path: string }> }> {
    return (await call<{ file: string | null; policy: Policy | null; problems: Array<{ message: string; path: string }> }>('GET', '/policy')).data;
  },
  async validate(flow: unknown): Promise<Diagnostic[]> {
    const { data } = await call<{ diagnostics: Diagnostic[] }>('POST', '/validate', { flow });
    return data.diagnostics;
  },
  async run(id: string): Promise<unknown> {
    const { data } = await call('POST', `/flows/${encodeURIComponent(id)}/run`);
    return data;
  },
  async stop(id: string): Promise<unknown> {
    const { data } = await call('POST', `/flows/${encodeURIComponent(id)}/stop`);
    return data;
  },
  async runStatus(id: string): Promise<Record<string, unknown>> {
    const { data } = await call<Record<string, unknown>>('GET', `/flows/${encodeURIComponent(id)}/run`);
    return data;
  },
  /** Live counters of a run; returns a function that closes the stream. */
  counters(id: string, onEvent: (kind: 'counters' | 'end', e: CountersEvent) => void): () => void {
    const source = new EventSource(`/api/flows/${encodeURIComponent(id)}/counters/stream`);
    source.addEventListener('counters', (m) => onEvent('counters', JSON.parse((m as MessageEvent).data) as CountersEvent));
    source.addEventListener('end', (m) => {
      onEvent('end', JSON.parse((m as MessageEvent).data) as CountersEvent);
      source.close();
    });
    return () => source.close();
  },
};
