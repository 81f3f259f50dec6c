import { describe, expect, it } from 'vitest';
import { compileFlow } from '../../../runtime/compiler';
import { startFlow } from '../../../runtime/engine';
import type { SourceOutput } from '../../../shared/node-kit/runtime';
import { deferredSink, flow, memoryLogger, processorType, registryOf, Settlements, sinkType, sourceType, tick, until } from './fixtures';

/** A source the test drives by hand: it exposes `out` and ends when the test says so. */
function manualSource(type: string) {
  let out: SourceOutput | undefined;
  let finish!: () => void;
  const ended = new Promise<void>((r) => (finish = r));
  const def = sourceType(type, async (o) => {
    out = o;
    await ended;
  });
  return {
    def,
    get out(): SourceOutput {
      if (!out) throw new Error('source not running yet');
      return out;
    },
    finish,
  };
}

async function start(doc: ReturnType<typeof flow>, registry: ReturnType<typeof registryOf>) {
  const running = await startFlow(compileFlow(doc, registry), { logger: memoryLogger().logger, env: {} });
  await tick();
  return running;
}

describe('ack propagation', () => {
  it('acks a record a filter drops during emit, and a kept one only after the sink accepted it', async () => {
    const src = manualSource('test.manual');
    const sink = deferredSink('test.slow');
    const running = await start(
      flow({ src: ['test.manual'], big: ['core.filter', { when: 'total > 10.0' }], out: ['test.slow'] }, ['src:out -> big:in', 'big:out -> out:in']),
      registryOf(src.def, sink.def),
    );
    const s = new Settlements();
    src.out.emit({ value: { total: 1.0 } }, s.for(0));
    expect(s.acked).toEqual([0]);

    src.out.emit({ value: { total: 50.0 } }, s.for(1));
    await tick();
    expect(sink.pending).toHaveLength(1);
    expect(s.acked).toEqual([0]);
    sink.pending[0]!.resolve();
    await until(() => s.acked.length === 2, 'ack of the kept record');
    expect(s.acked).toEqual([0, 1]);
    src.finish();
    await running.done;
  });

  it('acks a fan-out to two sinks only after both accepted', async () => {
    const src = manualSource('test.manual');
    const a = deferredSink('test.a');
    const b = deferredSink('test.b');
    const running = await start(
      flow({ src: ['test.manual'], a: ['test.a'], b: ['test.b'] }, ['src:out -> a:in', 'src:out -> b:in']),
      registryOf(src.def, a.def, b.def),
    );
    const s = new Settlements();
    src.out.emit({ value: { n: 1 } }, s.for(0));
    expect(a.pending).toHaveLength(1);
    expect(b.pending).toHaveLength(1);
    b.pending[0]!.resolve();
    await tick();
    await tick();
    expect(s.acked).toEqual([]);
    a.pending[0]!.resolve();
    await until(() => s.acked.length === 1, 'ack after both sinks');
    src.finish();
    await running.done;
  });

  it('acks a record split in several only after every part was accepted', async () => {
    const src = manualSource('test.manual');
    const sink = deferredSink('test.slow');
    const split = processorType('test.split', (msg, emit) => {
      for (const part of (msg.value as { parts: number[] }).parts) emit('out', { value: { part } });
    });
    const running = await start(
      flow({ src: ['test.manual'], split: ['test.split'], out: ['test.slow'] }, ['src:out -> split:in', 'split:out -> out:in']),
      registryOf(src.def, sink.def, split),
    );
    const s = new Settlements();
    src.out.emit({ value: { parts: [1, 2, 3] } }, s.for(0));
    expect(sink.pending.map((p) => p.msg.value)).toEqual([{ part: 1 }, { part: 2 }, { part: 3 }]);
    sink.pending[0]!.resolve();
    sink.pending[2]!.resolve();
    await tick();
    await tick();
    expect(s.acked).toEqual([]);
    sink.pending[1]!.resolve();
    await until(() => s.acked.length === 1, 'ack after all parts');
    src.finish();
    await running.done;
  });

  it('holds the ack across an asynchronous processor until its later emits were accepted', async () => {
    const src = manualSource('test.manual');
    const sink = deferredSink('test.slow');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = processorType('test.later', async (msg, emit) => {
      await gate;
      emit('out', msg);
    });
    const running = await start(
      flow({ src: ['test.manual'], later: ['test.later'], out: ['test.slow'] }, ['src:out -> later:in', 'later:out -> out:in']),
      registryOf(src.def, sink.def, slow),
    );
    const s = new Settlements();
    src.out.emit({ value: { a: 1 } }, s.for(0));
    src.out.emit({ value: { a: 2 } }, s.for(1));
    await tick();
    expect(sink.pending).toHaveLength(0);
    release();
    await until(() => sink.pending.length === 2, 'both records past the async processor');
    expect(s.acked).toEqual([]);
    sink.pending[1]!.resolve();
    await until(() => s.acked.length === 1, 'second record acked');
    expect(s.acked).toEqual([1]);
    sink.pending[0]!.resolve();
    await until(() => s.acked.length === 2, 'first record acked');
    src.finish();
    const summary = await running.done;
    expect(summary.counters.nodes.later).toMatchObject({ in: 2, out: 2, dropped: 0 });
  });

  it('keeps records of a processor that is synchronous for some records and asynchronous for others', async () => {
    const src = manualSource('test.manual');
    const got: unknown[] = [];
    const sink = sinkType('test.collect', (m) => void got.push(m.value));
    const mixed = processorType('test.mixed', (msg, emit) => {
      const n = (msg.value as { n: number }).n;
      if (n % 2 === 0) {
        emit('out', msg);
        return;
      }
      return Promise.resolve().then(() => emit('out', msg));
    });
    const running = await start(
      flow({ src: ['test.manual'], mixed: ['test.mixed'], out: ['test.collect'] }, ['src:out -> mixed:in', 'mixed:out -> out:in']),
      registryOf(src.def, sink, mixed),
    );
    const s = new Settlements();
    for (let n = 0; n < 6; n++) src.out.emit({ value: { n } }, s.for(n));
    await until(() => s.acked.length === 6, 'all acked');
    expect([...s.acked].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect((got as Array<{ n: number }>).map((v) => v.n).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    src.finish();
    await running.done;
  });
});

describe('bounded in-flight', () => {
  it('makes emit wait at maxInFlight, so a slow sink never has more than that outstanding', async () => {
    let outstanding = 0;
    let peak = 0;
    let written = 0;
    const slow = sinkType('test.slow', () => {
      outstanding++;
      peak = Math.max(peak, outstanding);
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          outstanding--;
          written++;
          resolve();
        }),
      );
    });
    const s = new Settlements();
    let waits = 0;
    const src = sourceType('test.many', async (out) => {
      for (let i = 0; i < 200; i++) {
        const room = out.emit({ value: { i } }, s.for(i));
        if (room) {
          waits++;
          await room;
        }
      }
    });
    const running = await startFlow(
      compileFlow(flow({ src: ['test.many'], out: ['test.slow'] }, ['src:out -> out:in']), registryOf(src, slow)),
      { maxInFlight: 7, logger: memoryLogger().logger, env: {} },
    );
    const summary = await running.done;
    expect(written).toBe(200);
    expect(s.acked).toHaveLength(200);
    expect(peak).toBe(7);
    expect(waits).toBeGreaterThan(0);
    expect(summary.counters.sources.src).toEqual({ inFlight: 0, acked: 200, nacked: 0 });
  });

  it('reports in-flight records per source while they are outstanding', async () => {
    const src = manualSource('test.manual');
    const sink = deferredSink('test.slow');
    const running = await start(flow({ src: ['test.manual'], out: ['test.slow'] }, ['src:out -> out:in']), registryOf(src.def, sink.def));
    const first = src.out.emit({ value: 1 });
    const second = src.out.emit({ value: 2 });
    expect(first).toBeUndefined();
    expect(second).toBeUndefined();
    expect(running.counters().sources.src).toEqual({ inFlight: 2, acked: 0, nacked: 0 });
    for (const p of sink.pending) p.resolve();
    await until(() => running.counters().sources.src!.acked === 2, 'both acked');
    expect(running.counters().sources.src!.inFlight).toBe(0);
    src.finish();
    await running.done;
  });
});

