import { createHook } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { compileFlow } from '../../../runtime/compiler';
import { startFlow } from '../../../runtime/engine';
import type { Message } from '../../../shared/node-kit/message';
import type { SourceOutput } from '../../../shared/node-kit/runtime';
import { flow, memoryLogger, processorType, registryOf, Settlements, sinkType, sourceType, tick } from './fixtures';

/** Counts promises created while `fn` runs synchronously. */
function promisesCreatedDuring(fn: () => void): number {
  let created = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') created++;
    },
  });
  hook.enable();
  try {
    fn();
  } finally {
    hook.disable();
  }
  return created;
}

async function chainFlow(sinkWrite: (m: Message) => void | Promise<void>) {
  let out: SourceOutput | undefined;
  let finish!: () => void;
  const ended = new Promise<void>((r) => (finish = r));
  const src = sourceType('test.manual', async (o) => {
    out = o;
    await ended;
  });
  const calls = { redact: 0, route: 0 };
  const redact = processorType('test.redact', (msg, emit) => {
    calls.redact++;
    const { email: _drop, ...rest } = msg.value as Record<string, unknown>;
    emit('out', { ...msg, value: rest });
  });
  const route = processorType(
    'test.route',
    (msg, emit) => {
      calls.route++;
      emit((msg.value as { total: number }).total > 100 ? 'big' : 'small', msg);
    },
    { outputs: [{ name: 'big' }, { name: 'small' }] },
  );
  const sink = sinkType('test.sink', sinkWrite);
  const running = await startFlow(
    compileFlow(
      flow(
        { src: ['test.manual'], keep: ['core.filter', { when: 'total > 10.0' }], redact: ['test.redact'], route: ['test.route'], big: ['test.sink'], small: ['test.sink'] },
        ['src:out -> keep:in', 'keep:out -> redact:in', 'redact:out -> route:in', 'route:big -> big:in', 'route:small -> small:in'],
      ),
      registryOf(src, redact, route, sink),
    ),
    { logger: memoryLogger().logger, env: {} },
  );
  await tick();
  return { running, out: out as SourceOutput, calls, finish };
}

describe('fusion', () => {
  it('runs a chain of synchronous processors inside the source emit, with one call each and no promise', async () => {
    const arrived: Message[] = [];
    const { running, out, calls, finish } = await chainFlow((m) => void arrived.push(m));
    const s = new Settlements();
    const N = 500;
    const records = Array.from({ length: N }, (_, i) => ({ value: { id: i, total: 11.0 + i, email: `u${i}@x.org` } }));
    const settlements = records.map((_, i) => s.for(i));
    let arrivedDuringEmit = 0;
    const promises = promisesCreatedDuring(() => {
      for (let i = 0; i < N; i++) {
        const before = arrived.length;
        out.emit(records[i] as Message, settlements[i]);
        if (arrived.length === before + 1) arrivedDuringEmit++;
      }
    });
    expect(promises).toBe(0);
    expect(arrivedDuringEmit).toBe(N);
    expect(calls).toEqual({ redact: N, route: N });
    expect(s.acked).toHaveLength(N);
    expect(arrived[0]!.value).toEqual({ id: 0, total: 11.0 });
    const counters = running.counters().nodes;
    expect(counters.keep).toMatchObject({ in: N, out: N, dropped: 0 });
    expect(counters.big!.in + counters.small!.in).toBe(N);
    finish();
    await running.done;
  });

  it('the probe does see promises when the sink is asynchronous (control)', async () => {
    const { running, out, finish } = await chainFlow(() => Promise.resolve());
    const promises = promisesCreatedDuring(() => {
      for (let i = 0; i < 10; i++) out.emit({ value: { total: 50.0 } });
    });
    expect(promises).toBeGreaterThanOrEqual(10);
    finish();
    await running.done;
  });
});
