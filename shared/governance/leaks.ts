import type { FlowDocument } from '../flow/document';
import { buildGraph, topoOrder, type FlowGraph } from '../flow/graph';
import type { NodeDefinition } from '../node-kit/define';
import type { Registry } from '../node-kit/registry';
import { nodeOutputSchemas, schemaEnv } from '../schema/flow-schemas';
import type { PortSchemas, RecordSchema } from '../schema/record-schema';
import { parseTag, taggedFields, type TaggedField } from '../schema/tags';
import type { Diagnostic } from '../validate/diagnostic';
import { crossing, DEFAULT_POLICY, tagMayCross, type Policy } from './policy';
import { nodeZone } from './zones';

/**
 * The leak proof: for every source and every sink (or dead-letter node) in another zone, every
 * path of nodes between them is followed with the record schema as it is on that path (each
 * node's `schema()` applied to what the path brings it, not to a merge of all its inputs), and
 * every tagged field that arrives must be dropped, disguised in a way the policy accepts for its
 * tag and those zones, or allowed to move as it is. Anything else is an error on the sink naming
 * the field, the tag, the two zones and the path.
 *
 * Paths are not walked one by one (a flow of diamonds has exponentially many): paths that bring
 * a node the same schema are followed once, with a count and the first of them (in edge order)
 * as the one named. Each node is therefore visited at most once per distinct schema; more than
 * `maxVariants` distinct schemas at one node stops the proof for that source with a diagnostic.
 *
 * What it cannot see is written in docs/governance.md: values inside untagged free-text
 * fields, headers passed on from the source, schemas only known at run time.
 */
export interface GovernanceOptions {
  /** The policy; DEFAULT_POLICY when absent. */
  policy?: Policy;
  /**
   * Nodes that already have errors. A schema lost at one of them is explained by those errors
   * and not reported again.
   */
  broken?: ReadonlySet<string>;
  /** Most distinct schemas followed into one node from one source (default 64). */
  maxVariants?: number;
}

const MAX_VARIANTS = 64;

interface State {
  port: string;
  schema: RecordSchema;
  /** Where the schema became unknown. */
  lostAt?: string;
  /** The first path (node ids, up to but not including the node the state arrives at). */
  path: string[];
  /** How many paths bring this state. */
  count: number;
}

interface Problem {
  severity: 'error' | 'warning';
  code: string;
  /** Paths showing the problem. */
  count: number;
  /** The message, once the number of other paths is known. */
  render: (more: number) => string;
}

const cache = new WeakMap<Registry, Map<string, Diagnostic[]>>();
const CACHE_SIZE = 32;

/**
 * The governance diagnostics of a flow (leaks, unprovable paths, zones). Expects a document
 * whose nodes are at their current versions and whose edges are the valid ones (the validator
 * passes it so); never throws. Memoised per document content (layout ignored) and policy, since
 * the designer runs it on every edit.
 */
export function checkGovernance(doc: FlowDocument, registry: Registry, options: GovernanceOptions = {}): Diagnostic[] {
  const policy = options.policy ?? DEFAULT_POLICY;
  const key = JSON.stringify([doc.zone, doc.resources, doc.nodes, doc.edges, doc.errors, doc.classification, policy, [...(options.broken ?? [])].sort(), options.maxVariants]);
  let perRegistry = cache.get(registry);
  if (!perRegistry) cache.set(registry, (perRegistry = new Map()));
  const hit = perRegistry.get(key);
  if (hit) {
    perRegistry.delete(key);
    perRegistry.set(key, hit);
    return hit.map((d) => ({ ...d }));
  }
  const out = new Proof(doc, registry, policy, options).run();
  perRegistry.set(key, out);
  if (perRegistry.size > CACHE_SIZE) perRegistry.delete(perRegistry.keys().next().value as string);
  return out.map((d) => ({ ...d }));
}

class Proof {
  private readonly graph: FlowGraph;
  private readonly env;
  private readonly keys = new WeakMap<object, string>();
  private readonly memo = new Map<string, PortSchemas>();
  private readonly tagMemo = new Map<string, TaggedField[]>();
  private readonly zones = new Map<string, string | undefined>();
  private readonly out: Diagnostic[] = [];
  private readonly maxVariants: number;

