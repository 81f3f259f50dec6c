import { createRegistry, type NodeDefinition, type ResourceDefinition } from '../node-kit';
import generate from './core/generate.node';
import filter from './core/filter.node';
import map from './core/map.node';
import route from './core/route.node';
import log from './core/log.node';
import dlq from './core/dlq.node';
import fileRead from './file/read.node';
import fileWrite from './file/write.node';
import lookup from './enrich/lookup.node';
import http from './enrich/http.node';
import redactFields from './redact/fields.node';
import referenceTable from './resources/reference-table.resource';

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
