import { z } from 'zod';
import { hint, type LintIssue } from '../../node-kit';
import type { AvroRecord } from '../../schema/record-schema';
import { parseRecordSchema, recordChecker } from '../core/lib/avro';
import type { PayloadFormat } from './broker-payload';

/**
 * The inline record-schema option of source node types (kafka.consume, nats.consume,
 * mq.receive, file.read): an optional Avro record schema that describes the records' fields
 * for later nodes and checks each record (a record that does not fit is dead-lettered).
 */

/** An inline Avro record schema as given in a node's `schema` config field. */
export type InlineRecordSchema = Record<string, unknown> | undefined;

/** The `schema` config field of the broker source node types (same title, docs and type everywhere). */
export function recordSchemaField() {
  return hint.code(z.record(z.string(), z.unknown()).optional(), 'avro', {
    title: 'Record schema',
    description: 'Optional Avro record schema of the JSON payloads. Payloads that do not fit it are dead-lettered; later nodes can use its fields.',
  });
}

/**
 * Lint issues of an inline record schema (at `/schema`): one that does not parse and, when the
 * node has a payload format, one given with the `raw` format (a schema describes JSON payloads).
 */
export function recordSchemaIssues(schema: InlineRecordSchema, format?: PayloadFormat): LintIssue[] {
  const issues: LintIssue[] = [];
  if (schema) {
    const parsed = parseRecordSchema(schema);
    if (parsed.error) issues.push({ path: '/schema', message: parsed.error });
    if (format === 'raw') issues.push({ path: '/schema', message: 'a record schema describes JSON payloads: set the format to json or remove the schema' });
  }
  return issues;
}

/** The node's output schema: the inline schema when it parses, else undefined (fields known only at run time). */
export function recordSchemaOutput(schema: InlineRecordSchema): AvroRecord | undefined {
  return schema && !parseRecordSchema(schema).error ? (schema as unknown as AvroRecord) : undefined;
}

/** The check of each record against the inline schema (a returned reason dead-letters it), or undefined without a schema. */
export function recordSchemaCheck(schema: InlineRecordSchema): ((value: unknown) => string | undefined) | undefined {
  return schema ? recordChecker(parseRecordSchema(schema).type!) : undefined;
}
