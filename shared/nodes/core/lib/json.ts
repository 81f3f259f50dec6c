import { setOwn } from '../../../node-kit/paths';

/**
 * Turning record values into JSON text. Records are plain JSON almost always, so the fast path is
 * a bare JSON.stringify; values that JSON.stringify cannot print faithfully (BigInt from CEL
 * integer arithmetic, bytes, Map) take the slower converting path.
 */

/**
 * One line of JSON for a value: never `undefined`, never `[object Object]`. BigInt prints as a
 * number when it is a safe integer and as a string otherwise; bytes print as base64; Map and
 * Set print as object and array. Throws on cycles (a record with a cycle is a bug upstream).
 */
export function jsonLine(value: unknown): string {
  if (needsConversion(value)) return JSON.stringify(toJsonValue(value)) ?? 'null';
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError) || !/BigInt/i.test(err.message)) throw err;
    text = JSON.stringify(toJsonValue(value));
  }
  return text ?? 'null';
}

// Only top-level oddities are checked here: a deep scan would cost as much as the conversion.
function needsConversion(value: unknown): boolean {
  return value instanceof Map || value instanceof Set || ArrayBuffer.isView(value);
}

/**
 * A JSON-safe copy of a value, sharing every branch that needs no change. Used where values
 * produced by expressions enter a record, so downstream nodes and sinks see plain JSON.
 */
export function toJsonValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = toJsonValue(value[i]);
      if (out) out.push(v);
      else if (!Object.is(v, value[i])) {
        out = value.slice(0, i);
        out.push(v);
      }
    }
    return out ?? value;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return base64(value);
  if (ArrayBuffer.isView(value)) return base64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) setOwn(out, String(k), toJsonValue(v));
    return out;
  }
  if (value instanceof Set) return [...value].map(toJsonValue);
  const obj = value as Record<string, unknown>;
  if (typeof obj.toJSON === 'function') return toJsonValue(obj.toJSON());
  let out: Record<string, unknown> | undefined;
  const plain = Object.getPrototypeOf(obj) === Object.prototype || Object.getPrototypeOf(obj) === null;
  for (const k of Object.keys(obj)) {
    const v = toJsonValue(obj[k]);
    if (!out && Object.is(v, obj[k])) continue;
    out ??= { ...obj };
    setOwn(out, k, v);
  }
  // Class instances (e.g. a CEL duration) become plain objects so they print as their fields.
  return out ?? (plain ? obj : { ...obj });
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += `${ALPHABET[(n >> 18) & 63]}${ALPHABET[(n >> 12) & 63]}==`;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${ALPHABET[(n >> 18) & 63]}${ALPHABET[(n >> 12) & 63]}${ALPHABET[(n >> 6) & 63]}=`;
  }
  return out;
}
