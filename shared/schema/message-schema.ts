import type { Message } from '../node-kit/message';
import type { AvroRecord } from './record-schema';

/**
 * The per-record schema hook. A decoder that knows each record's own schema (the Avro writer
 * schema named by the Confluent wire-format schema id, or a JSON payload's inline schema) puts
 * it in the message's meta under this key. Nodes whose behaviour follows the schema, such as
 * the by-tag mode of `redact.fields`, then act on the tags of the record in hand rather than
 * only on the schema known when the flow was compiled: a PII field added to the source schema
 * later is covered without editing the flow.
 *
 * Pass the same schema object for every record of one schema id (decoders cache them by id):
 * nodes cache what they derive from a schema per object.
 */
export const VALUE_SCHEMA_META = 'valueSchema';

/** The record's own schema, when its decoder provided one. */
export function messageSchema(msg: Message): AvroRecord | undefined {
  const s = msg.meta?.[VALUE_SCHEMA_META];
  return typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'record' ? (s as AvroRecord) : undefined;
}
