import { cp, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../../..', import.meta.url).pathname;

/** A temp folder holding a copy of flows/ (as `<tmp>/flows`) and the `out/` folder it writes to. */
export async function tempFlows(): Promise<{ root: string; flowsDir: string; cleanup(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'sluice-designer-'));
  const flowsDir = join(root, 'flows');
  await cp(join(ROOT, 'flows'), flowsDir, { recursive: true });
  return { root, flowsDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/**
 * One HTTP request with the path sent exactly as given (fetch would normalise `..` and `%2e%2e`
 * before they reach the server).
 */
export function raw(base: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const url = new URL(base);
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Reads a Server-Sent Events stream until it ends, calling `onEvent` for each event. */
export function readEvents(base: string, path: string, onEvent: (name: string, data: any) => void): Promise<Array<{ name: string; data: any }>> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const events: Array<{ name: string; data: any }> = [];
    const req = request({ host: url.hostname, port: url.port, method: 'GET', path }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
          events.push({ name, data });
          onEvent(name, data);
        }
      });
      res.on('end', () => resolve(events));
    });
    req.on('error', reject);
    req.end();
  });
}
