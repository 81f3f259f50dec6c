import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode } from '../../../shared/node-kit/define';
import { compileFlow, CompileError } from '../../../runtime/compiler';
import type { AvroRecord } from '../../../shared/schema/record-schema';
import { flow, processorType, registryOf, sinkType, sourceType } from '../engine/fixtures';

const orderSchema: AvroRecord = { type: 'record', name: 'Order', fields: [{ name: 'total', type: 'double' }] };
const src = defineNode({
  ...sourceType('test.orders', async () => undefined),
  schema: () => ({ out: orderSchema }),
});
const sink = sinkType('test.sink', () => undefined);
const proc = processorType('test.proc', () => undefined, { outputs: [{ name: 'out' }, { name: 'other' }] });

const renamed = defineNode({
  type: 'test.renamed',
  version: 2,
  category: 'transform',
  title: 'renamed',
  summary: 'v2 calls the field "threshold"',
  docs: '',
  icon: 'x',
  ports: { inputs: [{ name: 'in' }], outputs: [{ name: 'out' }] },
  config: z.strictObject({ threshold: z.number(), mode: z.enum(['a', 'b']).default('a') }),
  migrations: { 1: ({ limit, ...rest }) => ({ ...rest, threshold: limit }) },
  create: () => ({ role: 'processor', process: () => undefined }),
  examples: [],
});

const registry = registryOf(src, sink, proc, renamed);

function compileError(fn: () => unknown): CompileError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CompileError);
    return err as CompileError;
  }
  throw new Error('expected a CompileError');
}

describe('compileFlow', () => {
  it('builds nodes with parsed configs, input schemas, ports and targets in dependency order', () => {
    const plan = compileFlow(
      flow(
        { orders: ['test.orders'], big: ['core.filter', { when: 'total > 10.0' }], out: ['test.sink'], rest: ['test.sink'] },
        ['orders:out -> big:in', 'big:out -> out:in', 'orders:out -> rest:in'],
      ),
      registry,
    );
    expect(plan.flowId).toBe('test-flow');
    expect(plan.sources).toEqual(['orders']);
    expect(plan.order[0]).toBe('orders');
    expect(plan.order.indexOf('big')).toBeLessThan(plan.order.indexOf('out'));
    const big = plan.nodes.big!;
    expect(big.role).toBe('processor');
    expect(big.config).toEqual({ when: 'total > 10.0', rejectedPort: false });
    expect(big.inputSchema).toEqual(orderSchema);
    expect(big.outputs).toEqual([{ name: 'out', targets: [{ node: 'out', port: 'in' }] }]);
    expect(plan.nodes.orders!.outputs[0]!.targets).toEqual([
      { node: 'big', port: 'in' },
      { node: 'rest', port: 'in' },
    ]);
    expect(plan.nodes.out!.role).toBe('sink');
    expect(plan.deadLetterNodes).toEqual([]);
  });

  it('applies node-version migrations before parsing, then fills defaults', () => {
    const doc = flow({ r: ['test.renamed', { limit: 5 }] }, []);
    const plan = compileFlow(doc, registry);
    expect(plan.nodes.r!.version).toBe(2);
    expect(plan.nodes.r!.config).toEqual({ threshold: 5, mode: 'a' });
  });

  it('resolves error policies: defaults, flow level, node fields over flow fields', () => {
    const doc = flow(
      {
        a: ['test.orders'],
        b: ['test.proc', {}, { retry: { attempts: 1 } }],
        c: ['test.proc', {}, { retry: { backoff: '1s' }, deadLetter: 'other-dlq' }],
        dlq: ['test.sink'],
        'other-dlq': ['test.sink'],
      },
      ['a:out -> b:in', 'b:out -> c:in'],
      { retry: { maxBackoff: '2s' }, deadLetter: 'dlq' },
    );
    const plan = compileFlow(doc, registry);
    expect(plan.nodes.a!.errors).toEqual({ retry: { attempts: 3, backoffMs: 100, maxBackoffMs: 2000 }, deadLetter: 'dlq' });
    expect(plan.nodes.b!.errors).toEqual({ retry: { attempts: 1, backoffMs: 100, maxBackoffMs: 2000 }, deadLetter: 'dlq' });
    expect(plan.nodes.c!.errors).toEqual({ retry: { attempts: 3, backoffMs: 1000, maxBackoffMs: 2000 }, deadLetter: 'other-dlq' });
    expect(plan.deadLetterNodeId).toBe('dlq');
    expect(plan.deadLetterNodes).toEqual(['dlq', 'other-dlq']);
    expect(plan.nodes.dlq!.deadLetterTarget).toBe(true);
    expect(plan.nodes.dlq!.errors.deadLetter).toBeUndefined();

    const bare = compileFlow(flow({ a: ['test.orders'] }, []), registry);
    expect(bare.nodes.a!.errors).toEqual({ retry: { attempts: 3, backoffMs: 100, maxBackoffMs: 5000 } });
  });

  it('names the node and the reason for what it cannot build', () => {
    expect(compileError(() => compileFlow(flow({ x: ['no.such'] }, []), registry)).message).toBe('node "x": unknown node type "no.such"');

    const bad = compileError(() => compileFlow(flow({ f: ['core.filter', { when: 42 }] }, []), registry));
    expect(bad.nodeId).toBe('f');
    expect(bad.message).toMatch(/^node "f": config does not parse: \/when: /);

    const outPort = compileError(() => compileFlow(flow({ a: ['test.orders'], s: ['test.sink'] }, ['a:nope -> s:in']), registry));
    expect(outPort.nodeId).toBe('a');
    expect(outPort.message).toContain('output port "nope"');

    const inPort = compileError(() => compileFlow(flow({ a: ['test.orders'], s: ['test.sink'] }, ['a:out -> s:side']), registry));
    expect(inPort.nodeId).toBe('s');
    expect(inPort.message).toContain('input port "side"');

    expect(compileError(() => compileFlow(flow({ a: ['test.orders'] }, ['a:out -> ghost:in']), registry)).message).toContain('missing node "ghost"');

    const newer = flow({ r: ['test.renamed', { threshold: 1 }] }, []);
    newer.nodes.r!.version = 3;
    expect(compileError(() => compileFlow(newer, registry)).message).toContain('newer than this Sluice knows');

    const cyc = compileError(() => compileFlow(flow({ p: ['test.proc'], q: ['test.proc'] }, ['p:out -> q:in', 'q:out -> p:in']), registry));
    expect(cyc.nodeId).toBeUndefined();
    expect(cyc.message).toContain('cycle');
  });

  it('refuses dead-letter targets that are missing, not sinks, or fed by edges', () => {
    expect(compileError(() => compileFlow(flow({ a: ['test.orders'] }, [], { deadLetter: 'gone' }), registry)).message).toContain('"gone", which does not exist');
    expect(compileError(() => compileFlow(flow({ a: ['test.orders'], p: ['test.proc'] }, [], { deadLetter: 'p' }), registry)).message).toContain(
      'must be a sink',
    );
    const fed = compileError(() => compileFlow(flow({ a: ['test.orders'], d: ['test.sink'] }, ['a:out -> d:in'], { deadLetter: 'd' }), registry));
    expect(fed.nodeId).toBe('d');
    expect(fed.message).toContain('no input edges');
  });
});
