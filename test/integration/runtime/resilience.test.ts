import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { uniqueName } from '../env';
import {
  committed,
  createTopics,
  expectedIds,
  kafka,
  produceRecords,
  readOutput,
  startWorker,
  summarise,
  writeFilterFlow,
  type Worker,
} from './processes';
import { waitFor as waitUntil } from '../kit';

const waitFor = (check: () => Promise<boolean> | boolean, what: string) => waitUntil(what, check, { timeoutMs: 90_000 });

/**
 * The runtime as operators run it: `sluice run` child processes on a Kafka -> filter -> Kafka
 * flow, killed and restarted. Counts are by record id on the output topic; the number of
 * records in the output topic comes from its end offsets (the producer is idempotent), so
 * duplicates are counted exactly, not sampled.
 */
const MAX_IN_FLIGHT = 1000; // the engine's default window per source
const reports = resolve(import.meta.dirname, '../../../.cache/reports');

let admin: Admin;
const workers: Worker[] = [];

beforeAll(async () => {
  admin = kafka().admin();
  await admin.connect();
});

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await admin.disconnect();
});

function run(flow: string, name: string): Worker {
  const w = startWorker(flow, name);
  workers.push(w);
  return w;
}

async function outputSize(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

async function stopGracefully(w: Worker): Promise<void> {
  w.child.kill('SIGTERM');
  const { code } = await w.exited;
  expect(code, `${w.name} should exit 0 after SIGTERM; stderr:\n${w.stderr().slice(-2000)}`).toBe(0);
}

function report(name: string, data: unknown): void {
  mkdirSync(reports, { recursive: true });
  writeFileSync(resolve(reports, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
  console.log(`[${name}] ${JSON.stringify(data)}`);
}

describe('a Kafka -> filter -> Kafka flow as a child process', () => {
  it('loses nothing when killed with SIGKILL three times at random points (20,000 records)', async () => {
    const N = 20_000;
    const topics = { input: uniqueName('crash-in'), output: uniqueName('crash-out'), group: uniqueName('crash') };
    await createTopics(admin, [topics.input, topics.output], 4);
    await produceRecords(topics.input, 0, N);
    const flow = writeFilterFlow(topics);
    const seed = Date.now() % 100_000;
    let rnd = seed;
    const random = () => ((rnd = (rnd * 48271) % 2147483647) / 2147483647);
    const kills: Array<{ committedAtStart: number; committedBefore: number; outputBefore: number }> = [];
    for (let k = 0; k < 3; k++) {
      const base = await committed(admin, topics.group, topics.input);
      const w = run(flow, `crash-${k}`);
      // A random point in what is left, so every kill lands mid-stream after real progress.
      const target = base + Math.max(500, Math.floor((N - base) * (0.15 + 0.25 * random())));
      await waitFor(async () => (await committed(admin, topics.group, topics.input)) >= target || w.child.exitCode !== null, `offsets past ${target}`);
      expect(w.child.exitCode, `worker died by itself: ${w.stderr().slice(-2000)}`).toBeNull();
      const at = await committed(admin, topics.group, topics.input);
      expect(at, 'the worker made progress before it was killed').toBeGreaterThan(base);
      expect(at, 'the kill came before the end of the input').toBeLessThan(N);
      kills.push({ committedAtStart: base, committedBefore: at, outputBefore: await outputSize(topics.output) });
      w.child.kill('SIGKILL');
      await w.exited;
    }
    const final = run(flow, 'crash-final');
    const want = expectedIds(0, N);
    await readOutput(topics.output, (seen) => want.every((id) => seen.has(id)));
    await waitFor(async () => (await committed(admin, topics.group, topics.input)) >= N, 'all input committed');
    await stopGracefully(final);
    const { seen } = await readOutput(topics.output, (s) => want.every((id) => s.has(id)));
    const { missing, unexpected } = summarise(seen, want);
    const total = await outputSize(topics.output);
    const duplicates = total - want.length;
    report('crash-test', { seed, records: N, expected: want.length, outputRecords: total, missing: missing.length, duplicates, kills });
    expect(missing, 'records missing after the kills').toEqual([]);
    expect(unexpected).toBe(0);
    expect(duplicates).toBeGreaterThanOrEqual(0);
    expect(duplicates, 'duplicates stay within the in-flight bound per kill').toBeLessThanOrEqual(3 * MAX_IN_FLIGHT);
  });

  it('scales out over two processes in one consumer group, and the survivor takes over when one is killed', async () => {
    const topics = { input: uniqueName('scale-in'), output: uniqueName('scale-out'), group: uniqueName('scale') };
    await createTopics(admin, [topics.input, topics.output], 4);
    const flow = writeFilterFlow(topics);
    const a = run(flow, 'worker-a');
    const b = run(flow, 'worker-b');
    // Both processes must own partitions before records arrive, or the first one takes them all.
    await waitFor(async () => {
      const { groups } = await admin.describeGroups([topics.group]);
      const g = groups[0];
      return g?.state === 'Stable' && g.members.length === 2;
    }, 'a stable consumer group with both workers');
    await produceRecords(topics.input, 0, 4000);
    const first = expectedIds(0, 4000);
    const phase1 = await readOutput(topics.output, (seen) => first.every((id) => seen.has(id)));
    expect(summarise(phase1.seen, first).missing).toEqual([]);
    expect(phase1.workers.get('worker-a') ?? 0, 'worker-a processed records').toBeGreaterThan(0);
    expect(phase1.workers.get('worker-b') ?? 0, 'worker-b processed records').toBeGreaterThan(0);

    a.child.kill('SIGKILL');
    await a.exited;
    await produceRecords(topics.input, 4000, 8000);
    const all = expectedIds(0, 8000);
    const phase2 = await readOutput(topics.output, (seen) => all.every((id) => seen.has(id)));
    const { missing } = summarise(phase2.seen, all);
    expect(missing, 'records missing after worker-a was killed').toEqual([]);
    const byB = (phase2.workers.get('worker-b') ?? 0) - (phase1.workers.get('worker-b') ?? 0);
    expect(byB, 'worker-b took over all partitions').toBeGreaterThanOrEqual(expectedIds(4000, 8000).length);
    await stopGracefully(b);
    report('scale-out', {
      phase1: Object.fromEntries(phase1.workers),
      phase2: Object.fromEntries(phase2.workers),
      missing: missing.length,
      outputRecords: await outputSize(topics.output),
      expected: all.length,
    });
  });

  it('stops on SIGTERM mid-stream and, restarted, finishes with nothing missing and no duplicates', async () => {
    const N = 10_000;
    const topics = { input: uniqueName('term-in'), output: uniqueName('term-out'), group: uniqueName('term') };
    await createTopics(admin, [topics.input, topics.output], 4);
    await produceRecords(topics.input, 0, N);
    const flow = writeFilterFlow(topics);
    const first = run(flow, 'term-1');
    await waitFor(async () => (await committed(admin, topics.group, topics.input)) >= N * 0.3, 'a third of the input processed');
    await stopGracefully(first);
    const afterStop = { committed: await committed(admin, topics.group, topics.input), output: await outputSize(topics.output) };
    const second = run(flow, 'term-2');
    const want = expectedIds(0, N);
    await readOutput(topics.output, (seen) => want.every((id) => seen.has(id)));
    await waitFor(async () => (await committed(admin, topics.group, topics.input)) >= N, 'all input committed');
    await stopGracefully(second);
    const total = await outputSize(topics.output);
    const { seen } = await readOutput(topics.output, (s) => want.every((id) => s.has(id)));
    const { missing } = summarise(seen, want);
    report('sigterm', { records: N, expected: want.length, outputRecords: total, afterStop, missing: missing.length, duplicates: total - want.length });
    expect(missing).toEqual([]);
    expect(total - want.length, 'duplicates after a graceful stop and restart').toBe(0);
  });
});
