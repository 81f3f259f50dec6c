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
import natsConsume from './nats/consume.node.ts';
import natsPublish from './nats/publish.node.ts';
import natsConnection from './resources/nats-connection.resource.ts';
import kafkaConsume from './kafka/consume.node.ts';
import kafkaProduce from './kafka/produce.node.ts';
import enrichTable from './enrich/table.node.ts';
import kafkaConnection from './resources/kafka-connection.resource.ts';
import mqReceive from './mq/receive.node.ts';
import mqSend from './mq/send.node.ts';
import mqConnection from './resources/mq-connection.resource.ts';

/**
 * Every node type Sluice ships, listed explicitly. Adding a node type: its module, its test,
 * one line here. The registry contract test checks this list against the *.node.ts files.
 */
export const NODE_TYPES: NodeDefinition[] = [
  generate,
  fileRead,
  kafkaConsume,
  natsConsume,
  mqReceive,
  filter,
  map,
  lookup,
  http,
  enrichTable,
  redactFields,
  route,
  log,
  fileWrite,
  kafkaProduce,
  natsPublish,
  mqSend,
  dlq,
];

export const RESOURCE_TYPES: ResourceDefinition[] = [referenceTable, natsConnection, kafkaConnection, mqConnection];

export const registry = createRegistry(NODE_TYPES, RESOURCE_TYPES);
