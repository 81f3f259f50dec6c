import { describe, expect, it } from 'vitest';
import { compileFlow } from '../../../runtime/compiler';
import { startFlow, type StartOptions } from '../../../runtime/engine';
import type { DeadLetter, Message } from '../../../shared/node-kit/message';
import type { FlowDocument } from '../../../shared/flow/document';
import { ExpressionError } from '../../../shared/expr';
import { flow, instantClock, listSource, memoryLogger, processorType, registryOf, Settlements, sinkType, sourceType, until } from './fixtures';

function collector(type: string) {
  const got: Message[] = [];
  return { def: sinkType(type, (m) => void got.push(m)), got };
}

async function run(doc: FlowDocument, registry: ReturnType<typeof registryOf>, options: StartOptions = {}) {
  const clock = instantClock();
  const log = memoryLogger();
  const running = await startFlow(compileFlow(doc, registry), { clock, logger: log.logger, env: {}, ...options });
  return { running, clock, log };
}

describe('error policy', () => {
  it('retries a throwing processor with doubling backoff and carries on when it succeeds', async () => {
    const s = new Settlements();
    const out = collector('test.out');
    let calls = 0;
    const flaky = processorType('test.flaky', (msg, emit) => {
      calls++;
      if (calls <= 2) throw new Error(`flaky ${calls}`);
      emit('out', msg);
    });
    const { running, clock } = await run(
      flow({ src: ['test.list'], flaky: ['test.flaky'], out: ['test.out'] }, ['src:out -> flaky:in', 'flaky:out -> out:in']),
      registryOf(listSource('test.list', [{ a: 1 }], s), flaky, out.def),
    );
    const summary = await running.done;
    expect(calls).toBe(3);
    expect(clock.sleeps).toEqual([100, 200]);
    expect(out.got.map((m) => m.value)).toEqual([{ a: 1 }]);
    expect(s.acked).toEqual([0]);
    expect(summary.counters.nodes.flaky).toEqual({ in: 1, out: 1, dropped: 0, errors: 2, deadLettered: 0, retries: 2 });
  });

  it('retries a rejecting asynchronous processor the same way', async () => {
    const s = new Settlements();
    const out = collector('test.out');
    let calls = 0;
    const flaky = processorType('test.flaky', async (msg, emit) => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      emit('out', msg);
    });
    const { running, clock } = await run(
      flow({ src: ['test.list'], flaky: ['test.flaky'], out: ['test.out'] }, ['src:out -> flaky:in', 'flaky:out -> out:in']),
      registryOf(listSource('test.list', [{ a: 1 }], s), flaky, out.def),
    );
    await running.done;
    expect(clock.sleeps).toEqual([100]);
    expect(out.got).toHaveLength(1);
    expect(s.acked).toEqual([0]);
  });

  it('dead-letters the record as the source emitted it after the retries, and still acks it', async () => {
    const s = new Settlements();
    const dlq = collector('test.dlq');
    const reshape = processorType('test.reshape', (msg, emit) => emit('out', { ...msg, value: { reshaped: true } }));
    let writes = 0;
    const broken = sinkType('test.broken', async () => {
      writes++;
      throw new TypeError('disk on fire');
    });
    const { running, clock } = await run(
      flow(
        { src: ['test.list'], reshape: ['test.reshape'], out: ['test.broken', {}, { retry: { attempts: 3, backoff: '100ms', maxBackoff: '250ms' } }], dlq: ['test.dlq'] },
        ['src:out -> reshape:in', 'reshape:out -> out:in'],
        { deadLetter: 'dlq' },
      ),
      registryOf(listSource('test.list', [{ id: 'a' }], s), reshape, broken, dlq.def),
    );
    const summary = await running.done;
    expect(writes).toBe(4);
    expect(clock.sleeps).toEqual([100, 200, 250]);
    expect(dlq.got).toHaveLength(1);
    const letter = dlq.got[0]!.value as DeadLetter;
    expect(letter).toEqual({
      flowId: 'test-flow',
      nodeId: 'out',
      error: { name: 'TypeError', message: 'disk on fire' },
      attempts: 4,
      failedAt: '2024-01-02T03:04:05.000Z',
      original: { value: { id: 'a' }, key: 'k0', headers: { h: '0' }, meta: { offset: '0' } },
    });
    expect(dlq.got[0]!.key).toBe('k0');
    expect(dlq.got[0]!.headers).toEqual({ h: '0' });
    expect(s.acked).toEqual([0]);
    expect(s.nacked).toEqual([]);
    expect(summary.outcome).toBe('completed');
    expect(summary.counters.nodes.out).toEqual({ in: 1, out: 0, dropped: 0, errors: 4, deadLettered: 1, retries: 3 });
    expect(summary.counters.nodes.dlq).toMatchObject({ in: 1, out: 1 });
  });

  it('treats an expression error at run time like any other failure', async () => {
    const s = new Settlements();
    const dlq = collector('test.dlq');
    const out = collector('test.out');
    const { running, clock } = await run(
      flow(
        { src: ['test.list'], big: ['core.filter', { when: 'total > 1000.0' }, { retry: { attempts: 1 } }], out: ['test.out'], dlq: ['test.dlq'] },
        ['src:out -> big:in', 'big:out -> out:in'],
        { deadLetter: 'dlq' },
      ),
      registryOf(listSource('test.list', [{ total: 'lots' }, { total: 2000.0 }], s), out.def, dlq.def),
    );
    await running.done;
    expect(clock.sleeps).toEqual([100]);
    expect(out.got.map((m) => m.value)).toEqual([{ total: 2000.0 }]);
    const letter = dlq.got[0]!.value as DeadLetter;
    expect(letter.nodeId).toBe('big');
    expect(letter.error.name).toBe('ExpressionError');
    expect(letter.attempts).toBe(2);
    expect(letter.original.value).toEqual({ total: 'lots' });
    expect(s.acked.sort()).toEqual([0, 1]);
  });

  it('retries and dead-letters an ExpressionError thrown by a node', async () => {
    const s = new Settlements();
    const dlq = collector('test.dlq');
    const expr = processorType('test.expr', () => {
      throw new ExpressionError('no such key: total', 1, 1);
    });
    const { running, clock } = await run(
      flow({ src: ['test.list'], calc: ['test.expr'], dlq: ['test.dlq'] }, ['src:out -> calc:in'], { deadLetter: 'dlq', retry: { attempts: 2 } }),
      registryOf(listSource('test.list', [{ a: 1 }], s), expr, dlq.def),
    );
    await running.done;
    expect(clock.sleeps).toEqual([100, 200]);
    expect((dlq.got[0]!.value as DeadLetter).error).toEqual({ name: 'ExpressionError', message: 'no such key: total' });
    expect((dlq.got[0]!.value as DeadLetter).attempts).toBe(3);
    expect(s.acked).toEqual([0]);
  });

  it('nacks the record and fails the flow when there is no dead-letter node', async () => {
    const s = new Settlements();
    const broken = sinkType('test.broken', () => {
      throw new Error('nope');
    });
    const { running } = await run(
      flow({ src: ['test.list'], out: ['test.broken', {}, { retry: { attempts: 0 } }] }, ['src:out -> out:in']),
      registryOf(listSource('test.list', [{ id: 'a' }], s), broken),
    );
    await expect(running.done).rejects.toThrow(/node "out" failed on a record after 1 attempt\(s\) and the flow has no dead-letter node.*: nope/);
    expect(s.acked).toEqual([]);
    expect(s.nacked.map((n) => n.index)).toEqual([0]);
    expect(s.nacked[0]!.error.message).toContain('nope');
    const summary = await running.stop();
    expect(summary.outcome).toBe('failed');
    expect(summary.counters.sources.src).toEqual({ inFlight: 0, acked: 0, nacked: 1 });
  });

  it('keeps retrying a failing dead-letter sink, pausing intake, and settles the record once it recovers', async () => {
    const s = new Settlements();
    const clock = instantClock();
    const broken = sinkType('test.broken', () => {
      throw new Error('primary down');
    });
    let dlqFailures = 0;
    const letters: unknown[] = [];
    const flakyDlq = sinkType('test.flakydlq', async (msg) => {
      if (dlqFailures < 6) {
        dlqFailures++;
        throw new Error('dlq down');
      }
      letters.push(msg.value);
    });
    const registry = registryOf(listSource('test.list', [{ id: 'a' }, { id: 'b' }], s), broken, flakyDlq);
    const doc = flow(
      {
        src: ['test.list'],
        out: ['test.broken', {}, { retry: { attempts: 0 } }],
        dlq: ['test.flakydlq', {}, { retry: { attempts: 1, backoff: '100ms', maxBackoff: '1s' } }],
      },
      ['src:out -> out:in'],
      { deadLetter: 'dlq' },
    );
    const logs = memoryLogger();
    const running = await startFlow(compileFlow(doc, registry), { logger: logs.logger, env: {}, clock, maxInFlight: 1 });
    const summary = await running.done;
    expect(summary.outcome).toBe('completed');
    expect(s.nacked).toEqual([]);
    expect(s.acked).toEqual([0, 1]);
    expect(letters.map((l) => (l as { original: { value: unknown } }).original.value)).toEqual([{ id: 'a' }, { id: 'b' }]);
    // Six failures of the first dead letter: retried past its own attempts (1), backoff capped.
    expect(clock.sleeps).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(logs.lines.filter((l) => l.msg.includes('dead-letter node failing')).length).toBe(6);
  });

  it('pauses the source while the dead-letter sink is down, and nacks (never acks) what is held when the flow stops', async () => {
    const s = new Settlements();
    const broken = sinkType('test.broken', () => {
      throw new Error('primary down');
    });
    const downDlq = sinkType('test.downdlq', async () => {
      throw new Error('dlq down');
    });
    let emitted = 0;
    const src = sourceType('test.counting', async (out) => {
      for (let i = 0; i < 5 && !out.signal.aborted; i++) {
        emitted++;
        await out.emit({ value: { i } }, s.for(i));
      }
    });
    const doc = flow(
      { src: ['test.counting'], out: ['test.broken', {}, { retry: { attempts: 0 } }], dlq: ['test.downdlq', {}, { retry: { backoff: '5ms', maxBackoff: '20ms' } }] },
      ['src:out -> out:in'],
      { deadLetter: 'dlq' },
    );
    // Each backoff sleep yields one macrotask: retries keep going without wall-clock waits.
    const clock = { now: () => 0, sleep: (_ms: number, signal?: AbortSignal) => new Promise<void>((r) => (signal?.aborted ? r() : setImmediate(r))) };
    const running = await startFlow(compileFlow(doc, registryOf(src, broken, downDlq)), { logger: memoryLogger().logger, env: {}, maxInFlight: 2, clock });
    await until(() => (running.counters().nodes.dlq?.retries ?? 0) >= 10, 'dead-letter retries while down');
    // Two records hold the two in-flight slots; the second emit made the source wait for room,
    // so nothing more came in while the dead-letter target was down.
    expect(emitted).toBe(2);
    expect(running.counters().sources.src?.inFlight).toBe(2);
    const summary = await running.stop(1_000);
    expect(summary.outcome).toBe('stopped');
    expect(s.acked).toEqual([]);
    expect(s.nacked.map((n) => n.index).sort()).toEqual([0, 1]);
  });

  it("sends a source's undecodable record straight to the dead-letter node with attempts 1", async () => {
    const s = new Settlements();
    const dlq = collector('test.dlq');
    const out = collector('test.out');
    const src = sourceType('test.decoder', async (o) => {
      await o.deadLetter({ value: 'not json {', key: 'bad' }, new SyntaxError('Unexpected token'), s.for(0));
      await o.emit({ value: { ok: true } }, s.for(1));
    });
    const { running } = await run(
      flow({ src: ['test.decoder'], out: ['test.out'], dlq: ['test.dlq'] }, ['src:out -> out:in'], { deadLetter: 'dlq' }),
      registryOf(src, out.def, dlq.def),
    );
    const summary = await running.done;
    expect(dlq.got.map((m) => m.value)).toEqual([
      {
        flowId: 'test-flow',
        nodeId: 'src',
        error: { name: 'SyntaxError', message: 'Unexpected token' },
        attempts: 1,
        failedAt: '2024-01-02T03:04:05.000Z',
        original: { value: 'not json {', key: 'bad' },
      },
    ]);
    expect(out.got).toHaveLength(1);
    expect(s.acked.sort()).toEqual([0, 1]);
    expect(summary.counters.nodes.src).toMatchObject({ out: 1, deadLettered: 1 });
  });

  it('fails the flow when a source dead-letters without a dead-letter node', async () => {
    const s = new Settlements();
    const src = sourceType('test.decoder', async (o) => {
      await o.deadLetter({ value: 'x' }, new Error('undecodable'), s.for(0));
    });
    const { running } = await run(flow({ src: ['test.decoder'] }, []), registryOf(src));
    await expect(running.done).rejects.toThrow(/node "src" failed .*undecodable/);
    expect(s.nacked.map((n) => n.index)).toEqual([0]);
  });
});

