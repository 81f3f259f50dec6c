import { parseEndpoint, type FlowDocument } from '../../../shared/flow/document';
import { availableFields } from '../../../shared/expr/schema-types';
import type { Registry } from '../../../shared/node-kit/registry';
import { outputSchemaAt } from '../schema/fields-at';

const MAX_FIELDS = 30;

/** The fields carried on the edge leaving `from` ("node:port"), one "path: type" per line, for the edge's tooltip. */
export function edgeSchemaLines(registry: Registry, doc: FlowDocument, from: string): string[] {
  const a = parseEndpoint(from);
  if (!a) return [];
  const schema = outputSchemaAt(registry, doc, a.node, a.port);
  if (!schema) return ['Fields not known before the flow runs'];
  const fields = availableFields(schema);
  if (!fields.length) return ['No fields'];
  const lines = fields.slice(0, MAX_FIELDS).map((f) => `${f.path}: ${f.type}${f.tags?.length ? ` [${f.tags.join(', ')}]` : ''}`);
  if (fields.length > MAX_FIELDS) lines.push(`… and ${fields.length - MAX_FIELDS} more`);
  return lines;
}
