import { z } from 'zod';
import {
  DEAD_LETTER_HEADERS,
  isJsonObject,
  type BrokerMessage,
  type DeadLetter,
  type Delivery,
  type Message,
  type OutboundMessage,
  type SourceOutput,
} from '../../node-kit';
import { isDeadLetter } from '../core/dlq.node.ts';
import { jsonLine } from '../core/lib/json';

/**
 * Payload encoding shared by every broker node type (kafka.*, nats.*, mq.*), so that JSON and
 * raw payloads, undecodable records and dead letters behave the same on every broker.
 *
 * - `json`: the payload is UTF-8 JSON text of one object; `msg.value` is that object.
 * - `raw`: the payload is kept as it is; `msg.value` is its text when the bytes are valid UTF-8,
 *   otherwise the bytes themselves (`Uint8Array`), so nothing is ever altered on the way through.
 *
 * In both formats the bytes as received stay in `msg.raw`, so a dead letter carries them unchanged.
 */

export const PAYLOAD_FORMATS = ['json', 'raw'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

/** The `format` config field every broker node type uses (same title, docs and default everywhere). */
export function payloadFormatField() {
  return z.enum(PAYLOAD_FORMATS).default('json').meta({
    title: 'Payload format',
    description:
      '`json`: each payload is one JSON object (its fields can be used by later nodes). `raw`: the payload is passed on as text (or bytes when it is not UTF-8 text), unchanged.',
  });
}

export { isDeadLetter };

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export type Decoded = { ok: true; value: unknown } | { ok: false; error: Error };

/** Thrown (as the dead-letter reason) for a payload that cannot be decoded in the chosen format. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** The payload as text when it is valid UTF-8, else undefined. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes one payload. Never throws: a payload that is not valid UTF-8 JSON of an object (json),
 * or does not pass `check` (a record-schema check returning a reason), comes back as an error
 * with a reason an analyst can act on. `raw` payloads always decode.
 */
export function decodePayload(bytes: Uint8Array, format: PayloadFormat, check?: (value: unknown) => string | undefined): Decoded {
  if (format === 'raw') {
    const text = utf8Text(bytes);
    return { ok: true, value: text ?? bytes };
  }
  if (bytes.length === 0) return { ok: false, error: new PayloadError('the payload is empty (a deleted key, or a record without value), not a JSON object') };
  const text = utf8Text(bytes);
  if (text === undefined) return { ok: false, error: new PayloadError('the payload is not UTF-8 text, so it cannot be JSON (is the format raw or Avro?)') };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: new PayloadError(`the payload is not valid JSON: ${(err as Error).message}`) };
  }
  if (!isJsonObject(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { ok: false, error: new PayloadError(`the payload is not a record: expected a JSON object {…}, got ${kind}`) };
  }
  if (check) {
    const mismatch = check(value);
    if (mismatch) return { ok: false, error: new PayloadError(`the payload does not fit the schema: ${mismatch}`) };
  }
  return { ok: true, value };
}

/**
 * Encodes a record value for sending. `json`: JSON text (BigInt, bytes, Map handled like
 * everywhere else). `raw`: text as UTF-8, bytes as they are; anything else throws (a structured
 * record needs the json format), which the engine's error policy turns into a dead letter.
 */
export function encodePayload(value: unknown, format: PayloadFormat): Uint8Array {
  if (format === 'json') return utf8.encode(jsonLine(value));
  if (typeof value === 'string') return utf8.encode(value);
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'a structured record' : `a ${typeof value}`;
  throw new PayloadError(`the raw payload format sends text or bytes, but this record is ${kind}: choose the json format`);
}

/** The message a consumer hands to the flow for one broker message (value decoded). */
export function toMessage(d: BrokerMessage, value: unknown): Message {
  return { value, key: d.key, headers: d.headers, meta: d.meta, raw: d.value };
}

export interface HandOverOptions {
  format: PayloadFormat;
  /** Record-schema check; a returned reason dead-letters the record. */
  check?: (value: unknown) => string | undefined;
}

/**
 * Decodes a delivery and hands it to the flow: `out.emit` when it decodes, `out.deadLetter` with
 * the reason (value: the payload's text, or its bytes; raw: the bytes) when it does not. The
 * delivery's settle functions are passed on, so the engine acks or nacks the broker message.
 * Returns what emit/deadLetter returned: await it (backpressure).
 */
export function handOver(out: SourceOutput, d: Delivery, options: HandOverOptions): void | Promise<void> {
  const decoded = decodePayload(d.value, options.format, options.check);
  if (decoded.ok) return out.emit(toMessage(d, decoded.value), d.settle);
  return out.deadLetter(toMessage(d, utf8Text(d.value) ?? d.value), decoded.error, d.settle);
}

/** The `sluice-*` headers describing why and where a dead letter failed. */
export function deadLetterHeaders(letter: DeadLetter): Record<string, string> {
  return {
    [DEAD_LETTER_HEADERS.error]: `${letter.error.name}: ${letter.error.message}`,
    [DEAD_LETTER_HEADERS.node]: letter.nodeId,
    [DEAD_LETTER_HEADERS.flow]: letter.flowId,
    [DEAD_LETTER_HEADERS.attempts]: String(letter.attempts),
    [DEAD_LETTER_HEADERS.failedAt]: letter.failedAt,
  };
}

/**
 * A dead letter as a broker message: the original bytes (`original.raw`; without them the
 * original value, text as it is and records as JSON), the original key and headers, plus the
 * `sluice-*` headers. Headers of the original named like ours are replaced by ours.
 */
export function deadLetterOutbound(letter: DeadLetter): OutboundMessage {
  const o = letter.original;
  let value: Uint8Array;
  if (o.raw instanceof Uint8Array) value = o.raw;
  else if (typeof o.value === 'string') value = utf8.encode(o.value);
  else if (o.value instanceof Uint8Array) value = o.value;
  else value = utf8.encode(jsonLine(o.value));
  const message: OutboundMessage = { value, headers: { ...(o.headers ?? {}), ...deadLetterHeaders(letter) } };
  if (o.key !== undefined) message.key = o.key;
  return message;
}

export interface OutboundOptions {
  format: PayloadFormat;
  /** The key to send: a computed key, or undefined to send the incoming key. */
  key?: string | null;
  /** Send the incoming headers on (default true). */
  headers?: boolean;
}

/**
 * What a broker sink sends for one record: a DeadLetter value becomes a dead letter (see
 * `deadLetterOutbound`; the key and format options do not apply), anything else is encoded in
 * the node's format with the (computed or incoming) key and, unless turned off, its headers.
 * Throws PayloadError when the value cannot be encoded in the format.
 */
export function outboundMessage(msg: Message, options: OutboundOptions): OutboundMessage {
  if (isDeadLetter(msg.value)) return deadLetterOutbound(msg.value);
  const out: OutboundMessage = { value: encodePayload(msg.value, options.format) };
  const key = options.key !== undefined ? options.key : msg.key;
  if (key !== undefined) out.key = key;
  if (options.headers !== false && msg.headers) out.headers = msg.headers;
  return out;
}