  constructor(
    private readonly doc: FlowDocument,
    private readonly registry: Registry,
    private readonly policy: Policy,
    private readonly options: GovernanceOptions,
  ) {
    this.graph = buildGraph(doc);
    this.env = schemaEnv(doc, registry);
    this.maxVariants = options.maxVariants ?? MAX_VARIANTS;
    for (const id of Object.keys(doc.nodes)) this.zones.set(id, nodeZone(doc, registry, id)?.zone);
  }

  run(): Diagnostic[] {
    this.checkZones();
    const { order, cycle } = topoOrder(this.graph);
    if (cycle.length > 0) return this.out;
    for (const source of order.filter((id) => this.def(id)?.category === 'source')) this.fromSource(source, order);
    return this.out;
  }

  private def(id: string): NodeDefinition | undefined {
    const n = this.doc.nodes[id];
    return n ? this.registry.node(n.type, n.version) : undefined;
  }

  /** A node's zone declared where it cannot apply, and zones the policy does not list. */
  private checkZones(): void {
    const known = this.policy.zones;
    const unknown = (z: string) => (known && !known.includes(z) ? `zone "${z}" is not one of the policy's zones (${known.join(', ')})` : undefined);
    if (this.doc.zone && unknown(this.doc.zone)) this.out.push({ severity: 'error', code: 'unknown-zone', path: '/zone', message: unknown(this.doc.zone) as string });
    for (const [id, r] of Object.entries(this.doc.resources ?? {})) {
      const z = r.config?.zone;
      if (typeof z === 'string' && unknown(z)) this.out.push({ severity: 'error', code: 'unknown-zone', path: `/resources/${id}/config/zone`, message: unknown(z) as string });
    }
    for (const id of Object.keys(this.doc.nodes).sort()) {
      const own = this.doc.nodes[id]?.zone;
      if (!own) continue;
      const z = nodeZone(this.doc, this.registry, id);
      if (z && typeof z.from === 'object' && z.zone !== own) {
        this.out.push({
          severity: 'error',
          code: 'zone-conflict',
          nodeId: id,
          path: '/zone',
          message: `this node is in zone ${z.zone}, the zone of its connection "${z.from.connection}"; remove its zone "${own}" or use a connection in zone ${own}`,
        });
      } else if (unknown(own)) {
        this.out.push({ severity: 'error', code: 'unknown-zone', nodeId: id, path: '/zone', message: unknown(own) as string });
      }
    }
  }

  private keyOf(schema: RecordSchema): string {
    if (!schema) return '?';
    let k = this.keys.get(schema);
    if (k === undefined) this.keys.set(schema, (k = JSON.stringify(schema)));
    return k;
  }

  private outputs(id: string, port: string | undefined, schema: RecordSchema): PortSchemas {
    const key = `${id}\u0000${port ?? ''}\u0000${this.keyOf(schema)}`;
    let out = this.memo.get(key);
    if (!out) {
      out = nodeOutputSchemas(this.doc, this.registry, this.env, id, port === undefined ? {} : { [port]: schema }).outputs;
      this.memo.set(key, out);
    }
    return out;
  }

  private tagged(schema: NonNullable<RecordSchema>): TaggedField[] {
    const key = this.keyOf(schema);
    let fields = this.tagMemo.get(key);
    if (!fields) this.tagMemo.set(key, (fields = taggedFields(schema)));
    return fields;
  }

