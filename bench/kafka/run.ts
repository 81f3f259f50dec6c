/**
 * bench/kafka: on the local test broker (bash test/env/up.sh), 200,000 JSON records of about 450
 * bytes. A raw kafkajs program (consume, decode, the same filter and redaction by hand, encode,
 * produce) versus the same flow in Sluice (kafka.consume -> core.filter -> redact.fields ->
 * kafka.produce), in this process. Prints both throughputs and their ratio, then p99 end-to-end
 * latency for both at a fixed rate of half the raw maximum.
 *
 *   node --import tsx bench/kafka/run.ts [--records 200000] [--latency-seconds 10]
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, CompressionTypes, type Admin } from 'kafkajs';
import type { FlowDocument } from '../../shared/flow/document';
import { registry } from '../../shared/nodes';
import { compileFlow } from '../../runtime/compiler/compile';
import { startFlow } from '../../runtime/engine/engine';
import { silentLogger as quiet } from '../../runtime/engine/context';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '200000' }, 'latency-seconds': { type: 'string', default: '10' } },
});
const RECORDS = Number(values.records);
const LATENCY_SECONDS = Number(values['latency-seconds']);
const KEY = 'bench-key';
const PARTITIONS = 4;

const envFile = resolve(import.meta.dirname, '../../.cache/test-env/env.json');
let brokers: string[];
try {
  brokers = (JSON.parse(readFileSync(envFile, 'utf8')) as { kafka: { brokers: string[] } }).kafka.brokers;
} catch {
  console.error(`no local Kafka: start one with bash test/env/up.sh (${envFile} is missing)`);
  process.exit(2);
}
const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING, clientId: 'bench-kafka' });
const unique = (p: string) => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/** About 450 bytes of JSON: an order with a customer, a card and a couple of lines. */
function order(id: number, sentAt = 0): string {
  return JSON.stringify({
    id: `ord-${id}`,
    sentAt,
    customer: { id: `c-${id % 9973}`, name: `Customer Number ${id % 9973}`, email: `customer${id % 9973}@example.com`, country: ['DE', 'FR', 'US', 'JP'][id % 4], iban: `DE44500105175407${String(id % 1e6).padStart(6, '0')}` },
    region: ['eu', 'us', 'apac'][id % 3],
    total: (id % 5000) + 0.5,
    currency: 'EUR',
    items: [
      { sku: `SKU-${id % 1000}`, qty: (id % 5) + 1, price: 12.5, card: '4111111111111111' },
      { sku: `SKU-${(id + 7) % 1000}`, qty: 1, price: 99.0, card: '5500000000000004' },
    ],
    note: 'standard delivery, leave at the door if nobody answers',
  });
}

async function createTopics(admin: Admin, ...topics: string[]): Promise<void> {
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS })), waitForLeaders: true });
}

async function fill(topic: string, n: number): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let bytes = 0;
  for (let start = 0; start < n; start += 2000) {
    const messages = [];
    for (let id = start; id < Math.min(n, start + 2000); id++) {
      const value = order(id);
      bytes += value.length;
      messages.push({ key: `ord-${id}`, value });
    }
    await producer.send({ topic, messages, compression: CompressionTypes.None });
  }
  await producer.disconnect();
  return bytes / n;
}

const keep = (o: { total: number }) => o.total > 1000;
const expectedKept = (n: number) => {
  let k = 0;
  for (let id = 0; id < n; id++) if ((id % 5000) + 0.5 > 1000) k++;
  return k;
};

function redactByHand(o: Record<string, unknown>): Record<string, unknown> {
  const c = o.customer as Record<string, unknown>;
  const { name: _n, ...rest } = c;
  const mask = (s: string) => '*'.repeat(s.length - 4) + s.slice(-4);
  return {
    ...o,
    customer: { ...rest, email: createHmac('sha256', KEY).update(String(c.email)).digest('hex'), iban: mask(String(c.iban)) },
    items: (o.items as Array<Record<string, unknown>>).map((i) => ({ ...i, card: mask(String(i.card)) })),
  };
}

async function outputCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

async function waitForOutput(admin: Admin, topic: string, n: number): Promise<void> {
  for (;;) {
    if ((await outputCount(admin, topic)) >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The raw kafkajs program: what a developer writes by hand for the same work. */
async function rawPipeline(input: string, output: string, signal: AbortSignal): Promise<void> {
  const consumer = kafka.consumer({ groupId: unique('raw'), maxBytes: 10 * 1024 * 1024 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic: input, fromBeginning: true });
  await consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      const out = [];
      for (const m of batch.messages) {
        const o = JSON.parse(m.value?.toString() ?? 'null') as Record<string, unknown> & { total: number };
        if (!keep(o)) continue;
        out.push({ key: m.key, value: JSON.stringify(redactByHand(o)), headers: m.headers });
      }
      if (out.length) await producer.send({ topic: output, messages: out });
    },
  });
  await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
  await consumer.disconnect();
  await producer.disconnect();
}

