/**
 * bench/engine: the orders flow (flows/orders-by-region.flow.json) over N generated records,
 * compiled and run by the engine, against a hand-written TypeScript function doing the same
 * work in the same process: the same generator, filter total > 1000, drop the name, HMAC the
 * e-mail, mask IBAN and cards, route by region, one JSON line per record to the same sinks.
 *
 * Both sides write EU records to a counting line writer (no terminal I/O) and the rest to files
 * in a temp dir through the same group-committing appender, so the ratio measures what the
 * engine, its expressions and its node modules add. Runs alternate, best of each is reported.
 *
 *   npm run bench:engine [-- --records 1000000 --rounds 3]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFlowText } from '../../shared/flow/migrate';
import type { FlowDocument } from '../../shared/flow/document';
import { registry } from '../../shared/nodes';
import generate from '../../shared/nodes/core/generate.node.ts';
import type { LineWriter, RuntimeContext, SourceRuntime } from '../../shared/node-kit/runtime';
import type { JsonObject } from '../../shared/node-kit/message';
import { compileFlow } from '../../runtime/compiler/compile';
import { startFlow } from '../../runtime/engine/engine';
import { nodeCrypto, nodeFiles, silentLogger as quiet, systemClock } from '../../runtime/engine/context';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    // For profiling one side: --only flow | hand
    only: { type: 'string' },
    'max-in-flight': { type: 'string' },
  },
});
const RECORDS = Number(values.records);
const ROUNDS = Number(values.rounds);
const KEY = 'bench-key';
const flowPath = resolve(import.meta.dirname, '../../flows/orders-by-region.flow.json');


class CountingWriter implements LineWriter {
  lines = 0;
  bytes = 0;
  writeLine(line: string): void {
    this.lines++;
    this.bytes += line.length + 1;
  }
}

function benchDoc(): FlowDocument {
  const doc = parseFlowText(readFileSync(flowPath, 'utf8'));
  const orders = doc.nodes.orders;
  if (!orders?.config) throw new Error('flows/orders-by-region.flow.json has no "orders" generator');
  // As fast as the flow takes records, and enough of them.
  const { rate: _rate, ...config } = orders.config;
  orders.config = { ...config, count: RECORDS };
  // Files go to the temp dir of each run (paths are resolved against baseDir).
  for (const id of ['us-file', 'other-file']) {
    const node = doc.nodes[id];
    if (node?.config) node.config = { ...node.config, path: `${id}.jsonl` };
  }
  return doc;
}

async function runFlow(dir: string): Promise<{ ms: number; lines: number }> {
  const stdout = new CountingWriter();
  const plan = compileFlow(benchDoc(), registry);
  const t0 = performance.now();
  const flow = await startFlow(plan, {
    baseDir: dir,
    logger: quiet,
    stdout,
    env: { SLUICE_SECRET_PII_HASH_KEY: KEY },
    ...(values['max-in-flight'] ? { maxInFlight: Number(values['max-in-flight']) } : {}),
  });
  const summary = await flow.done;
  const ms = performance.now() - t0;
  const c = summary.counters.nodes;
  const written = (c['us-file']?.out ?? 0) + (c['other-file']?.out ?? 0) + stdout.lines;
  return { ms, lines: written };
}

function mask(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const s = String(value);
  return s.length <= 4 ? '*'.repeat(s.length) : '*'.repeat(s.length - 4) + s.slice(-4);
}

/** The same work written by hand: what a developer would write without Sluice. */
async function runHandWritten(dir: string): Promise<{ ms: number; lines: number }> {
  const stdout = new CountingWriter();
  const files = nodeFiles(dir);
  const us = files.openAppender('us-file.jsonl');
  const other = files.openAppender('other-file.jsonl');
  const doc = benchDoc();
  const config = generate.config.parse(doc.nodes.orders?.config);
  const abort = new AbortController();
  const ctx = { clock: systemClock, log: quiet, signal: abort.signal } as unknown as RuntimeContext;
  const source = (await generate.create(config, ctx)) as SourceRuntime;
  let lines = 0;
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  await source.run({
    signal: abort.signal,
    emit(msg) {
      const order = msg.value as JsonObject;
      if (!((order.total as number) > 1000)) return;
      const customer = order.customer as JsonObject;
      const { name: _name, ...rest } = customer;
      const redacted: JsonObject = {
        ...order,
        customer: {
          ...rest,
          email: nodeCrypto.hmacSha256(KEY, String(customer.email)),
          iban: mask(customer.iban),
        },
        items: (order.items as JsonObject[]).map((item) => ({ ...item, card: mask(item.card) })),
      };
      const line = JSON.stringify(redacted);
      lines++;
      if (redacted.region === 'eu') stdout.writeLine(`[eu] ${line}`);
      else {
        const p = (redacted.region === 'us' ? us : other).append(`${line}\n`);
        pending.push(p);
        // Keep memory bounded like the engine's in-flight window does.
        if (pending.length >= 1000) return Promise.all(pending.splice(0)).then(() => undefined);
      }
    },
    deadLetter() {
      throw new Error('the generator produced a record it could not make');
    },
  });
  await Promise.all(pending);
  await us.close();
  await other.close();
  return { ms: performance.now() - t0, lines };
}

function rate(records: number, ms: number): number {
  return (records / ms) * 1000;
}

async function main(): Promise<void> {
  console.log(`bench/engine: orders flow over ${RECORDS.toLocaleString('en')} generated records, ${ROUNDS} rounds each (alternating)`);
  const flowRates: number[] = [];
  const handRates: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, fn, list] of [
      ['hand-written', runHandWritten, handRates],
      ['sluice flow', runFlow, flowRates],
    ] as const) {
      if (values.only && !name.startsWith(values.only === 'flow' ? 'sluice' : 'hand')) continue;
      const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
      try {
        const r = await fn(dir);
        list.push(rate(RECORDS, r.ms));
        console.log(`  round ${round} ${name.padEnd(12)} ${(r.ms / 1000).toFixed(2)} s  ${Math.round(rate(RECORDS, r.ms)).toLocaleString('en')} records/s  (${r.lines.toLocaleString('en')} written)`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  if (values.only) return;
  const bestFlow = Math.max(...flowRates);
  const bestHand = Math.max(...handRates);
  console.log(`hand-written: ${Math.round(bestHand).toLocaleString('en')} records/s (best)`);
  console.log(`sluice flow:  ${Math.round(bestFlow).toLocaleString('en')} records/s (best)`);
  console.log(`ratio flow/hand-written: ${(bestFlow / bestHand).toFixed(3)} (target >= 0.95)`);
}

await main();
