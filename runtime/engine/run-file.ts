import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseFlowText } from '../../shared/flow/migrate';
import type { Registry } from '../../shared/node-kit/registry';
import type { HttpClient, LineWriter, Logger } from '../../shared/node-kit/runtime';
import { compileFlow } from '../compiler/compile';
import { parseEnvFile } from './env-file';
import { startFlow, type RunSummary, type StartOptions } from './engine';

export interface RunFileOptions {
  registry: Registry;
  /** A `.env` style file; its values are used where the process environment has none. */
  envFile?: string;
  /** The environment `${env:…}` and the default secret store read; `process.env` by default. */
  env?: Record<string, string | undefined>;
  stdout?: LineWriter;
  logger?: Logger;
  http?: HttpClient;
  /** Aborting it stops the flow gracefully (the CLI wires it to SIGTERM and SIGINT). */
  signal?: AbortSignal;
  /** Passed to startFlow. */
  maxInFlight?: number;
  stopDeadlineMs?: number;
}

/**
 * Runs one flow file to the end: reads and parses it (format migrations included), compiles it
 * against `registry`, starts it with relative paths resolved against the file's folder, and
 * stops it gracefully when `signal` aborts. Resolves with the summary once every source ended
 * or the stop finished; rejects when the file cannot be read, parsed or compiled, a reference
 * is missing, or the flow fails (see RunningFlow.done).
 */
export async function runFlowFile(path: string, options: RunFileOptions): Promise<RunSummary> {
  const file = resolve(path);
  let doc;
  try {
    doc = parseFlowText(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
  }
  const plan = compileFlow(doc, options.registry);
  const fileEnv = options.envFile ? parseEnvFile(await readFile(options.envFile, 'utf8'), options.envFile) : {};
  const start: StartOptions = {
    baseDir: dirname(file),
    env: { ...fileEnv, ...definedOnly(options.env ?? process.env) },
  };
  if (options.stdout) start.stdout = options.stdout;
  if (options.logger) start.logger = options.logger;
  if (options.http) start.http = options.http;
  if (options.maxInFlight !== undefined) start.maxInFlight = options.maxInFlight;
  if (options.stopDeadlineMs !== undefined) start.stopDeadlineMs = options.stopDeadlineMs;
  if (options.signal?.aborted) throw new Error(`${path}: not started, the run was cancelled`);
  const flow = await startFlow(plan, start);
  const onAbort = () => void flow.stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    return await flow.done;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
