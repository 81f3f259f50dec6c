import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runFlowFile } from '../../../runtime/engine';
import { defineNode } from '../../../shared/node-kit/define';
import { createRegistry } from '../../../shared/node-kit/registry';
import filter from '../../../shared/nodes/core/filter.node';
import { memoryLogger, sourceType } from './fixtures';

const lines = defineNode({
  type: 'test.lines',
  version: 1,
  category: 'source',
  title: 'lines',
  summary: 'emits each line of a file relative to the flow',
  docs: '',
  icon: 'x',
  ports: { inputs: [], outputs: [{ name: 'out' }] },
  config: z.strictObject({ path: z.string() }),
  create: (config, ctx) => ({
    role: 'source',
    async run(out) {
      for (const line of (await ctx.files.readText(config.path)).split('\n').filter(Boolean)) {
        await out.emit({ value: { n: Number(line) } });
      }
    },
  }),
  examples: [],
});

const print = defineNode({
  type: 'test.print',
  version: 1,
  category: 'sink',
  title: 'print',
  summary: 'writes a prefix and the record to stdout',
  docs: '',
  icon: 'x',
  ports: { inputs: [{ name: 'in' }], outputs: [] },
  config: z.strictObject({ prefix: z.string() }),
  create: (config, ctx) => ({ role: 'sink', write: (m) => ctx.stdout.writeLine(`${config.prefix}${JSON.stringify(m.value)}`) }),
  examples: [],
});

const endless = sourceType('test.endless', async (out) => {
  while (!out.signal.aborted) await out.emit({ value: {} });
});

const registry = createRegistry([filter, lines, print, endless]);

function flowFile(dir: string, nodes: Record<string, unknown>, edges: Array<{ from: string; to: string }>) {
  const path = join(dir, 'flows', 'numbers.flow.json');
  mkdirSync(join(dir, 'flows'), { recursive: true });
  writeFileSync(path, JSON.stringify({ format: 1, id: 'numbers', nodes, edges }, null, 2));
  return path;
}

describe('runFlowFile', () => {
  it('runs a flow file with paths relative to its folder and env values from an env file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-run-'));
    const path = flowFile(
      dir,
      {
        read: { type: 'test.lines', version: 1, config: { path: 'numbers.txt' } },
        big: { type: 'core.filter', version: 1, config: { when: 'n > 2' } },
        show: { type: 'test.print', version: 1, config: { prefix: '${env:PREFIX}' } },
      },
      [
        { from: 'read:out', to: 'big:in' },
        { from: 'big:out', to: 'show:in' },
      ],
    );
    writeFileSync(join(dir, 'flows', 'numbers.txt'), '1\n2\n3\n4\n');
    writeFileSync(join(dir, 'test.env'), '# local\nPREFIX="n> "\n');
    const out: string[] = [];
    const summary = await runFlowFile(path, {
      registry,
      envFile: join(dir, 'test.env'),
      env: {},
      stdout: { writeLine: (l) => void out.push(l) },
      logger: memoryLogger().logger,
    });
    expect(out).toEqual(['n> {"n":3}', 'n> {"n":4}']);
    expect(summary.outcome).toBe('completed');
    expect(summary.counters.nodes.big).toMatchObject({ in: 4, out: 2, dropped: 2 });
  });

  it('lets the process environment win over the env file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-run-'));
    const path = flowFile(
      dir,
      { read: { type: 'test.lines', version: 1, config: { path: 'n.txt' } }, show: { type: 'test.print', version: 1, config: { prefix: '${env:PREFIX}' } } },
      [{ from: 'read:out', to: 'show:in' }],
    );
    writeFileSync(join(dir, 'flows', 'n.txt'), '7\n');
    writeFileSync(join(dir, '.env'), 'PREFIX=file:');
    const out: string[] = [];
    await runFlowFile(path, { registry, envFile: join(dir, '.env'), env: { PREFIX: 'shell:' }, stdout: { writeLine: (l) => void out.push(l) }, logger: memoryLogger().logger });
    expect(out).toEqual(['shell:{"n":7}']);
  });

  it('stops gracefully when the signal aborts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-run-'));
    const path = flowFile(dir, { src: { type: 'test.endless', version: 1 }, show: { type: 'test.print', version: 1, config: { prefix: '' } } }, [
      { from: 'src:out', to: 'show:in' },
    ]);
    const ac = new AbortController();
    let written = 0;
    const run = runFlowFile(path, {
      registry,
      env: {},
      signal: ac.signal,
      logger: memoryLogger().logger,
      stdout: {
        writeLine: () => {
          if (++written === 100) ac.abort();
        },
      },
    });
    const summary = await run;
    expect(summary.outcome).toBe('stopped');
    expect(summary.counters.sources.src!.acked).toBe(written);
    expect(summary.counters.sources.src!.inFlight).toBe(0);
  });

  it('names the file when it does not parse, and the node when it does not compile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-run-'));
    const bad = join(dir, 'bad.flow.json');
    writeFileSync(bad, '{"format": 1, "id": ');
    await expect(runFlowFile(bad, { registry, env: {} })).rejects.toThrow(`${bad}: not valid JSON`);
    const path = flowFile(dir, { x: { type: 'no.such', version: 1 } }, []);
    await expect(runFlowFile(path, { registry, env: {} })).rejects.toThrow('node "x": unknown node type "no.such"');
  });
});