describe('counters', () => {
  it('counts in, out and dropped per node', async () => {
    const s = new Settlements();
    const out = collector('test.out');
    const { running } = await run(
      flow({ src: ['test.list'], big: ['core.filter', { when: 'total > 10.0' }], out: ['test.out'] }, ['src:out -> big:in', 'big:out -> out:in']),
      registryOf(listSource('test.list', [{ total: 1.0 }, { total: 11.0 }, { total: 2.0 }, { total: 30.0 }, { total: 3.0 }], s), out.def),
    );
    const summary = await running.done;
    expect(summary.counters.nodes).toEqual({
      src: { in: 0, out: 5, dropped: 0, errors: 0, deadLettered: 0, retries: 0 },
      big: { in: 5, out: 2, dropped: 3, errors: 0, deadLettered: 0, retries: 0 },
      out: { in: 2, out: 2, dropped: 0, errors: 0, deadLettered: 0, retries: 0 },
    });
    expect(summary.counters.sources.src).toEqual({ inFlight: 0, acked: 5, nacked: 0 });
  });

  it('does not count a record as dropped when it left by another port', async () => {
    const s = new Settlements();
    const { running } = await run(
      flow({ src: ['test.list'], big: ['core.filter', { when: 'total > 10.0', rejectedPort: true }] }, ['src:out -> big:in']),
      registryOf(listSource('test.list', [{ total: 1.0 }, { total: 11.0 }], s)),
    );
    const summary = await running.done;
    expect(summary.counters.nodes.big).toMatchObject({ in: 2, out: 2, dropped: 0 });
    expect(s.acked).toEqual([0, 1]);
  });
});
