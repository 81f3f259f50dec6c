import type { NodeDefinition, ResourceDefinition } from '../../shared/node-kit/define';
import type { RecordSchema } from '../../shared/schema/record-schema';

/** How a node takes part in the run loop, from its definition's category. */
export type NodeRole = 'source' | 'processor' | 'sink';

export interface PortTarget {
  node: string;
  port: string;
}

export interface PlanPort {
  name: string;
  /** Every node input this port feeds; more than one is a fan-out. Empty: records leave the flow here. */
  targets: PortTarget[];
}

export interface RetrySettings {
  /** Retries after the first failure, so a record is tried at most `attempts + 1` times. */
  attempts: number;
  /** Delay before the first retry; doubles for each further retry. */
  backoffMs: number;
  /** Upper bound of any one delay. */
  maxBackoffMs: number;
}

/**
 * The error policy in force for one node: the node's `errors` field by field over the flow's
 * `errors`, over the defaults (3 retries, 100ms doubling, at most 5s).
 */
export interface ResolvedErrorPolicy {
  retry: RetrySettings;
  /** Sink node that receives this node's dead letters; absent means a failure stops the flow. */
  deadLetter?: string;
}

export interface PlanNode {
  id: string;
  type: string;
  /** The definition's version; an older instance was migrated up to it. */
  version: number;
  label?: string;
  role: NodeRole;
  def: NodeDefinition;
  /**
   * Parsed config: node-version migrations applied, then the definition's zod schema (defaults
   * filled in). `${env:…}` / `${secret:…}` references are still unresolved here; the engine
   * resolves them just before `create`, so a plan never holds a secret.
   */
  config: unknown;
  /** Schema of the records arriving on the `in` port (undefined when not known before run time). */
  inputSchema: RecordSchema;
  /** In the definition's port order; a source's records leave by its first port. */
  outputs: PlanPort[];
  errors: ResolvedErrorPolicy;
  /** Named as `deadLetter` by some error policy: it receives dead letters only and has no input edges. */
  deadLetterTarget: boolean;
}

export interface PlanResource {
  id: string;
  type: string;
  /** Its definition: secret fields (x-secret) are known from it, for log scrubbing. */
  def: ResourceDefinition;
  /** Parsed (migrated, defaults filled), references unresolved, like node configs. */
  config: Record<string, unknown>;
}

/**
 * An executable description of one flow: pure data plus the node definitions, safe to build
 * and inspect without running anything (it creates no node and resolves no secret).
 *
 * Execution model (see `linkFlow`): every node becomes one step function and every output
 * port an array of the next steps, so a record goes from a source through a chain of
 * processors to its sinks by direct calls. Whether a processor is synchronous is decided at
 * run time from what `process()` returns: `undefined` means it finished and emitted
 * synchronously, and its successors already ran inside its `emit` calls; a promise (any
 * thenable) means asynchronous, and the path continues when that processor emits later. A
 * processor that once returns a promise is treated as asynchronous from then on. Sinks are
 * the same: a `write()` that returns nothing accepted the record at once.
 */
export interface FlowPlan {
  flowId: string;
  /** Every node by id, dead-letter nodes included. */
  nodes: Record<string, PlanNode>;
  /** Node ids in dependency order (sources first). */
  order: string[];
  sources: string[];
  /** The flow-level dead-letter node, if the flow's `errors.deadLetter` names one. */
  deadLetterNodeId?: string;
  /** Every node some policy dead-letters to (flow-level or per node), sorted. */
  deadLetterNodes: string[];
  resources: Record<string, PlanResource>;
}
