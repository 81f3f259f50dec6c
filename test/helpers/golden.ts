import { z } from 'zod';
import type { FlowDocument } from '../../shared/flow/document';
import { defineNode, type NodeDefinition } from '../../shared/node-kit/define';
import { createRegistry, type Registry } from '../../shared/node-kit/registry';
import type { RecordSchema } from '../../shared/schema/record-schema';
import { inferFlowSchemas } from '../../shared/schema/flow-schemas';
import { compileFlow } from '../../runtime/compiler/compile';
import { startFlow, type RunSummary } from '../../runtime/engine/engine';
import { silentLogger as quietLogger } from '../../runtime/engine/context';

/**
 * Runs a flow's `.cases.json` with the real compiler, engine and node types. Only the edges of
 * the flow are swapped: each source the case gives records for becomes `test.inject` (emitting
 * them with the source's own output schema, so expressions are typed exactly as in production;
 * other sources run for real) and each sink becomes `test.capture` (collecting what it
 * accepted, keyed by the sink's node id).
 */
export interface FlowCase {
  name: string;
  /** Records per source node id. */
  inputs: Record<string, unknown[]>;
  /** Records expected per sink node id; a sink not listed must receive nothing. */
  expect: Record<string, unknown[]>;
}

export interface CasesFile {
  /** Environment for `${env:…}` and `${secret:…}` references (test keys only). */
  env?: Record<string, string>;
  cases: FlowCase[];
}

const captured = new Map<string, unknown[]>();

const inject = defineNode({
  type: 'test.inject',
  version: 1,
  category: 'source',
  title: 'Inject (test)',
  summary: 'Emits the records of a test case.',
  icon: 'test',
  docs: 'Test only.',
  ports: { inputs: [], outputs: [{ name: 'out' }] },
  config: z.strictObject({ records: z.array(z.unknown()), schema: z.unknown().optional() }),
  schema: (_inputs, config) => ({ out: config.schema as RecordSchema }),
  create: (config) => ({
    role: 'source',
    async run(out) {
      for (const value of config.records) {
        if (out.signal.aborted) return;
        // Each case record is cloned so a processor that broke the no-mutation rule shows up.
        const pending = out.emit({ value: structuredClone(value) });
        if (pending) await pending;
      }
    },
  }),
  examples: [],
});

const capture = defineNode({
  type: 'test.capture',
  version: 1,
  category: 'sink',
  title: 'Capture (test)',
  summary: 'Collects records per sink id.',
  icon: 'test',
  docs: 'Test only.',
  ports: { inputs: [{ name: 'in' }], outputs: [] },
  config: z.strictObject({ key: z.string() }),
  create: (config) => ({
    role: 'sink',
    write(msg) {
      const list = captured.get(config.key) ?? [];
      list.push(msg.value);
      captured.set(config.key, list);
    },
  }),
  examples: [],
});


export async function runCase(
  doc: FlowDocument,
  registry: Registry,
  testCase: FlowCase,
  baseDir: string,
  env: Record<string, string> = {},
): Promise<{ outputs: Record<string, unknown[]>; summary: RunSummary }> {
  const schemas = inferFlowSchemas(doc, registry);
  const nodes: FlowDocument['nodes'] = {};
  const runId = `${doc.id}:${testCase.name}`;
  const sinks: string[] = [];
  for (const [id, node] of Object.entries(doc.nodes)) {
    const def = registry.node(node.type, node.version) as NodeDefinition;
    // A source the case gives no records for runs for real (e.g. file.read on flows/data).
    if (def.category === 'source' && testCase.inputs[id]) {
      const records = testCase.inputs[id];
      nodes[id] = { type: 'test.inject', version: 1, config: { records, schema: schemas.get(id)?.outputs.out } };
    } else if (def.category === 'sink') {
      sinks.push(id);
      nodes[id] = { type: 'test.capture', version: 1, config: { key: `${runId}/${id}` }, errors: node.errors };
    } else {
      nodes[id] = node;
    }
  }
  for (const id of Object.keys(testCase.inputs)) {
    if (nodes[id]?.type !== 'test.inject') throw new Error(`case "${testCase.name}": "${id}" is not a source of flow ${doc.id}`);
  }
  for (const id of Object.keys(testCase.expect)) {
    if (!sinks.includes(id)) throw new Error(`case "${testCase.name}": "${id}" is not a sink of flow ${doc.id}`);
  }
  const testRegistry = createRegistry([...registry.nodes(), inject, capture], registry.resources());
  const plan = compileFlow({ ...doc, nodes }, testRegistry);
  const flow = await startFlow(plan, { baseDir, logger: quietLogger, stdout: { writeLine() {} }, env });
  const summary = await flow.done;
  const outputs: Record<string, unknown[]> = {};
  for (const id of sinks) {
    const key = `${runId}/${id}`;
    outputs[id] = (captured.get(key) ?? []).map(stripVolatile);
    captured.delete(key);
  }
  return { outputs, summary };
}

/** Dead letters carry the time they failed; everything else must match exactly. */
function stripVolatile(value: unknown): unknown {
  if (value && typeof value === 'object' && 'failedAt' in value && 'original' in value) {
    const { failedAt: _failedAt, ...rest } = value as Record<string, unknown>;
    return rest;
  }
  return value;
}
