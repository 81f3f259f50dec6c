import avsc from 'avsc';

// Pure module (avsc only, no node:* imports): the validator in shared/ can reuse it later.

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

/** A schema as parsed by the registry: avsc's type, and the canonical text used to compare schemas. */
export interface ParsedAvro {
  type: avsc.Type;
  /**
   * Whitespace, key order, `{"type": "int"}` versus `"int"` and short versus full names do not
   * count; everything else does (docs, defaults, aliases, custom properties such as
   * `confluent:tags`), because two schemas differing in those are different contracts.
   */
  canonical: string;
}

/** What `parseAvro` throws for text that is not an Avro schema; the message says why. */
export class InvalidAvroError extends Error {
  override name = 'InvalidAvroError';
}

/**
 * Parses Avro schema JSON (text, or an already parsed value). Named types must have names, as
 * the Avro specification requires (avsc alone would accept anonymous records).
 * @throws InvalidAvroError naming the problem.
 */
export function parseAvro(schema: string | object): ParsedAvro {
  let raw: unknown;
  if (typeof schema === 'string') {
    try {
      raw = JSON.parse(schema);
    } catch (err) {
      throw new InvalidAvroError(`not JSON: ${(err as Error).message}`);
    }
  } else {
    raw = schema;
  }
  let type: avsc.Type;
  try {
    type = avsc.Type.forSchema(raw as avsc.Schema, { noAnonymousTypes: true });
  } catch (err) {
    throw new InvalidAvroError((err as Error).message);
  }
  return { type, canonical: JSON.stringify(sortKeys(canonicalize(raw, ''))) };
}

/** The canonical text of a schema (see ParsedAvro.canonical). @throws InvalidAvroError */
export function canonicalAvro(schema: string | object): string {
  return parseAvro(schema).canonical;
}

function fullName(name: string, namespace: string): string {
  if (name.includes('.') || PRIMITIVES.has(name)) return name;
  return namespace ? `${namespace}.${name}` : name;
}

function namespaceOf(fullname: string): string {
  const dot = fullname.lastIndexOf('.');
  return dot < 0 ? '' : fullname.slice(0, dot);
}

/** Rewrites a valid schema to one spelling: full names, primitives as bare strings. */
function canonicalize(node: unknown, namespace: string): unknown {
  if (typeof node === 'string') return fullName(node, namespace);
  if (Array.isArray(node)) return node.map((branch) => canonicalize(branch, namespace));
  if (typeof node !== 'object' || node === null) return node;
  const obj = node as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (typeof obj.type === 'string' && PRIMITIVES.has(obj.type) && keys.length === 1) return obj.type;
  const out: Record<string, unknown> = { ...obj };
  let inner = namespace;
  if (typeof obj.type === 'string' && NAMED.has(obj.type) && typeof obj.name === 'string') {
    const ns = typeof obj.namespace === 'string' ? obj.namespace : namespace;
    const name = fullName(obj.name, ns);
    inner = namespaceOf(name);
    out.name = name;
    delete out.namespace;
    if (Array.isArray(obj.aliases)) out.aliases = obj.aliases.map((a) => (typeof a === 'string' ? fullName(a, inner) : a));
    if (Array.isArray(obj.fields)) {
      out.fields = obj.fields.map((field) => {
        if (typeof field !== 'object' || field === null) return field;
        const f = field as Record<string, unknown>;
        return { ...f, type: canonicalize(f.type, inner) };
      });
    }
  } else if (typeof obj.type === 'object' && obj.type !== null) {
    out.type = canonicalize(obj.type, namespace);
  }
  if (obj.type === 'array' && 'items' in obj) out.items = canonicalize(obj.items, inner);
  if (obj.type === 'map' && 'values' in obj) out.values = canonicalize(obj.values, inner);
  return out;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
