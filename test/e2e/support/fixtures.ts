import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect } from '@playwright/test';
import { createDesignerServer } from '../../../designer/server/app';
import { registry } from '../../../shared/nodes/index';

export { expect };

export const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/** The designer server a test drives: a private copy of flows/ served with the built app. */
export interface Designer {
  url: string;
  /** The temp copy of flows/ (with data/) the server reads and writes. */
  flowsDir: string;
  /** Exact bytes of `<flowsDir>/<id>.flow.json`. */
  flowText(id: string): Promise<string>;
  flow(id: string): Promise<any>;
  /** Writes a flow file behind the app's back (to set up a test, or to be another editor). */
  writeFlow(id: string, doc: unknown): Promise<void>;
}

/** KEY=VALUE lines of a dotenv file; comments and blank lines skipped. */
export async function readEnvFile(path: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!.trim();
  }
  return env;
}

/** True for the loopback addresses the designer may talk to, and for in-page URLs (data:, blob:). */
export function staysOnMachine(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

interface Fixtures {
  designer: Designer;
  /** Every non-loopback URL the browser tried; each test ends by asserting it is empty. */
  offsite: string[];
  /** Uncaught exceptions in any page of the test; each test ends by asserting there are none. */
  pageErrors: string[];
}

export const test = base.extend<Fixtures>({
  designer: async ({}, use) => {
    const root = await mkdtemp(join(tmpdir(), 'sluice-e2e-'));
    const flowsDir = join(root, 'flows');
    await cp(join(REPO, 'flows'), flowsDir, { recursive: true });
    const server = await createDesignerServer({
      flowsDir,
      registry,
      port: 0,
      staticDir: join(REPO, 'designer/dist'),
      // Only the demo secret: embedded runs see nothing of the test runner's environment.
      env: await readEnvFile(join(REPO, 'flows/demo.env')),
      countersIntervalMs: 200,
    });
    const file = (id: string) => join(flowsDir, `${id}.flow.json`);
    try {
      await use({
        url: server.url,
        flowsDir,
        flowText: (id) => readFile(file(id), 'utf8'),
        flow: async (id) => JSON.parse(await readFile(file(id), 'utf8')),
        writeFlow: (id, doc) => writeFile(file(id), `${JSON.stringify(doc, null, 2)}\n`),
      });
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  },

  baseURL: async ({ designer }, use) => {
    await use(designer.url);
  },

  offsite: [
    async ({ context }, use) => {
      const offsite: string[] = [];
      // Fonts, Monaco, its workers and icons must all come from the designer server itself.
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (staysOnMachine(url)) return route.continue();
        offsite.push(url);
        return route.abort('blockedbyclient');
      });
      await context.routeWebSocket(
        (url) => !staysOnMachine(url.toString().replace(/^ws/, 'http')),
        (ws) => {
          offsite.push(ws.url());
          return ws.close();
        },
      );
      await use(offsite);
      expect(offsite, 'requests that tried to leave the machine').toEqual([]);
    },
    { auto: true },
  ],

  pageErrors: [
    async ({ context }, use) => {
      const errors: string[] = [];
      context.on('weberror', (e) => errors.push(String(e.error()?.stack ?? e.error())));
      await use(errors);
      expect(errors, 'uncaught exceptions in the page').toEqual([]);
    },
    { auto: true },
  ],
});