  /** Follows the records of one source through the flow, then checks what arrives where. */
  private fromSource(source: string, order: string[]): void {
    const arriving = new Map<string, Map<string, State>>();
    let overflow: string | undefined;
    const add = (node: string, state: State) => {
      let states = arriving.get(node);
      if (!states) arriving.set(node, (states = new Map()));
      const key = `${state.port}\u0000${state.lostAt ?? ''}\u0000${this.keyOf(state.schema)}`;
      const seen = states.get(key);
      if (seen) seen.count += state.count;
      else if (states.size >= this.maxVariants) overflow ??= node;
      else states.set(key, state);
    };
    const emit = (from: string, states: Iterable<{ outputs: PortSchemas; lostAt?: string; path: string[]; count: number }>) => {
      for (const s of states) {
        const known = Object.keys(s.outputs).length > 0;
        for (const e of this.graph.outgoing.get(from) ?? []) {
          // An edge out of a port the node does not have carries nothing (its own error says so).
          if (known && !Object.hasOwn(s.outputs, e.from.port)) continue;
          const schema = s.outputs[e.from.port];
          const lostAt = s.lostAt ?? (schema === undefined ? from : undefined);
          add(e.to.node, { port: e.to.port, schema, lostAt, path: [...s.path, from], count: s.count });
        }
      }
    };
    const sourceOut = this.outputs(source, undefined, undefined);
    emit(source, [{ outputs: sourceOut, path: [], count: 1 }]);

    const reached: string[] = [source];
    const sinks: Array<{ sink: string; states: State[] }> = [];
    for (const id of order) {
      const states = arriving.get(id);
      if (!states || id === source) continue;
      reached.push(id);
      const list = [...states.values()];
      if (this.def(id)?.category === 'sink') sinks.push({ sink: id, states: list });
      emit(
        id,
        list.map((s) => ({
          outputs: s.schema === undefined ? {} : this.outputs(id, s.port, s.schema),
          lostAt: s.lostAt,
          path: s.path,
          count: s.count,
        })),
      );
    }
    const from = this.zones.get(source);
    if (overflow !== undefined) {
      if (from !== undefined && this.elsewhere(from)) {
        this.out.push({
          severity: this.policy.unknownSchema === 'ignore' ? 'warning' : this.policy.unknownSchema,
          code: 'governance-too-many-paths',
          nodeId: source,
          path: '',
          message: `cannot prove that no tagged field leaves zone ${from} from this source: more than ${this.maxVariants} different record schemas arrive at node "${overflow}" along its paths (simplify the flow, or split it)`,
        });
      }
      return;
    }
    for (const { sink, states } of sinks) this.checkArrivals(source, sink, states.map((s) => ({ ...s, path: [...s.path, sink] })), false);
    this.checkDeadLetters(source, reached, arriving, sourceOut);
  }

  /** Whether any sink (dead-letter nodes included) is in a zone other than `zone`. */
  private elsewhere(zone: string): boolean {
    return Object.keys(this.doc.nodes).some((id) => this.def(id)?.category === 'sink' && this.zones.get(id) !== undefined && this.zones.get(id) !== zone);
  }

  /** Dead letters carry the original record, as the source made it, from any node it reached. */
  private checkDeadLetters(source: string, reached: string[], arriving: Map<string, Map<string, State>>, sourceOut: PortSchemas): void {
    const targets = new Map<string, string[]>();
    for (const id of reached) {
      const target = this.doc.nodes[id]?.errors?.deadLetter ?? this.doc.errors?.deadLetter;
      if (!target || target === id || targets.has(target) || !this.doc.nodes[target]) continue;
      const first = arriving.get(id)?.values().next().value as State | undefined;
      targets.set(target, [...(first ? first.path : []), id, target]);
    }
    const schemas = [...new Set(Object.values(sourceOut))];
    for (const [target, path] of targets) {
      const states: State[] = (schemas.length ? schemas : [undefined]).map((schema) => ({
        port: 'in',
        schema,
        lostAt: schema === undefined ? source : undefined,
        path,
        count: 1,
      }));
      this.checkArrivals(source, target, states, true);
    }
  }

