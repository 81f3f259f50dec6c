import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { testEnv } from '../env';
import { until } from '../kit';

/**
 * Runtime processes for the resilience tests: `sluice run` as a child process on a
 * Kafka -> filter -> Kafka flow, plus direct kafkajs access to feed the input topic and read
 * the output topic back by record id.
 */
const ROOT = resolve(import.meta.dirname, '../../..');

export interface FlowTopics {
  input: string;
  output: string;
  group: string;
}

/** The flow every resilience test runs: keeps records with amount >= 10, tags the worker. */
export function writeFilterFlow(topics: FlowTopics): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-proc-'));
  const file = join(dir, 'kafka-filter.flow.json');
  const doc = {
    format: 1,
    id: 'kafka-filter',
    resources: {
      cluster: { type: 'kafka.connection', version: 1, config: { brokers: '${env:KAFKA_BROKERS}', zone: 'eu' } },
    },
    nodes: {
      read: { type: 'kafka.consume', version: 1, config: { connection: 'cluster', topics: [topics.input], group: topics.group, start: 'earliest' } },
      keep: { type: 'core.filter', version: 1, config: { when: 'amount >= 10.0' } },
      tag: { type: 'core.map', version: 1, config: { set: [{ field: 'worker', value: '"${env:WORKER}"' }] } },
      write: { type: 'kafka.produce', version: 1, config: { connection: 'cluster', topic: topics.output } },
    },
    edges: [
      { from: 'keep:out', to: 'tag:in' },
      { from: 'read:out', to: 'keep:in' },
      { from: 'tag:out', to: 'write:in' },
    ],
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

export interface Worker {
  name: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

export function startWorker(flowFile: string, name: string): Worker {
  const child = spawn(process.execPath, ['bin/sluice.js', 'run', flowFile], {
    cwd: ROOT,
    env: { ...process.env, KAFKA_BROKERS: testEnv().kafka.brokers.join(','), WORKER: name },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { name, child, exited, stderr: () => err };
}

export function kafka(): Kafka {
  return new Kafka({ brokers: testEnv().kafka.brokers, logLevel: logLevel.NOTHING, clientId: 'sluice-test' });
}

export async function createTopics(admin: Admin, names: string[], partitions: number): Promise<void> {
  await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
}

/** Writes records {id, amount} with id as the key, in batches. */
export async function produceRecords(topic: string, from: number, to: number): Promise<void> {
  const producer = kafka().producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let start = from; start < to; start += 1000) {
      const messages = [];
      for (let id = start; id < Math.min(to, start + 1000); id++) {
        messages.push({ key: `id-${id}`, value: JSON.stringify({ id, amount: id % 100, note: 'x'.repeat(40) }) });
      }
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

export const expectedIds = (from: number, to: number): number[] => {
  const ids: number[] = [];
  for (let id = from; id < to; id++) if (id % 100 >= 10) ids.push(id);
  return ids;
};

/**
 * Reads the output topic from the beginning with a throw-away group and reports, by record id,
 * how often each arrived and which worker wrote it; stops once `until(seen)` holds or the time
 * is up (then returns what it has).
 */
export async function readOutput(
  topic: string,
  until: (seen: Map<number, number>) => boolean,
  timeoutMs = 90_000,
): Promise<{ seen: Map<number, number>; workers: Map<string, number> }> {
  const consumer = kafka().consumer({ groupId: `reader-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  const seen = new Map<number, number>();
  const workers = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const v = JSON.parse(message.value?.toString() ?? 'null') as { id: number; worker: string };
      seen.set(v.id, (seen.get(v.id) ?? 0) + 1);
      workers.set(v.worker, (workers.get(v.worker) ?? 0) + 1);
      if (until(seen)) finish();
    },
  });
  const timer = setTimeout(finish, timeoutMs);
  await done;
  clearTimeout(timer);
  await consumer.disconnect();
  return { seen, workers };
}

/** How many records the group has committed on the input topic (sum of partition offsets). */
export async function committed(admin: Admin, group: string, topic: string): Promise<number> {
  // Right after the broker starts, the group coordinator may not be ready yet: ask again.
  return until(`committed offsets of group ${group}`, async () => {
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return offsets.flatMap((t) => t.partitions).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  }, 10_000);
}

export function summarise(seen: Map<number, number>, expected: number[]): { missing: number[]; duplicates: number; unexpected: number } {
  const want = new Set(expected);
  const missing = expected.filter((id) => !seen.has(id));
  let duplicates = 0;
  let unexpected = 0;
  for (const [id, n] of seen) {
    if (!want.has(id)) unexpected++;
    duplicates += n - 1;
  }
  return { missing, duplicates, unexpected };
}
