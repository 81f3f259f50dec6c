import { createServer } from 'node:net';
import type { Logger } from '../../shared/node-kit/runtime';

/**
 * Helpers every broker's integration tests share (Kafka, NATS, MQ, conformance): a logger that
 * keeps its lines, polling until a condition holds, a free loopback port, and payload bytes.
 */

export interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps every line, for assertions on connection-state logs and for failure messages. */
export function memoryLogger(): Logger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const push = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, ...(fields ? { fields } : {}) });
  return {
    lines,
    text: () => lines.map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.fields ?? {})}`).join('\n'),
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
  };
}

/** Polls `check` until it returns true; rejects after `timeoutMs` with `what` and the last state described by `describe`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, options: { timeoutMs?: number; describe?: () => string } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${options.describe ? `; last state: ${options.describe()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Polls `check` until it returns a value other than undefined/false and returns that value; a
 * throwing check counts as not yet (its error is named if time runs out). Fails naming `what`
 * after `timeoutMs`.
 */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A loopback port nothing listens on (for an unreachable broker, or a server of a test's own). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const text = (b: Uint8Array) => new TextDecoder().decode(b);
export const bytes = (s: string) => new TextEncoder().encode(s);
export const json = (v: unknown) => bytes(JSON.stringify(v));
