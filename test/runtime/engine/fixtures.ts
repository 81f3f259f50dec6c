import { z } from 'zod';
import type { FlowDocument, ErrorPolicy } from '../../../shared/flow/document';
import { defineNode, type NodeDefinition, type PortDef } from '../../../shared/node-kit/define';
import type { Message } from '../../../shared/node-kit/message';
import { createRegistry } from '../../../shared/node-kit/registry';
import type { Clock, Emit, Logger, RuntimeContext, Settlement, SourceOutput } from '../../../shared/node-kit/runtime';
import filter from '../../../shared/nodes/core/filter.node';

/** Small node types for engine tests; behaviour comes from closures so each test sees its own state. */

const anyConfig = z.object({}).passthrough();

export function sourceType(
  type: string,
  run: (out: SourceOutput, ctx: RuntimeContext, config: Record<string, unknown>) => Promise<void>,
  hooks: { close?: () => void } = {},
): NodeDefinition {
  return defineNode({
    type,
    version: 1,
    category: 'source',
    title: type,
    summary: 'test source',
    docs: '',
    icon: 'test',
    ports: { inputs: [], outputs: [{ name: 'out' }] },
    config: anyConfig,
    create: (config, ctx) => ({
      role: 'source',
      run: (out) => run(out, ctx, config),
      close: async () => hooks.close?.(),
    }),
    examples: [],
  });
}

export function processorType(
  type: string,
  process: (msg: Message, emit: Emit) => void | Promise<void>,
  options: { outputs?: PortDef[]; close?: () => void } = {},
): NodeDefinition {
  return defineNode({
    type,
    version: 1,
    category: 'transform',
    title: type,
    summary: 'test processor',
    docs: '',
    icon: 'test',
    ports: { inputs: [{ name: 'in' }], outputs: options.outputs ?? [{ name: 'out' }] },
    config: anyConfig,
    create: () => ({ role: 'processor', process, close: async () => options.close?.() }),
    examples: [],
  });
}

export function sinkType(
  type: string,
  write: (msg: Message) => void | Promise<void>,
  hooks: { flush?: () => Promise<void>; close?: () => void } = {},
): NodeDefinition {
  return defineNode({
    type,
    version: 1,
    category: 'sink',
    title: type,
    summary: 'test sink',
    docs: '',
    icon: 'test',
    ports: { inputs: [{ name: 'in' }], outputs: [] },
    config: anyConfig,
    create: () => ({
      role: 'sink',
      write,
      flush: async () => hooks.flush?.(),
      close: async () => hooks.close?.(),
    }),
    examples: [],
  });
}

export function registryOf(...defs: NodeDefinition[]) {
  return createRegistry([filter, ...defs]);
}

/** `nodes` maps id to [type, config?]; edges are "a:out->b:in" strings. */
export function flow(
  nodes: Record<string, [string, Record<string, unknown>?, ErrorPolicy?]>,
  edges: string[],
  errors?: ErrorPolicy,
): FlowDocument {
  const doc: FlowDocument = {
    format: 1,
    id: 'test-flow',
    nodes: Object.fromEntries(
      Object.entries(nodes).map(([id, [type, config, nodeErrors]]) => [
        id,
        { type, version: 1, ...(config ? { config } : {}), ...(nodeErrors ? { errors: nodeErrors } : {}) },
      ]),
    ),
    edges: edges.map((e) => {
      const [from, to] = e.split('->') as [string, string];
      return { from: from.trim(), to: to.trim() };
    }),
  };
  if (errors) doc.errors = errors;
  return doc;
}

/** Records what the engine tells a source about each record. */
export class Settlements {
  acked: number[] = [];
  nacked: Array<{ index: number; error: Error }> = [];
  for(index: number): Settlement {
    return {
      ack: () => void this.acked.push(index),
      nack: (error) => void this.nacked.push({ index, error }),
    };
  }
}

/** Emits the given values in order, awaiting backpressure, each with a Settlement from `settlements`. */
export function listSource(type: string, values: unknown[], settlements: Settlements, hooks: { close?: () => void } = {}): NodeDefinition {
  return sourceType(
    type,
    async (out) => {
      for (const [i, value] of values.entries()) {
        if (out.signal.aborted) return;
        await out.emit({ value, key: `k${i}`, headers: { h: String(i) }, meta: { offset: String(i) } }, settlements.for(i));
      }
    },
    hooks,
  );
}

export interface Deferred {
  msg: Message;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** A sink whose writes stay pending until the test resolves them. */
export function deferredSink(type: string, hooks: { flush?: () => Promise<void>; close?: () => void } = {}) {
  const pending: Deferred[] = [];
  const def = sinkType(
    type,
    (msg) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ msg, resolve, reject });
      }),
    hooks,
  );
  return { def, pending };
}

/** Sleeps resolve at once (after a microtask) and are recorded, so backoff shows without waiting. */
export function instantClock(now = Date.UTC(2024, 0, 2, 3, 4, 5)): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}

export function memoryLogger() {
  const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const make = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  const logger: Logger = { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') };
  return { logger, lines, text: () => lines.map((l) => JSON.stringify(l)).join('\n') };
}

/** Lets pending promise callbacks and immediates run; no wall-clock dependence. */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function until(cond: () => boolean, what: string, maxTicks = 10_000): Promise<void> {
  for (let i = 0; i < maxTicks; i++) {
    if (cond()) return;
    await tick();
  }
  throw new Error(`gave up waiting for: ${what}`);
}
