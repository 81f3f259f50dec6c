import type { z } from 'zod';
import { parseDuration, parseEndpoint, type ErrorPolicy, type FlowDocument } from '../../shared/flow/document';
import { buildGraph, topoOrder } from '../../shared/flow/graph';
import { outputPorts, type NodeDefinition } from '../../shared/node-kit/define';
import type { Registry } from '../../shared/node-kit/registry';
import { inferFlowSchemas } from '../../shared/schema/flow-schemas';
import type { FlowPlan, NodeRole, PlanNode, PlanPort, PlanResource, ResolvedErrorPolicy } from './plan';

/** Thrown by `compileFlow` for anything it cannot build; names the node (or resource) and why. */
export class CompileError extends Error {
  constructor(
    /** The node or resource at fault; undefined for flow-wide problems such as a cycle. */
    readonly nodeId: string | undefined,
    readonly reason: string,
    readonly kind: 'node' | 'resource' | 'flow' = nodeId === undefined ? 'flow' : 'node',
  ) {
    super(nodeId === undefined ? reason : `${kind} "${nodeId}": ${reason}`);
    this.name = 'CompileError';
  }
}

export interface CompileOptions {
  /** Defaults for retry settings that neither the node nor the flow sets. */
  retryDefaults?: { attempts?: number; backoff?: string; maxBackoff?: string };
}

const RETRY_DEFAULTS = { attempts: 3, backoff: '100ms', maxBackoff: '5s' };

/**
 * Builds the executable plan of a flow. Pure: it creates no node and touches no I/O, so the
 * designer, `sluice check` and the engine can all call it. The document is expected to have
 * passed `validateFlow`; anything that still cannot be built (unknown type, newer node
 * version, config that does not parse or fails lint, edge to a missing node or port, a cycle,
 * a dead-letter target that is not a plain sink) throws a CompileError.
 */
export function compileFlow(doc: FlowDocument, registry: Registry, options: CompileOptions = {}): FlowPlan {
  const retryDefaults = { ...RETRY_DEFAULTS, ...options.retryDefaults };
  const resources = compileResources(doc, registry);

  const defs = new Map<string, NodeDefinition>();
  const configs = new Map<string, unknown>();
  const migratedNodes: FlowDocument['nodes'] = {};
  for (const id of Object.keys(doc.nodes).sort()) {
    const node = doc.nodes[id] as FlowDocument['nodes'][string];
    const def = registry.node(node.type);
    if (!def) throw new CompileError(id, `unknown node type "${node.type}"`);
    const raw = migrate(id, 'node', node.type, node.version, def.version, def.migrations, node.config ?? {});
    const config = parseConfig(id, 'node', def.config, raw);
    const lintErrors = (def.lint?.(config) ?? []).filter((l) => l.severity !== 'warning');
    if (lintErrors.length) {
      throw new CompileError(id, `config fails lint: ${lintErrors.map((l) => `${l.path || '/'}: ${l.message}`).join('; ')}`);
    }
    defs.set(id, def);
    configs.set(id, config);
    migratedNodes[id] = { ...node, version: def.version, config: raw };
  }

  const outputs = new Map<string, Map<string, PlanPort>>();
  for (const [id, def] of defs) {
    let ports;
    try {
      ports = outputPorts(def, configs.get(id));
    } catch (err) {
      throw new CompileError(id, `cannot derive output ports: ${(err as Error).message}`);
    }
    outputs.set(id, new Map(ports.map((p) => [p.name, { name: p.name, targets: [] }])));
  }
  const inbound = new Map<string, number>();
  for (const [index, edge] of (doc.edges ?? []).entries()) {
    const from = parseEndpoint(edge.from);
    const to = parseEndpoint(edge.to);
    if (!from || !to) throw new CompileError(undefined, `edge ${index} (${edge.from} -> ${edge.to}) is not "node:port" on both ends`);
    const fromPorts = outputs.get(from.node);
    if (!fromPorts) throw new CompileError(undefined, `edge ${edge.from} -> ${edge.to} starts at missing node "${from.node}"`);
    const port = fromPorts.get(from.port);
    if (!port) {
      throw new CompileError(from.node, `edge ${edge.from} -> ${edge.to} uses output port "${from.port}", which this node does not have (ports: ${[...fromPorts.keys()].join(', ') || 'none'})`);
    }
    const toDef = defs.get(to.node);
    if (!toDef) throw new CompileError(undefined, `edge ${edge.from} -> ${edge.to} ends at missing node "${to.node}"`);
    if (!toDef.ports.inputs.some((p) => p.name === to.port)) {
      const names = toDef.ports.inputs.map((p) => p.name).join(', ') || 'none';
      throw new CompileError(to.node, `edge ${edge.from} -> ${edge.to} uses input port "${to.port}", which this node does not have (ports: ${names})`);
    }
    if (port.targets.some((t) => t.node === to.node && t.port === to.port)) {
      throw new CompileError(from.node, `duplicate edge ${edge.from} -> ${edge.to}`);
    }
    port.targets.push({ node: to.node, port: to.port });
    inbound.set(to.node, (inbound.get(to.node) ?? 0) + 1);
  }

  const { order, cycle } = topoOrder(buildGraph(doc));
  if (cycle.length) throw new CompileError(undefined, `the flow has a cycle through ${cycle.map((n) => `"${n}"`).join(', ')}`);

  const policies = new Map<string, ResolvedErrorPolicy>();
  for (const id of defs.keys()) {
    policies.set(id, resolvePolicy(id, doc.errors, doc.nodes[id]?.errors, retryDefaults));
  }
  const deadLetterNodes = [...new Set([...policies.values()].flatMap((p) => (p.deadLetter ? [p.deadLetter] : [])))].sort();
  for (const target of deadLetterNodes) {
    const namedBy = [...policies].filter(([, p]) => p.deadLetter === target).map(([id]) => id);
    const who = doc.errors?.deadLetter === target ? 'the flow' : `node "${namedBy[0]}"`;
    const def = defs.get(target);
    if (!def) throw new CompileError(undefined, `${who} names dead-letter node "${target}", which does not exist`);
    if (def.category !== 'sink') throw new CompileError(target, `is a dead-letter node but a ${def.category}; a dead-letter node must be a sink`);
    if (inbound.get(target)) throw new CompileError(target, 'is a dead-letter node, so it receives dead letters only and must have no input edges');
  }
  const deadLetterSet = new Set(deadLetterNodes);

  const schemas = inferFlowSchemas({ ...doc, nodes: migratedNodes }, registry);
  const nodes: Record<string, PlanNode> = {};
  for (const id of order) {
    const def = defs.get(id) as NodeDefinition;
    const node = doc.nodes[id] as FlowDocument['nodes'][string];
    const isDeadLetter = deadLetterSet.has(id);
    const policy = policies.get(id) as ResolvedErrorPolicy;
    nodes[id] = {
      id,
      type: def.type,
      version: def.version,
      ...(node.label !== undefined ? { label: node.label } : {}),
      role: roleOf(def),
      def,
      config: configs.get(id),
      inputSchema: schemas.get(id)?.inputs.in,
      outputs: [...(outputs.get(id) as Map<string, PlanPort>).values()],
      // A dead letter is never dead-lettered again: when the dead-letter sink fails, the flow stops.
      errors: isDeadLetter ? { retry: policy.retry } : policy,
      deadLetterTarget: isDeadLetter,
    };
  }
  const sources = order.filter((id) => nodes[id]?.role === 'source');
  return {
    flowId: doc.id,
    nodes,
    order,
    sources,
    ...(doc.errors?.deadLetter ? { deadLetterNodeId: doc.errors.deadLetter } : {}),
    deadLetterNodes,
    resources,
  };
}