describe('sinks that group-commit (one promise for a whole batch)', () => {
  /** A sink that hands every write the promise of the current batch, like the file appender. */
  function batchingSink(type: string) {
    const batches: Array<{ msgs: unknown[]; resolve: () => void; reject: (e: Error) => void }> = [];
    let open: (typeof batches)[number] | undefined;
    let promise: Promise<void> | undefined;
    const def = sinkType(type, (msg) => {
      if (!open) {
        let resolve!: () => void;
        let reject!: (e: Error) => void;
        promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        open = { msgs: [], resolve, reject };
        batches.push(open);
      }
      open.msgs.push(msg.value);
      return promise;
    });
    return { def, batches, cut: () => (open = undefined) };
  }

  it('acks every record of a batch when the shared promise resolves, and none before', async () => {
    const src = manualSource('test.manual');
    const sink = batchingSink('test.batch');
    const running = await start(flow({ src: ['test.manual'], out: ['test.batch'] }, ['src:out -> out:in']), registryOf(src.def, sink.def));
    const s = new Settlements();
    for (let i = 0; i < 3; i++) src.out.emit({ value: { i } }, s.for(i));
    sink.cut();
    src.out.emit({ value: { i: 3 } }, s.for(3));
    expect(sink.batches.map((b) => b.msgs.length)).toEqual([3, 1]);
    await tick();
    expect(s.acked).toEqual([]);
    sink.batches[1]!.resolve();
    await until(() => s.acked.length === 1, 'second batch acked');
    expect(s.acked).toEqual([3]);
    sink.batches[0]!.resolve();
    await until(() => s.acked.length === 4, 'first batch acked');
    expect(running.counters().nodes.out).toMatchObject({ in: 4, out: 4, errors: 0 });
    src.finish();
    await running.done;
  });

  it('applies the error policy to each record of a batch whose shared promise rejects', async () => {
    const src = manualSource('test.manual');
    const sink = batchingSink('test.batch');
    const dlq = deferredSink('test.dlq');
    const running = await start(
      flow({ src: ['test.manual'], out: ['test.batch'], dlq: ['test.dlq'] }, ['src:out -> out:in'], { retry: { attempts: 0 }, deadLetter: 'dlq' }),
      registryOf(src.def, sink.def, dlq.def),
    );
    const s = new Settlements();
    src.out.emit({ value: { i: 0 } }, s.for(0));
    src.out.emit({ value: { i: 1 } }, s.for(1));
    sink.batches[0]!.reject(new Error('disk full'));
    await until(() => dlq.pending.length === 2, 'both records dead-lettered');
    expect(dlq.pending.map((d) => (d.msg.value as { original: { value: unknown } }).original.value)).toEqual([{ i: 0 }, { i: 1 }]);
    expect(s.acked).toEqual([]);
    for (const d of dlq.pending) d.resolve();
    await until(() => s.acked.length === 2, 'acked after the dead letters were accepted');
    expect(running.counters().nodes.out).toMatchObject({ in: 2, out: 0, errors: 2, deadLettered: 2 });
    src.finish();
    await running.done;
  });
});
