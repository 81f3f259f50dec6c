/**
 * The hooks the end-to-end tests hold on to, in one place so app and tests cannot drift apart.
 * Prefer roles and accessible names in tests; these are for things that have none of their own.
 */
export const testIds = {
  flowRow: (id: string) => `flow-row-${id}`,
  paletteItem: (type: string) => `palette-item-${type}`,
  /** The generic node component's root, inside xyflow's `.react-flow__node[data-id]`. */
  node: (id: string) => `node-${id}`,
  /** Count of the node's diagnostics; absent when it has none. */
  nodeBadge: (id: string) => `node-badge-${id}`,
  /** in / out / dropped / errors of the running flow. */
  nodeCounts: (id: string) => `node-counts-${id}`,
  /** Wrapper of one inspector field; also carries `data-pointer` (e.g. `/config/when`). */
  field: (pointer: string) => `field-${pointer}`,
  problem: 'problem',
  toast: 'toast',
  runState: 'run-state',
} as const;
