import { z } from 'zod';
import { checkExpression } from '../expr/cel';
import {
  CURRENT_FORMAT,
  Edge,
  ErrorPolicy,
  FlowDocument,
  NodeInstance,
  ResourceInstance,
  SLUG_PATTERN,
  parseEndpoint,
  type Endpoint,
} from '../flow/document';
import { FlowFormatError, migrateFlow } from '../flow/migrate';
import { checkGovernance } from '../governance/leaks';
import type { Policy } from '../governance/policy';
import { configJsonSchema, outputPorts, type NodeDefinition, type ResourceDefinition } from '../node-kit/define';
import { SECRET_REF_PATTERN, type ExprResultType } from '../node-kit/hints';
import type { Registry } from '../node-kit/registry';
import { inferFlowSchemas, type NodeSchemas } from '../schema/flow-schemas';
import { sortDiagnostics, type Diagnostic } from './diagnostic';
import { joinPointer, pointer } from './pointer';
import { walkValues, type JsonSchema, type Segment } from './schema-walk';
import { didYouMean } from './suggest';
import { describeIssues } from './zod-issues';

export interface ValidateOptions {
  /**
   * Name of the file the flow was read from. A `<stem>.flow.json` file must hold the flow whose
   * id is `<stem>`, so the id can be found from the file and the other way round.
   */
  fileName?: string;
  /**
   * The governance policy the leak proof checks against (see shared/governance/policy.ts);
   * the default policy when absent: no tagged field may leave its zone unless dropped, masked,
   * hashed or tokenized.
   */
  policy?: Policy;
}

/**
 * Every problem in a flow document, as one sorted list: the one validator the designer, the CLI
 * and the runtime all call, so a flow that passes here is one the compiler accepts. Accepts raw
 * parsed JSON of any shape; never throws on bad input. Checks, in order: envelope format,
 * document shape, node and resource types, versions (older configs migrated first), configs,
 * lint rules, expressions (type-checked against the inferred input schema), resource and secret
 * references, edges, ports, cycles, reachability and dead-letter targets; then the
 * classification map and governance: zones, and the proof that no tagged field reaches a sink in
 * another zone unredacted (shared/governance/leaks.ts).
 */
export function validateFlow(input: unknown, registry: Registry, options: ValidateOptions = {}): Diagnostic[] {
  return sortDiagnostics(new FlowValidator(registry).run(input, options));
}

/** As validateFlow, from the file's text: a file that is not JSON is one diagnostic, not a throw. */
export function validateFlowText(text: string, registry: Registry, options: ValidateOptions = {}): Diagnostic[] {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') {
    return [{ severity: 'error', code: 'invalid-json', path: '', message: 'the file is empty; a flow is a JSON object' }];
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    return [{ severity: 'error', code: 'invalid-json', path: '', message: `not valid JSON: ${jsonErrorMessage(body, err as Error)}` }];
  }
  return validateFlow(raw, registry, options);
}

