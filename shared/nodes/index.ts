import { createRegistry, type NodeDefinition, type ResourceDefinition } from '../node-kit';
import generate from './core/generate.node.ts';
import filter from './core/filter.node.ts';
import map from './core/map.node.ts';
import route from './core/route.node.ts';
import log from './core/log.node.ts';
import dlq from './core/dlq.node.ts';
import fileRead from './file/read.node.ts';
import fileWrite from './file/write.node.ts';
import lookup from './enrich/lookup.node.ts';
import http from './enrich/http.node.ts';
import redactFields from './redact/fields.node.ts';
import referenceTable from './resources/reference-table.resource.ts';

/**
 * Every node type Sluice ships, listed explicitly. Adding a node type: its module, its test,
 * one line here. The registry contract test checks this list against the *.node.ts files.
 */
export const NODE_TYPES: NodeDefinition[] = [
  generate,
  fileRead,
  filter,
  map,
  lookup,
  http,
  redactFields,
  route,
  log,
  fileWrite,
  dlq,
];

export const RESOURCE_TYPES: ResourceDefinition[] = [referenceTable];

export const registry = createRegistry(NODE_TYPES, RESOURCE_TYPES);
