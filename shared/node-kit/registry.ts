import { configDefaults, type NodeDefinition, type ResourceDefinition } from './define';

/**
 * An explicit list of node and resource types. Nothing registers itself by import side effect:
 * `shared/nodes/index.ts` lists every module, and a contract test checks that list against the
 * files on disk.
 */
export interface Registry {
  /** The newest version of a node type, or the given version if known. */
  node(type: string, version?: number): NodeDefinition | undefined;
  resource(type: string, version?: number): ResourceDefinition | undefined;
  nodes(): NodeDefinition[];
  resources(): ResourceDefinition[];
}

export function createRegistry(nodes: readonly NodeDefinition[], resources: readonly ResourceDefinition[] = []): Registry {
  const nodeMap = index(nodes, 'node');
  const resourceMap = index(resources, 'resource');
  return {
    node: (type, version) => pick(nodeMap, type, version),
    resource: (type, version) => pick(resourceMap, type, version),
    nodes: () => [...nodes],
    resources: () => [...resources],
  };
}

function index<T extends { type: string; version: number }>(defs: readonly T[], what: string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const d of defs) {
    const list = map.get(d.type) ?? [];
    if (list.some((x) => x.version === d.version)) throw new Error(`${what} type ${d.type} v${d.version} is listed twice`);
    list.push(d);
    list.sort((a, b) => b.version - a.version);
    map.set(d.type, list);
  }
  return map;
}

function pick<T extends { version: number }>(map: Map<string, T[]>, type: string, version?: number): T | undefined {
  const list = map.get(type);
  if (!list) return undefined;
  return version === undefined ? list[0] : list.find((d) => d.version === version);
}

/** Newest known version of a type (for "newer than this Sluice knows" checks). */
export function newestVersion(registry: Registry, kind: 'node' | 'resource', type: string): number | undefined {
  return (kind === 'node' ? registry.node(type) : registry.resource(type))?.version;
}

/**
 * Config defaults per type for the canonical writer, so files leave defaults out. Memoised:
 * turning a zod schema into JSON Schema is not free and the designer saves often.
 */
export function registryDefaults(registry: Registry): (kind: 'node' | 'resource', type: string, version: number) => Record<string, unknown> | undefined {
  const cache = new Map<string, Record<string, unknown> | undefined>();
  return (kind, type, version) => {
    const key = `${kind}:${type}@${version}`;
    if (!cache.has(key)) {
      const def = kind === 'node' ? registry.node(type, version) : registry.resource(type, version);
      cache.set(key, def ? configDefaults(def) : undefined);
    }
    return cache.get(key);
  };
}