function roleOf(def: NodeDefinition): NodeRole {
  return def.category === 'source' ? 'source' : def.category === 'sink' ? 'sink' : 'processor';
}

function compileResources(doc: FlowDocument, registry: Registry): Record<string, PlanResource> {
  const out: Record<string, PlanResource> = {};
  for (const id of Object.keys(doc.resources ?? {}).sort()) {
    const r = doc.resources?.[id];
    if (!r) continue;
    const def = registry.resource(r.type);
    if (!def) throw new CompileError(id, `unknown resource type "${r.type}"`, 'resource');
    const raw = migrate(id, 'resource', r.type, r.version, def.version, def.migrations, r.config ?? {});
    const config = parseConfig(id, 'resource', def.config, raw) as Record<string, unknown>;
    const lintErrors = (def.lint?.(config) ?? []).filter((l) => l.severity !== 'warning');
    if (lintErrors.length) {
      throw new CompileError(id, `config fails lint: ${lintErrors.map((l) => `${l.path || '/'}: ${l.message}`).join('; ')}`, 'resource');
    }
    out[id] = { id, type: r.type, def, config };
  }
  return out;
}

function migrate(
  id: string,
  kind: 'node' | 'resource',
  type: string,
  from: number,
  to: number,
  migrations: Record<number, (c: Record<string, unknown>) => Record<string, unknown>> | undefined,
  config: Record<string, unknown>,
): Record<string, unknown> {
  if (from > to) {
    throw new CompileError(id, `uses ${type} version ${from}, newer than this Sluice knows (version ${to}); upgrade Sluice`, kind);
  }
  let current = config;
  for (let v = from; v < to; v++) {
    const step = migrations?.[v];
    if (!step) throw new CompileError(id, `uses ${type} version ${from} and there is no migration from version ${v} to ${v + 1}`, kind);
    try {
      current = step(current);
    } catch (err) {
      throw new CompileError(id, `migrating ${type} config from version ${v} to ${v + 1} failed: ${(err as Error).message}`, kind);
    }
  }
  return current;
}

function parseConfig(id: string, kind: 'node' | 'resource', schema: z.ZodType, raw: Record<string, unknown>): unknown {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `/${i.path.map(String).join('/')}: ${i.message}`);
  throw new CompileError(id, `config does not parse: ${issues.join('; ')}`, kind);
}

function resolvePolicy(
  id: string,
  flow: ErrorPolicy | undefined,
  node: ErrorPolicy | undefined,
  defaults: { attempts: number; backoff: string; maxBackoff: string },
): ResolvedErrorPolicy {
  const attempts = node?.retry?.attempts ?? flow?.retry?.attempts ?? defaults.attempts;
  const backoff = node?.retry?.backoff ?? flow?.retry?.backoff ?? defaults.backoff;
  const maxBackoff = node?.retry?.maxBackoff ?? flow?.retry?.maxBackoff ?? defaults.maxBackoff;
  let backoffMs: number;
  let maxBackoffMs: number;
  try {
    backoffMs = parseDuration(backoff);
    maxBackoffMs = parseDuration(maxBackoff);
  } catch (err) {
    throw new CompileError(id, `error policy: ${(err as Error).message}`);
  }
  if (!Number.isInteger(attempts) || attempts < 0) throw new CompileError(id, `error policy: retry attempts must be a whole number ≥ 0, not ${attempts}`);
  const deadLetter = node?.deadLetter ?? flow?.deadLetter;
  const policy: ResolvedErrorPolicy = { retry: { attempts, backoffMs, maxBackoffMs } };
  if (deadLetter !== undefined) policy.deadLetter = deadLetter;
  return policy;
}