  /** What arrives at one sink from one source, over all paths (each state: one schema, its first path and count). */
  private checkArrivals(source: string, sink: string, states: State[], deadLetter: boolean): void {
    const from = this.zones.get(source);
    const to = this.zones.get(sink);
    if (from === to) return;
    if (from === undefined || to === undefined) return this.checkUnzoned(source, sink, states, from, to);
    const problems = new Map<string, Problem>();
    const note = (key: string, count: number, make: () => Omit<Problem, 'count'>) => {
      const p = problems.get(key);
      if (p) p.count += count;
      else problems.set(key, { ...make(), count });
    };
    for (const state of states) {
      const route = state.path.join(' → ');
      if (state.schema === undefined) {
        const lostAt = state.lostAt ?? source;
        if (this.policy.unknownSchema === 'ignore' || this.options.broken?.has(lostAt)) continue;
        note(`?${lostAt}`, state.count, () => ({
          severity: this.policy.unknownSchema as 'error' | 'warning',
          code: 'governance-unproven',
          render: (more) =>
            `cannot prove that no tagged field flows from zone ${from} to zone ${to}${deadLetter ? ' as a dead letter' : ''} via ${route}${andMore(more)}: ${this.lostWhy(lostAt)}`,
        }));
        continue;
      }
      for (const field of this.tagged(state.schema)) {
        for (const tag of field.tags) {
          if (tagMayCross(this.policy, tag, from, to)) continue;
          note(`${field.path}\u0000${tag}`, state.count, () => ({
            severity: 'error',
            code: 'governance-leak',
            render: (more) => this.leakMessage(field.path, tag, from, to, `${route}${andMore(more)}`, deadLetter),
          }));
        }
      }
    }
    for (const p of problems.values()) {
      this.out.push({ severity: p.severity, code: p.code, nodeId: sink, path: '', message: p.render(p.count - 1) });
    }
  }

  /** A source or sink in no zone facing one in a zone: only raw tagged data makes it worth a warning. */
  private checkUnzoned(source: string, sink: string, states: State[], from: string | undefined, to: string | undefined): void {
    for (const state of states) {
      if (!state.schema) continue;
      for (const field of this.tagged(state.schema)) {
        const raw = field.tags.find((t) => parseTag(t).redaction === undefined);
        if (!raw) continue;
        const route = state.path.join(' → ');
        const message =
          from === undefined
            ? `node "${source}" has no zone, so Sluice cannot check whether ${raw} field ${field.path} crosses into zone ${to} via ${route} (set the flow's "zone", or the node's)`
            : `node "${sink}" has no zone, so Sluice cannot check whether ${raw} field ${field.path} leaves zone ${from} via ${route} (set the flow's "zone", or the node's)`;
        this.out.push({ severity: 'warning', code: 'governance-no-zone', nodeId: from === undefined ? source : sink, path: '', message });
        return;
      }
    }
  }

  private lostWhy(lostAt: string): string {
    const def = this.def(lostAt);
    if (def?.category === 'source') return `source "${lostAt}" has no record schema (give it one, with confluent:tags on its personal fields)`;
    return `the record schema is unknown after node "${lostAt}"${def ? ` (${def.type})` : ''}`;
  }

  private leakMessage(path: string, tag: string, from: string, to: string, route: string, deadLetter: boolean): string {
    const { name, redaction } = parseTag(tag);
    const c = crossing(this.policy, name, from, to);
    const ways = [...c.redactions, 'drop'];
    const how = redaction === undefined ? 'unredacted' : `${PAST[redaction]}`;
    const head = `${name} field ${path} ${deadLetter ? 'can flow' : 'flows'} from zone ${from} to zone ${to} ${how}${deadLetter ? ' as a dead letter' : ''} via ${route}`;
    if (deadLetter) {
      return `${head}: dead letters carry the original record (send them to a node in zone ${from}, or allow ${name} from ${from} to ${to} in the policy)`;
    }
    if (redaction === undefined) return `${head} (${orList(ways)} it first, or allow ${name} from ${from} to ${to} in the policy)`;
    return `${head}, which the policy does not accept for ${name} (${orList(ways)} it instead, or accept ${redaction} for ${name} from ${from} to ${to} in the policy)`;
  }
}

const PAST = { mask: 'masked', hash: 'hashed', tokenize: 'tokenized' } as const;

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function andMore(more: number): string {
  if (more <= 0) return '';
  // Counts double at every diamond; past a million the number says nothing more.
  if (more > 1_000_000) return ' (and over a million more paths)';
  return ` (and ${more} more ${more === 1 ? 'path' : 'paths'})`;
}
