import { vi } from 'vitest';
import type { FlowDocument } from '../../../../shared/flow/document';
import { validateFlow } from '../../../../shared/validate/validate';
import { registry } from '../../../../designer/src/registry';

export interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: any;
}

export interface Reply {
  status: number;
  body?: unknown;
}

/** Answers one request instead of the fake's normal behaviour; return undefined to pass. */
export type Override = (call: Call) => Reply | undefined;

/**
 * A small in-memory stand-in for designer/server/app.ts, installed as `fetch`: flows CRUD with
 * ETags and If-Match, validate, run status. `calls` records every request for assertions.
 */
export class FakeApi {
  readonly flows = new Map<string, { flow: unknown; etag: string }>();
  readonly calls: Call[] = [];
  runStatus: Record<string, unknown> = { state: 'idle', output: [], logs: [] };
  private overrides: Override[] = [];
  private version = 0;

  constructor(docs: readonly unknown[]) {
    for (const d of docs) this.flows.set((d as { id: string }).id, { flow: structuredClone(d), etag: this.nextEtag() });
  }

  nextEtag(): string {
    return `v${++this.version}`;
  }

  etagOf(id: string): string | undefined {
    return this.flows.get(id)?.etag;
  }

  /** Answers the first request `o` accepts, once. */
  once(o: Override): void {
    this.overrides.push(o);
  }

  callsTo(method: string, path: string): Call[] {
    return this.calls.filter((c) => c.method === method && c.path === path);
  }

  handle(call: Call): Reply {
    for (const [i, o] of this.overrides.entries()) {
      const r = o(call);
      if (r) {
        this.overrides.splice(i, 1);
        return r;
      }
    }
    const { method, path } = call;
    const ifMatch = call.headers['If-Match']?.replace(/"/g, '');
    if (method === 'GET' && path === '/api/policy') return { status: 200, body: { file: null, policy: null, problems: [] } };
    if (method === 'GET' && path === '/api/flows') {
      return {
        status: 200,
        body: [...this.flows.entries()].map(([id, { flow }]) => {
          const f = flow as Partial<FlowDocument> | null;
          const d = f ? validateFlow(f, registry) : [];
          return {
            id,
            name: f?.name,
            description: f?.description,
            nodes: Object.keys(f?.nodes ?? {}).length,
            problems: { errors: d.filter((x) => x.severity === 'error').length, warnings: d.filter((x) => x.severity === 'warning').length },
            running: false,
          };
        }),
      };
    }
    if (method === 'POST' && path === '/api/flows') {
      const id = call.body.flow.id as string;
      if (this.flows.has(id)) return { status: 409, body: { error: `a flow with id "${id}" already exists` } };
      const etag = this.nextEtag();
      this.flows.set(id, { flow: call.body.flow, etag });
      return { status: 201, body: { id, etag, diagnostics: [] } };
    }
    const run = /^\/api\/flows\/([^/]+)\/(run|stop)$/.exec(path);
    if (run) {
      if (method === 'GET') return { status: 200, body: this.runStatus };
      return { status: 202, body: { state: 'running' } };
    }
    const one = /^\/api\/flows\/([^/]+)$/.exec(path);
    if (one) {
      const id = decodeURIComponent(one[1] as string);
      const stored = this.flows.get(id);
      if (!stored) return { status: 404, body: { error: `no flow "${id}"` } };
      if (method === 'GET') return { status: 200, body: { flow: stored.flow, etag: stored.etag, diagnostics: [] } };
      if (!ifMatch) return { status: 428, body: { error: 'send If-Match' } };
      if (ifMatch !== stored.etag) return { status: 412, body: { error: 'concurrent edit', etag: stored.etag } };
      if (method === 'PUT') {
        const etag = this.nextEtag();
        this.flows.set(id, { flow: call.body.flow, etag });
        return { status: 200, body: { id, etag, diagnostics: [] } };
      }
      if (method === 'DELETE') {
        this.flows.delete(id);
        return { status: 200, body: { id, deleted: true } };
      }
    }
    return { status: 404, body: { error: 'no such API endpoint' } };
  }
}

class FakeEventSource {
  constructor(readonly url: string) {}
  addEventListener(): void {}
  close(): void {}
}

/** Installs the fake as `fetch` (and a silent EventSource); undo with `vi.unstubAllGlobals()`. */
export function installFakeApi(docs: readonly unknown[] = []): FakeApi {
  const fake = new FakeApi(docs);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const headers = { ...(init.headers as Record<string, string> | undefined) };
      const call: Call = { method: init.method ?? 'GET', path: url, headers, ...(init.body ? { body: JSON.parse(String(init.body)) } : {}) };
      fake.calls.push(call);
      const reply = fake.handle(call);
      const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
      return { ok: reply.status >= 200 && reply.status < 300, status: reply.status, text: async () => text } as unknown as Response;
    }),
  );
  vi.stubGlobal('EventSource', FakeEventSource);
  return fake;
}

export const XSS_NAME = '<img src=x onerror=alert(1)>';

/** A flow without problems: a generator into a log. */
export function cleanFlow(id: string, name?: string): FlowDocument {
  return {
    format: 1,
    id,
    ...(name ? { name } : {}),
    nodes: {
      gen: { type: 'core.generate', version: 1, label: 'Orders', config: { count: 1, template: { a: 1 } } },
      out: { type: 'core.log', version: 1, label: 'Log' },
    },
    edges: [{ from: 'gen:out', to: 'out:in' }],
  };
}
