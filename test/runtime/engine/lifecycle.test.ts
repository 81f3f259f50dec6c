import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileFlow } from '../../../runtime/compiler';
import { FlowStoppedError, startFlow } from '../../../runtime/engine';
import { defineNode } from '../../../shared/node-kit/define';
import { deferredSink, flow, instantClock, listSource, memoryLogger, processorType, registryOf, Settlements, sinkType, sourceType, tick, until } from './fixtures';

function closeLog() {
  const closed: string[] = [];
  return { closed, on: (name: string) => () => void closed.push(name) };
}

/** Emits until the flow stops, awaiting backpressure like a broker consumer. */
function endlessSource(type: string, s: Settlements, onClose: () => void) {
  let emitted = 0;
  let returned = false;
  const def = sourceType(
    type,
    async (out) => {
      while (!out.signal.aborted) {
        await out.emit({ value: { n: emitted } }, s.for(emitted));
        emitted++;
      }
      returned = true;
    },
    { close: onClose },
  );
  return { def, emitted: () => emitted, returned: () => returned };
}

describe('lifecycle', () => {
  it('stops gracefully: emitted records finish and ack, sinks flush, every node closes once', async () => {
    const s = new Settlements();
    const log = closeLog();
    let flushes = 0;
    let accepted = 0;
    const src = endlessSource('test.endless', s, log.on('src'));
    const slow = sinkType(
      'test.slow',
      () =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            accepted++;
            resolve();
          }),
        ),
      {
        flush: async () => void flushes++,
        close: log.on('out'),
      },
    );
    const pass = processorType('test.pass', (m, emit) => emit('out', m), { close: log.on('pass') });
    const running = await startFlow(
      compileFlow(flow({ src: ['test.endless'], pass: ['test.pass'], out: ['test.slow'] }, ['src:out -> pass:in', 'pass:out -> out:in']), registryOf(src.def, pass, slow)),
      { maxInFlight: 16, logger: memoryLogger().logger, env: {} },
    );
    await until(() => accepted >= 50, '50 records accepted');
    const [summary, again] = await Promise.all([running.stop(), running.stop()]);
    expect(again).toBe(summary);
    expect(src.returned()).toBe(true);
    expect(s.nacked).toEqual([]);
    expect(s.acked).toHaveLength(src.emitted());
    expect(accepted).toBe(src.emitted());
    expect(flushes).toBe(1);
    expect(log.closed.sort()).toEqual(['out', 'pass', 'src']);
    expect(summary.outcome).toBe('stopped');
    expect(summary.abandoned).toBe(0);
    expect(summary.counters.sources.src).toEqual({ inFlight: 0, acked: src.emitted(), nacked: 0 });
    await expect(running.done).resolves.toBe(summary);
    await running.stop();
    expect(log.closed).toHaveLength(3);
  });

  it('completes when every source has ended and everything drained', async () => {
    const s = new Settlements();
    const log = closeLog();
    const out = deferredSink('test.slow', { close: log.on('out') });
    const running = await startFlow(
      compileFlow(flow({ src: ['test.list'], out: ['test.slow'] }, ['src:out -> out:in']), registryOf(listSource('test.list', [1, 2, 3], s, { close: log.on('src') }), out.def)),
      { logger: memoryLogger().logger, env: {} },
    );
    let finished = false;
    void running.done.then(() => (finished = true));
    await until(() => out.pending.length === 3, 'three writes');
    expect(finished).toBe(false);
    for (const p of out.pending) p.resolve();
    const summary = await running.done;
    expect(summary.outcome).toBe('completed');
    expect(s.acked).toEqual([0, 1, 2]);
    expect(log.closed.sort()).toEqual(['out', 'src']);
  });

  it('nacks what is still unsettled when the stop deadline passes, and closes anyway', async () => {
    const s = new Settlements();
    const log = closeLog();
    const stuck = deferredSink('test.stuck', { close: log.on('out') });
    const running = await startFlow(
      compileFlow(flow({ src: ['test.list'], out: ['test.stuck'] }, ['src:out -> out:in']), registryOf(listSource('test.list', [1, 2], s), stuck.def)),
      { logger: memoryLogger().logger, env: {}, clock: instantClock() },
    );
    await until(() => stuck.pending.length === 2, 'two writes');
    const summary = await running.stop(50);
    expect(summary.abandoned).toBe(2);
    expect(s.acked).toEqual([]);
    expect(s.nacked.map((n) => n.index).sort()).toEqual([0, 1]);
    expect(s.nacked[0]!.error).toBeInstanceOf(FlowStoppedError);
    expect(log.closed).toEqual(['out']);
    stuck.pending[0]!.resolve();
    await tick();
    await tick();
    expect(s.acked).toEqual([]);
  });

  it('fails the flow when a source run() rejects', async () => {
    const src = sourceType('test.broken', async () => {
      throw new Error('broker unreachable');
    });
    const running = await startFlow(compileFlow(flow({ src: ['test.broken'] }, []), registryOf(src)), { logger: memoryLogger().logger, env: {} });
    await expect(running.done).rejects.toThrow('source "src" failed: broker unreachable');
  });

  it('refuses to start when a node cannot be created, closing the nodes already created', async () => {
    const log = closeLog();
    const out = sinkType('test.out', () => undefined, { close: log.on('out') });
    const failing = defineNode({
      ...processorType('test.fails', () => undefined),
      config: z.object({}).passthrough(),
      create: () => {
        throw new Error('cannot open lookup table');
      },
    });
    const plan = compileFlow(flow({ src: ['test.list'], bad: ['test.fails'], out: ['test.out'] }, ['src:out -> bad:in', 'bad:out -> out:in']), registryOf(listSource('test.list', [], new Settlements()), failing, out));
    await expect(startFlow(plan, { logger: memoryLogger().logger, env: {} })).rejects.toThrow('node "bad" (test.fails) failed to start: cannot open lookup table');
    expect(log.closed).toEqual(['out']);
  });

  it('refuses to start when create() returns a runtime of the wrong role', async () => {
    const liar = defineNode({
      ...sinkType('test.liar', () => undefined),
      create: () => ({ role: 'processor' as const, process: () => undefined }),
    });
    const plan = compileFlow(flow({ out: ['test.liar'] }, []), registryOf(liar));
    await expect(startFlow(plan, { logger: memoryLogger().logger, env: {} })).rejects.toThrow('node "out" (test.liar) is a sink but create() returned a processor runtime');
  });

  it('completes at once when the flow has no sources', async () => {
    const running = await startFlow(compileFlow(flow({ out: ['test.out'] }, []), registryOf(sinkType('test.out', () => undefined))), { logger: memoryLogger().logger, env: {} });
    await expect(running.done).resolves.toMatchObject({ outcome: 'completed' });
  });
});