function jsonErrorMessage(text: string, err: Error): string {
  const m = /^(.*?)(?: in JSON)? at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(err.message);
  if (!m) return err.message;
  const before = text.slice(0, Number(m[2]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${m[1]}`;
}

interface Item {
  kind: 'node' | 'resource';
  id: string;
  type: string;
  /** Newest definition of the type, when the type is known and the version not too new. */
  def?: NodeDefinition | ResourceDefinition;
  /** Config after version migrations: what the definition's schema checks. */
  config?: Record<string, unknown>;
  /** Parsed config (defaults applied) when it is valid. */
  parsed?: unknown;
  jsonSchema?: JsonSchema;
  /** Pointers (relative to the config) that already have a config diagnostic. */
  badPointers: Set<string>;
}

interface EdgeEntry {
  index: number;
  from: Endpoint;
  to: Endpoint;
}

const schemaCache = new WeakMap<object, JsonSchema | null>();

function cachedJsonSchema(def: { config: z.ZodType }): JsonSchema | undefined {
  if (!schemaCache.has(def)) {
    try {
      schemaCache.set(def, configJsonSchema(def));
    } catch {
      // A config schema zod cannot express is a contract-test failure; here we just skip hints.
      schemaCache.set(def, null);
    }
  }
  return schemaCache.get(def) ?? undefined;
}

let envelopeSchema: JsonSchema | undefined;
function envelopeJsonSchema(): JsonSchema {
  envelopeSchema ??= z.toJSONSchema(FlowDocument, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return envelopeSchema;
}

class FlowValidator {
  private readonly out: Diagnostic[] = [];
  private doc!: FlowDocument;
  private readonly nodes = new Map<string, Item>();
  private readonly resources = new Map<string, Item>();
  private edges: EdgeEntry[] = [];
  private schemas: Map<string, NodeSchemas> | undefined;
  /** `node:<id>` / `resource:<id>` whose envelope is invalid: present in the graph, not checked. */
  private readonly broken = new Set<string>();

  constructor(private readonly registry: Registry) {}

  run(input: unknown, options: ValidateOptions): Diagnostic[] {
    let raw: Record<string, unknown>;
    try {
      raw = migrateFlow(input).doc;
    } catch (err) {
      if (!(err instanceof FlowFormatError)) throw err;
      return [{ severity: 'error', code: formatErrorCode(input), path: err.path, message: err.message }];
    }
    this.doc = this.envelope(raw);
    this.checkFileName(options.fileName);
    for (const id of Object.keys(this.doc.resources ?? {}).sort()) this.resources.set(id, this.checkItem('resource', id));
    for (const id of Object.keys(this.doc.nodes).sort()) this.nodes.set(id, this.checkItem('node', id));
    this.checkHintedValues();
    this.checkEdges();
    const deadLetters = this.checkDeadLetters();
    this.checkGraph(deadLetters);
    this.checkClassification();
    this.checkGovernance(options.policy);
    return this.out;
  }

  private add(d: Diagnostic): void {
    this.out.push(d);
  }

  /**
   * The nodes or resources of a document whose envelope did not parse, by id. One whose own
   * fields are broken stays, as a placeholder marked broken and left unchecked, so its edges and
   * references do not turn into a cascade of "does not exist" errors.
   */
  private instances<T>(kind: 'node' | 'resource', schema: z.ZodType<T>, raw: unknown): Record<string, T | Placeholder> {
    const out: Record<string, T | Placeholder> = {};
    for (const [id, n] of Object.entries(asObject(raw))) {
      if (!SLUG_PATTERN.test(id)) continue;
      const r = schema.safeParse(n);
      if (r.success) out[id] = r.data;
      else {
        out[id] = placeholder(n);
        this.broken.add(`${kind}:${id}`);
      }
    }
    return out;
  }

  /**
   * Checks the document shape. A broken part does not hide the rest: valid nodes, resources and
   * edges are kept (edges with their original index, for paths) and checked further.
   */
  private envelope(raw: Record<string, unknown>): FlowDocument {
    const parsed = FlowDocument.safeParse(raw);
    if (parsed.success) {
      this.edges = edgeEntries(parsed.data.edges ?? []);
      return parsed.data;
    }
    for (const p of describeIssues(parsed.error.issues, raw, envelopeJsonSchema())) {
      const [top, id, ...rest] = p.segments;
      const code = p.code === 'invalid-key' ? 'invalid-id' : p.code;
      if (top === 'nodes' && typeof id === 'string' && SLUG_PATTERN.test(id) && rest.length > 0) {
        this.add({ severity: 'error', code, nodeId: id, path: pointer(rest), message: p.message });
      } else {
        this.add({ severity: 'error', code, path: pointer(p.segments), message: p.message });
      }
    }
    const nodes: FlowDocument['nodes'] = this.instances('node', NodeInstance, raw.nodes);
    const resources: NonNullable<FlowDocument['resources']> = this.instances('resource', ResourceInstance, raw.resources);
    this.edges = [];
    const rawEdges = Array.isArray(raw.edges) ? raw.edges : [];
    rawEdges.forEach((e, index) => {
      const r = Edge.safeParse(e);
      const from = r.success ? parseEndpoint(r.data.from) : undefined;
      const to = r.success ? parseEndpoint(r.data.to) : undefined;
      if (from && to) this.edges.push({ index, from, to });
    });
    const errors = ErrorPolicy.safeParse(raw.errors);
    return {
      format: CURRENT_FORMAT,
      id: typeof raw.id === 'string' ? raw.id : '',
      resources,
      nodes,
      edges: this.edges.map((e) => ({ from: `${e.from.node}:${e.from.port}`, to: `${e.to.node}:${e.to.port}` })),
      errors: errors.success ? errors.data : undefined,
    };
  }

  private checkFileName(fileName: string | undefined): void {
    if (!fileName || !SLUG_PATTERN.test(this.doc.id)) return;
    const base = fileName.split(/[\\/]/).pop() ?? fileName;
    if (!base.endsWith('.flow.json')) return;
    const stem = base.slice(0, -'.flow.json'.length);
    if (stem !== this.doc.id) {
      this.add({
        severity: 'error',
        code: 'id-mismatch',
        path: '/id',
        message: `flow id "${this.doc.id}" does not match the file name; rename the file to "${this.doc.id}.flow.json" or set the id to "${stem}"`,
      });
    }
  }

  /** Where a node's or resource's diagnostics go: node-relative, or under /resources/<id>. */
  private at(kind: 'node' | 'resource', id: string, segments: readonly Segment[]): { nodeId?: string; path: string } {
    return kind === 'node' ? { nodeId: id, path: pointer(segments) } : { path: joinPointer(pointer(['resources', id]), segments) };
  }

  private checkItem(kind: 'node' | 'resource', id: string): Item {
    const instance = kind === 'node' ? this.doc.nodes[id] : this.doc.resources?.[id];
    const item: Item = { kind, id, type: instance?.type ?? '', badPointers: new Set() };
    if (!instance || this.broken.has(`${kind}:${id}`)) return item;
    const known = kind === 'node' ? this.registry.nodes() : this.registry.resources();
    const def = kind === 'node' ? this.registry.node(instance.type) : this.registry.resource(instance.type);
    if (!def) {
      this.add({
        severity: 'error',
        code: `unknown-${kind}-type`,
        ...this.at(kind, id, ['type']),
        message: `unknown ${kind} type "${instance.type}"${didYouMean(instance.type, known.map((d) => d.type))}`,
      });
      return item;
    }
    if (instance.version > def.version) {
      this.add({
        severity: 'error',
        code: `${kind}-version-too-new`,
        ...this.at(kind, id, ['version']),
        message: `${kind} type ${instance.type} v${instance.version} is newer than this Sluice (v${def.version}); upgrade Sluice`,
      });
      return item;
    }
    const config = this.migrate(kind, id, def, instance.version, instance.config ?? {});
    if (!config) return item;
    item.def = def;
    item.config = config;
    item.jsonSchema = cachedJsonSchema(def);
    const result = def.config.safeParse(config);
    if (!result.success) {
      for (const p of describeIssues(result.error.issues, config, item.jsonSchema ?? {})) {
        const code = p.code === 'invalid-key' ? 'invalid-value' : p.code;
        item.badPointers.add(pointer(p.segments));
        this.add({ severity: 'error', code, ...this.at(kind, id, ['config', ...p.segments]), message: p.message });
      }
      return item;
    }
    item.parsed = result.data;
    this.lint(item, def, result.data);
    return item;
  }

  /** Applies `def.migrations` from the instance's version up to the definition's. */
  private migrate(
    kind: 'node' | 'resource',
    id: string,
    def: NodeDefinition | ResourceDefinition,
    from: number,
    config: Record<string, unknown>,
  ): Record<string, unknown> | undefined {
    let current = config;
    for (let v = from; v < def.version; v++) {
      const step = def.migrations?.[v];
      if (!step) {
        this.add({
          severity: 'error',
          code: 'missing-migration',
          ...this.at(kind, id, ['version']),
          message: `${kind} type ${def.type} v${from} cannot be upgraded to v${def.version}: no migration from v${v}`,
        });
        return undefined;
      }
      try {
        current = step(structuredClone(current));
      } catch (err) {
        this.add({
          severity: 'error',
          code: 'migration-failed',
          ...this.at(kind, id, ['config']),
          message: `upgrading the config of ${def.type} from v${v} to v${v + 1} failed: ${(err as Error).message}`,
        });
        return undefined;
      }
    }
    return current;
  }

  private lint(item: Item, def: NodeDefinition | ResourceDefinition, parsed: unknown): void {
    if (!def.lint) return;
    let issues;
    try {
      issues = def.lint(parsed);
    } catch (err) {
      this.add({ severity: 'error', code: 'lint-failed', ...this.at(item.kind, item.id, ['config']), message: `checking the config failed: ${(err as Error).message}` });
      return;
    }
    for (const issue of issues) {
      const where = this.at(item.kind, item.id, ['config']);
      const path = issue.path === '/' ? '' : issue.path;
      this.add({ severity: issue.severity ?? 'error', code: 'lint', ...where, path: where.path + path, message: issue.message });
    }
  }

  /** Expressions, resource references and secrets, wherever the config schema puts them. */
  private checkHintedValues(): void {
    const schemas = (this.schemas = this.inferSchemas());
    for (const item of [...this.resources.values(), ...this.nodes.values()]) {
      if (!item.jsonSchema || !item.config) continue;
      const seen = new Set<string>();
      walkValues(item.jsonSchema, item.config, ({ schema, value, segments }) => {
        const ptr = pointer(segments);
        const widget = schema['x-widget'];
        if (widget === 'expression' && typeof value === 'string' && !item.badPointers.has(ptr) && !seen.has(`e${ptr}`)) {
          seen.add(`e${ptr}`);
          const resultType: ExprResultType = schema['x-expr-type'] === 'bool' ? 'bool' : 'any';
          this.checkExpressionAt(item, segments, value, resultType, item.kind === 'node' ? schemas?.get(item.id) : undefined);
        }
        if (widget === 'resource-ref' && typeof value === 'string' && !seen.has(`r${ptr}`)) {
          seen.add(`r${ptr}`);
          const wanted = typeof schema['x-resource-type'] === 'string' ? schema['x-resource-type'] : undefined;
          this.checkResourceRef(item, segments, value, wanted);
        }
        if ((schema['x-secret'] === true || widget === 'secret-ref') && typeof value === 'string' && value !== '' && !seen.has(`s${ptr}`)) {
          seen.add(`s${ptr}`);
          if (!SECRET_REF_PATTERN.test(value)) {
            this.add({
              severity: 'warning',
              code: 'inline-secret',
              ...this.at(item.kind, item.id, ['config', ...segments]),
              message: 'a secret is written inline; use ${secret:NAME} (or ${env:NAME}) and keep the value out of the flow file',
            });
          }
        }
      });
    }
  }

  /** The document with node and resource configs migrated to their current versions. */
  private migratedDoc(): FlowDocument {
    const nodes: FlowDocument['nodes'] = {};
    for (const [id, n] of Object.entries(this.doc.nodes)) {
      const item = this.nodes.get(id);
      nodes[id] = item?.def && item.config ? { ...n, version: item.def.version, config: item.config } : n;
    }
    const resources: NonNullable<FlowDocument['resources']> = {};
    for (const [id, r] of Object.entries(this.doc.resources ?? {})) {
      const item = this.resources.get(id);
      resources[id] = item?.def && item.config ? { ...r, version: item.def.version, config: item.config } : r;
    }
    return { ...this.doc, nodes, resources };
  }

  /** Schemas per edge, computed on the migrated document so old node versions get their new meaning. */
  private inferSchemas(): Map<string, NodeSchemas> | undefined {
    try {
      return inferFlowSchemas(this.migratedDoc(), this.registry);
    } catch {
      // Schema derivation is best effort here: expressions then check with dynamic types.
      return undefined;
    }
  }

  private checkExpressionAt(item: Item, segments: Segment[], source: string, resultType: ExprResultType, schemas: NodeSchemas | undefined): void {
    let issues;
    try {
      issues = checkExpression(source, schemas?.inputs.in, { resultType });
    } catch (err) {
      issues = [{ message: (err as Error).message, line: 1, column: 1 }];
    }
    for (const issue of issues) {
      const text = issue.message.split('\n')[0]?.trim() || 'invalid expression';
      this.add({
        severity: 'error',
        code: 'expression-error',
        ...this.at(item.kind, item.id, ['config', ...segments]),
        message: `line ${issue.line}, column ${issue.column}: ${text}`,
      });
    }
  }

  private checkResourceRef(item: Item, segments: Segment[], ref: string, wanted: string | undefined): void {
    const where = this.at(item.kind, item.id, ['config', ...segments]);
    const resource = this.doc.resources?.[ref];
    if (!resource) {
      const candidates = Object.entries(this.doc.resources ?? {})
        .filter(([, r]) => !wanted || r.type === wanted)
        .map(([id]) => id);
      this.add({ severity: 'error', code: 'unknown-resource', ...where, message: `resource "${ref}" does not exist${didYouMean(ref, candidates)}` });
    } else if (wanted && resource.type !== wanted && !this.broken.has(`resource:${ref}`)) {
      this.add({
        severity: 'error',
        code: 'wrong-resource-type',
        ...where,
        message: `resource "${ref}" is a ${resource.type}, but this field needs a ${wanted}`,
      });
    }
  }

  /** Every entry of the classification map must name a node with known output records and fields of them. */
  private checkClassification(): void {
    const map = this.doc.classification;
    if (!map) return;
    const ids = Object.keys(this.doc.nodes);
    for (const id of Object.keys(map).sort()) {
      const base = ['classification', id];
      const item = this.nodes.get(id);
      if (!this.doc.nodes[id]) {
        this.add({ severity: 'error', code: 'classification-unknown-node', path: pointer(base), message: `node "${id}" does not exist${didYouMean(id, ids)}` });
        continue;
      }
      const def = item?.def as NodeDefinition | undefined;
      if (!def || item?.parsed === undefined) continue;
      if (def.category === 'sink') {
        this.add({ severity: 'error', code: 'classification-unknown-node', path: pointer(base), message: `${this.describeNode(id)} is a sink: it has no output records whose fields could be tagged` });
        continue;
      }
      const schemas = this.schemas?.get(id);
      if (!schemas || Object.values(schemas.outputs).every((s) => s === undefined)) {
        const source = def.category === 'source';
        this.add({
          severity: 'error',
          code: 'classification-unknown-schema',
          path: pointer(base),
          message: `the records of ${this.describeNode(id)} have no known schema, so their fields cannot be tagged${source ? '; give the node a record schema' : ''}`,
        });
        continue;
      }
      for (const p of schemas.classification ?? []) {
        this.add({ severity: 'error', code: 'classification-unknown-field', path: pointer([...base, p.field]), message: p.message });
      }
    }
  }

  /**
   * Zones and the leak proof, on the migrated document with only the edges that can carry
   * records. Nodes that already have errors are passed as broken: a schema lost there is
   * explained by those errors.
   */
  private checkGovernance(policy: Policy | undefined): void {
    const broken = new Set<string>();
    for (const d of this.out) if (d.severity === 'error' && d.nodeId) broken.add(d.nodeId);
    for (const [id, item] of this.nodes) if (!item.def || item.parsed === undefined) broken.add(id);
    const doc = this.migratedDoc();
    const edges = this.edges.map((e) => ({ from: `${e.from.node}:${e.from.port}`, to: `${e.to.node}:${e.to.port}` }));
    try {
      for (const d of checkGovernance({ ...doc, edges }, this.registry, { policy, broken })) this.add(d);
    } catch (err) {
      this.add({ severity: 'error', code: 'governance-failed', path: '', message: `the governance check failed: ${(err as Error).message}` });
    }
  }

  private describeNode(id: string): string {
    const item = this.nodes.get(id);
    return item?.type ? `node "${id}" (${item.type})` : `node "${id}"`;
  }

  private ports(id: string): { inputs: string[]; outputs?: string[]; def?: NodeDefinition } {
    const item = this.nodes.get(id);
    const def = item?.def as NodeDefinition | undefined;
    if (!def) return { inputs: [] };
    const inputs = def.ports.inputs.map((p) => p.name);
    let outputs: string[] | undefined;
    if (typeof def.ports.outputs !== 'function') outputs = def.ports.outputs.map((p) => p.name);
    else if (item?.parsed !== undefined) {
      try {
        outputs = outputPorts(def, item.parsed).map((p) => p.name);
      } catch {
        // Ports derived from a config the node cannot handle: its lint or config errors say why.
        outputs = undefined;
      }
    }
    return { inputs, outputs, def };
  }

  private checkEdges(): void {
    const first = new Map<string, number>();
    const ids = Object.keys(this.doc.nodes);
    const valid: EdgeEntry[] = [];
    for (const e of this.edges) {
      const base = ['edges', e.index];
      const from = `${e.from.node}:${e.from.port}`;
      const to = `${e.to.node}:${e.to.port}`;
      let dangling = false;
      for (const [end, ep] of [['from', e.from], ['to', e.to]] as const) {
        if (this.doc.nodes[ep.node]) continue;
        dangling = true;
        this.add({
          severity: 'error',
          code: 'dangling-edge',
          path: pointer([...base, end]),
          message: `edge ${from} → ${to} ${end === 'from' ? 'starts at' : 'ends at'} node "${ep.node}", which does not exist${didYouMean(ep.node, ids)}`,
        });
      }
      const key = `${from}\u0000${to}`;
      const earlier = first.get(key);
      if (earlier !== undefined) {
        this.add({ severity: 'error', code: 'duplicate-edge', path: pointer(base), message: `edge ${from} → ${to} is listed twice (also edge ${earlier}); remove one` });
        continue;
      }
      first.set(key, e.index);
      // An edge out of a sink or into a source can never carry records: it is left out of the
      // graph so it does not also show up as a cycle.
      const impossible = !dangling && [this.checkFromPort(e, base), this.checkToPort(e, base)].some((c) => c === 'sink-has-output' || c === 'source-has-input');
      if (!impossible) valid.push(e);
    }
    this.edges = valid;
  }

  /** Reports a bad output port; returns the diagnostic code, if any. */
  private checkFromPort(e: EdgeEntry, base: Segment[]): string | undefined {
    const { node, port } = e.from;
    const { inputs, outputs, def } = this.ports(node);
    if (!def || !outputs || outputs.includes(port)) return undefined;
    const path = pointer([...base, 'from']);
    if (outputs.length === 0 && def.category === 'sink') {
      return this.edgeProblem(path, 'sink-has-output', `${this.describeNode(node)} is a sink and has no output ports; nothing can be wired out of it`);
    }
    if (inputs.includes(port)) {
      return this.edgeProblem(path, 'wrong-direction', `edge starts at ${node}:${port}, which is an input port; edges run from an output port to an input port`);
    }
    return this.edgeProblem(path, 'unknown-port', `${this.describeNode(node)} has no output port "${port}"; its output ports are: ${listPorts(outputs)}${didYouMean(port, outputs)}`);
  }

  /** Reports a bad input port; returns the diagnostic code, if any. */
  private checkToPort(e: EdgeEntry, base: Segment[]): string | undefined {
    const { node, port } = e.to;
    const { inputs, outputs, def } = this.ports(node);
    if (!def || inputs.includes(port)) return undefined;
    const path = pointer([...base, 'to']);
    if (inputs.length === 0 && def.category === 'source') {
      return this.edgeProblem(path, 'source-has-input', `${this.describeNode(node)} is a source and takes no input; nothing can be wired into it`);
    }
    if (outputs?.includes(port)) {
      return this.edgeProblem(path, 'wrong-direction', `edge ends at ${node}:${port}, which is an output port; edges run from an output port to an input port`);
    }
    return this.edgeProblem(path, 'unknown-port', `${this.describeNode(node)} has no input port "${port}"; its input ports are: ${listPorts(inputs)}${didYouMean(port, inputs)}`);
  }

  private edgeProblem(path: string, code: string, message: string): string {
    this.add({ severity: 'error', code, path, message });
    return code;
  }

  /** Dead-letter targets named by the flow's and the nodes' error policies; they must be sinks. */
  private checkDeadLetters(): Set<string> {
    const targets = new Set<string>();
    const refs: Array<{ target: string; nodeId?: string; path: string }> = [];
    if (this.doc.errors?.deadLetter) refs.push({ target: this.doc.errors.deadLetter, path: '/errors/deadLetter' });
    for (const [id, n] of Object.entries(this.doc.nodes)) {
      if (n.errors?.deadLetter) refs.push({ target: n.errors.deadLetter, nodeId: id, path: '/errors/deadLetter' });
    }
    for (const ref of refs) {
      const where = ref.nodeId ? { nodeId: ref.nodeId, path: ref.path } : { path: ref.path };
      if (!this.doc.nodes[ref.target]) {
        this.add({ severity: 'error', code: 'dead-letter-missing', ...where, message: `dead-letter node "${ref.target}" does not exist${didYouMean(ref.target, Object.keys(this.doc.nodes))}` });
        continue;
      }
      targets.add(ref.target);
      const def = this.nodes.get(ref.target)?.def as NodeDefinition | undefined;
      if (def && def.category !== 'sink') {
        this.add({
          severity: 'error',
          code: 'dead-letter-not-sink',
          ...where,
          message: `dead-letter ${this.describeNode(ref.target)} is a ${def.category}; it must be a sink (e.g. core.dlq)`,
        });
      }
    }
    for (const e of this.edges) {
      if (!targets.has(e.to.node)) continue;
      this.add({
        severity: 'error',
        code: 'dead-letter-has-input',
        path: pointer(['edges', e.index, 'to']),
        message: `node "${e.to.node}" is a dead-letter node: it receives dead letters only, so nothing may be wired into it`,
      });
    }
    return targets;
  }

  private checkGraph(deadLetters: Set<string>): void {
    const ids = Object.keys(this.doc.nodes).sort();
    const wired = new Set(this.edges.map((e) => `${e.to.node}:${e.to.port}`));
    // The dangling-edge error already explains a node fed only through a missing node.
    const fedByMissing = new Set<string>();
    for (const e of edgeEntries(this.doc.edges ?? [])) {
      if (!this.doc.nodes[e.from.node] && this.doc.nodes[e.to.node]) {
        fedByMissing.add(e.to.node);
        wired.add(`${e.to.node}:${e.to.port}`);
      }
    }
    // An edge into a port the node does not have was meant for one it has; its port error says so.
    const misdirected = new Set<string>();
    for (const e of this.edges) if (!this.ports(e.to.node).inputs.includes(e.to.port)) misdirected.add(e.to.node);
    const unwired = new Set<string>();
    for (const id of ids) {
      const def = this.nodes.get(id)?.def as NodeDefinition | undefined;
      if (!def || def.category === 'source' || deadLetters.has(id) || misdirected.has(id)) continue;
      for (const p of def.ports.inputs) {
        if (wired.has(`${id}:${p.name}`)) continue;
        unwired.add(id);
        this.add({
          severity: 'error',
          code: 'unconnected-input',
          nodeId: id,
          path: '',
          message: `nothing is wired into input port "${p.name}"; connect a node to it or remove this node`,
        });
      }
    }

    const next = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const e of this.edges) next.get(e.from.node)?.push(e.to.node);
    for (const cycle of findCycles(ids, next)) {
      this.add({
        severity: 'error',
        code: 'cycle',
        nodeId: cycle[0],
        path: '',
        message: `nodes form a cycle: ${[...cycle, cycle[0]].join(' → ')}; records would go round forever`,
      });
    }

    // Nodes of unknown type might be sources; counting them as such avoids a cascade of warnings.
    const starts = ids.filter((id) => {
      const def = this.nodes.get(id)?.def as NodeDefinition | undefined;
      return !def || def.category === 'source';
    });
    const reached = new Set(starts);
    const queue = [...starts];
    while (queue.length) {
      for (const to of next.get(queue.shift() as string) ?? []) {
        if (!reached.has(to)) {
          reached.add(to);
          queue.push(to);
        }
      }
    }
    for (const id of ids) {
      if (reached.has(id) || deadLetters.has(id) || unwired.has(id) || fedByMissing.has(id)) continue;
      this.add({ severity: 'warning', code: 'unreachable-node', nodeId: id, path: '', message: 'no source reaches this node, so it never receives records' });
    }
  }
}

function formatErrorCode(input: unknown): string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'not-a-flow';
  const format = (input as Record<string, unknown>).format;
  return typeof format === 'number' && Number.isInteger(format) && format > CURRENT_FORMAT ? 'format-too-new' : 'invalid-format';
}

/** Stands in for a node or resource whose envelope failed: its type if readable, nothing else. */
type Placeholder = { type: string; version: number };

function placeholder(raw: unknown): Placeholder {
  const type = asObject(raw).type;
  return { type: typeof type === 'string' ? type : '', version: 1 };
}

function asObject(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function edgeEntries(edges: readonly { from: string; to: string }[]): EdgeEntry[] {
  const out: EdgeEntry[] = [];
  edges.forEach((e, index) => {
    const from = parseEndpoint(e.from);
    const to = parseEndpoint(e.to);
    if (from && to) out.push({ index, from, to });
  });
  return out;
}

function listPorts(ports: readonly string[]): string {
  return ports.length ? ports.join(', ') : '(none)';
}

/**
 * Each cycle once, as the shortest loop through the smallest node id of its strongly connected
 * component, then any other members of that component (Tarjan's algorithm; its recursion is
 * as deep as the longest path, which in a hand-drawn flow is short).
 */
function findCycles(ids: string[], next: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const id of ids) if (!index.has(id)) connect(id);

  const cycles: string[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort()[0] as string;
    if (component.length === 1 && !(next.get(start) ?? []).includes(start)) continue;
    const loop = shortestLoop(start, members, next);
    const rest = [...component].filter((id) => !loop.includes(id)).sort();
    cycles.push([...loop, ...rest]);
  }
  return cycles.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
}

function shortestLoop(start: string, members: Set<string>, next: Map<string, string[]>): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set<string>();
  while (queue.length) {
    const v = queue.shift() as string;
    for (const w of [...(next.get(v) ?? [])].sort()) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0] as string) as string);
        return path;
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
