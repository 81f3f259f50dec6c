import type { FlowDocument } from '../../../shared/flow/document';
import type { Registry } from '../../../shared/node-kit/registry';
import { availableFields, type AvailableField } from '../../../shared/expr/schema-types';
import type { RecordSchema } from '../../../shared/schema/record-schema';
import { inferFlowSchemas, type NodeSchemas } from '../../../shared/schema/flow-schemas';

/**
 * Per-edge schemas of a document, memoised per document object: field pickers, completions and
 * edge tooltips all ask for the same flow many times between edits.
 */
const cache = new WeakMap<FlowDocument, Map<string, NodeSchemas>>();

export function schemasOf(registry: Registry, doc: FlowDocument): Map<string, NodeSchemas> {
  let s = cache.get(doc);
  if (!s) {
    s = inferFlowSchemas(doc, registry);
    cache.set(doc, s);
  }
  return s;
}

/** The record schema arriving at a node's input port (`in` by default); undefined when unknown. */
export function inputSchemaAt(registry: Registry, doc: FlowDocument, nodeId: string, port = 'in'): RecordSchema {
  return schemasOf(registry, doc).get(nodeId)?.inputs[port];
}

/** The schema leaving `node:port`, for an edge's tooltip; undefined when unknown. */
export function outputSchemaAt(registry: Registry, doc: FlowDocument, nodeId: string, port: string): RecordSchema {
  return schemasOf(registry, doc).get(nodeId)?.outputs[port];
}

/** Fields a node's expressions and field pickers can use: those of the records arriving at it. */
export function fieldsAt(registry: Registry, doc: FlowDocument, nodeId: string, port = 'in'): AvailableField[] {
  const schema = inputSchemaAt(registry, doc, nodeId, port);
  return schema ? availableFields(schema) : [];
}
