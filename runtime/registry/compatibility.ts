import avsc from 'avsc';
import { parseAvro } from './avro';
import { canRead, explainIncompatibility, type Direction } from './explain';

// Pure module (avsc only, no node:* imports): the validator (issue 5 item 4) checks a sink's
// output schema against a subject with the same function the registry uses on registration.

export const COMPATIBILITY_LEVELS = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** Confluent's default for the global config. */
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

/** A level from user input, case-insensitive ("full_transitive" is FULL_TRANSITIVE); undefined when not a level. */
export function parseCompatibilityLevel(value: unknown): CompatibilityLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  return (COMPATIBILITY_LEVELS as readonly string[]).includes(upper) ? (upper as CompatibilityLevel) : undefined;
}

/** A schema as JSON text, a parsed JSON value, or an avsc type. */
export type SchemaInput = string | object | avsc.Type;

/** An existing schema of the subject; `version` only makes messages name it. */
export interface ExistingSchema {
  schema: SchemaInput;
  version?: number;
}

export interface CompatibilityResult {
  compatible: boolean;
  /** One message per problem, empty when compatible; each names the rule, the field and the version checked. */
  messages: string[];
}

export interface CompatibilityOptions {
  /** Named in messages: "orders-us-value is BACKWARD: ...". */
  subject?: string;
}

/**
 * Whether `newSchema` may follow `existingSchemas` (oldest first, soft-deleted ones left out)
 * under `level`, decided by avsc schema resolution:
 * - BACKWARD: the new schema reads records written with the latest existing schema;
 * - FORWARD: the latest existing schema reads records written with the new one;
 * - FULL: both; the _TRANSITIVE forms check against every existing schema, not only the latest;
 * - NONE: always compatible. No existing schema: always compatible.
 * Pure and synchronous.
 * @throws InvalidAvroError when a schema given as text or JSON is not valid Avro.
 */
export function checkCompatibility(
  level: CompatibilityLevel,
  newSchema: SchemaInput,
  existingSchemas: readonly (SchemaInput | ExistingSchema)[],
  options: CompatibilityOptions = {},
): CompatibilityResult {
  if (level === 'NONE' || existingSchemas.length === 0) return { compatible: true, messages: [] };
  const candidate = toType(newSchema);
  const transitive = level.endsWith('_TRANSITIVE');
  const against = transitive ? existingSchemas : existingSchemas.slice(-1);
  const directions: Direction[] = level.startsWith('BACKWARD') ? ['backward'] : level.startsWith('FORWARD') ? ['forward'] : ['backward', 'forward'];
  const prefix = options.subject ? `${options.subject} is ${level}: ` : `${level}: `;
  const messages: string[] = [];
  // Newest first: the problem with the latest version is the one people expect to read first.
  for (const entry of [...against].reverse()) {
    const existing = isExisting(entry) ? entry : { schema: entry };
    const old = toType(existing.schema);
    const label = existing.version === undefined ? (transitive ? 'an earlier schema' : 'the latest schema') : `version ${existing.version}`;
    for (const direction of directions) {
      const reader = direction === 'backward' ? candidate : old;
      const writer = direction === 'backward' ? old : candidate;
      if (canRead(reader, writer)) continue;
      const tail =
        direction === 'backward'
          ? `the new schema cannot read records written with ${label}`
          : `consumers using ${label} cannot read records written with the new schema`;
      let reasons = explainIncompatibility(reader, writer, direction);
      if (reasons.length === 0) reasons = [`avsc cannot resolve the schemas: ${resolverMessage(reader, writer)}`];
      for (const reason of reasons) messages.push(`${prefix}${reason}; ${tail}`);
    }
  }
  return { compatible: messages.length === 0, messages };
}

function isExisting(entry: SchemaInput | ExistingSchema): entry is ExistingSchema {
  return typeof entry === 'object' && entry !== null && !avsc.Type.isType(entry) && 'schema' in entry && !('type' in entry);
}

function toType(schema: SchemaInput): avsc.Type {
  if (avsc.Type.isType(schema)) return schema as avsc.Type;
  return parseAvro(schema as string | object).type;
}

function resolverMessage(reader: avsc.Type, writer: avsc.Type): string {
  try {
    reader.createResolver(writer);
    return 'unknown reason';
  } catch (err) {
    return (err as Error).message;
  }
}