function flowDoc(input: string, output: string): FlowDocument {
  return {
    format: 1,
    id: 'bench-kafka',
    resources: { local: { type: 'kafka.connection', version: 1, config: { brokers: brokers.join(','), zone: 'eu' } } },
    nodes: {
      read: { type: 'kafka.consume', version: 1, config: { connection: 'local', topics: [input], group: unique('flow'), start: 'earliest' } },
      big: { type: 'core.filter', version: 1, config: { when: 'total > 1000.0' } },
      redact: {
        type: 'redact.fields',
        version: 1,
        config: {
          key: '${secret:bench-key}',
          rules: [
            { path: 'customer.name', action: 'drop' },
            { path: 'customer.email', action: 'hash' },
            { path: 'customer.iban', action: 'mask' },
            { path: 'items[*].card', action: 'mask' },
          ],
        },
      },
      write: { type: 'kafka.produce', version: 1, config: { connection: 'local', topic: output } },
    },
    edges: [
      { from: 'big:out', to: 'redact:in' },
      { from: 'read:out', to: 'big:in' },
      { from: 'redact:out', to: 'write:in' },
    ],
  };
}

async function sluicePipeline(input: string, output: string, signal: AbortSignal): Promise<void> {
  const flow = await startFlow(compileFlow(flowDoc(input, output), registry), {
    logger: quiet,
    env: { SLUICE_SECRET_BENCH_KEY: KEY },
  });
  await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
  await flow.stop(30_000);
}

type Pipeline = (input: string, output: string, signal: AbortSignal) => Promise<void>;

async function throughput(admin: Admin, name: string, pipeline: Pipeline, input: string): Promise<number> {
  const output = unique(`bench-${name}-out`);
  await createTopics(admin, output);
  const want = expectedKept(RECORDS);
  const abort = new AbortController();
  const t0 = performance.now();
  const running = pipeline(input, output, abort.signal);
  await waitForOutput(admin, output, want);
  const seconds = (performance.now() - t0) / 1000;
  abort.abort();
  await running;
  const rate = RECORDS / seconds;
  console.log(`  ${name.padEnd(6)} ${RECORDS.toLocaleString('en')} records in ${seconds.toFixed(2)} s: ${Math.round(rate).toLocaleString('en')} records/s consumed (${want.toLocaleString('en')} written)`);
  return rate;
}

/** Produces at a fixed rate for LATENCY_SECONDS and measures send-to-arrival per record. */
async function latency(admin: Admin, name: string, pipeline: Pipeline, rate: number): Promise<{ p50: number; p99: number; n: number }> {
  const input = unique(`lat-${name}-in`);
  const output = unique(`lat-${name}-out`);
  await createTopics(admin, input, output);
  const abort = new AbortController();
  const running = pipeline(input, output, abort.signal);
  const reader = kafka.consumer({ groupId: unique('lat-reader') });
  await reader.connect();
  await reader.subscribe({ topic: output, fromBeginning: true });
  const latencies: number[] = [];
  await reader.run({
    eachMessage: async ({ message }) => {
      const o = JSON.parse(message.value?.toString() ?? 'null') as { sentAt: number };
      latencies.push(Date.now() - o.sentAt);
    },
  });
  // Let the group and the pipeline settle before the clock starts.
  await new Promise((r) => setTimeout(r, 3000));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const total = Math.round(rate * LATENCY_SECONDS);
  let sent = 0;
  let kept = 0;
  const start = Date.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - start) / tickMs + 1) * perTick));
    const messages = [];
    for (; sent < due; sent++) {
      const id = 1000 + (sent % 4000); // every id here passes the filter
      messages.push({ key: `ord-${sent}`, value: order(id, Date.now()) });
      kept++;
    }
    if (messages.length) await producer.send({ topic: input, messages });
    const wait = start + ((sent / perTick) * tickMs) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await producer.disconnect();
  const deadline = Date.now() + 60_000;
  while (latencies.length < kept && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await reader.disconnect();
  abort.abort();
  await running;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  const r = { p50: at(0.5), p99: at(0.99), n: latencies.length };
  console.log(`  ${name.padEnd(6)} at ${Math.round(rate).toLocaleString('en')} records/s for ${LATENCY_SECONDS} s: p50 ${r.p50} ms, p99 ${r.p99} ms (${r.n}/${kept} records)`);
  return r;
}

async function main(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const input = unique('bench-in');
  await createTopics(admin, input);
  const size = await fill(input, RECORDS);
  console.log(`bench/kafka: ${RECORDS.toLocaleString('en')} JSON records of ${Math.round(size)} bytes on ${PARTITIONS} partitions, broker ${brokers.join(',')}`);
  console.log('throughput (consume, filter total > 1000, redact, produce):');
  const raw = await throughput(admin, 'raw', rawPipeline, input);
  const flow = await throughput(admin, 'sluice', sluicePipeline, input);
  console.log(`ratio sluice/raw: ${(flow / raw).toFixed(3)} (target >= 0.9)`);
  console.log('end-to-end latency at half the raw maximum:');
  const rate = raw / 2;
  await latency(admin, 'raw', rawPipeline, rate);
  await latency(admin, 'sluice', sluicePipeline, rate);
  await admin.disconnect();
}

await main();
