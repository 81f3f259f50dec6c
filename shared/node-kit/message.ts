/**
 * A message travelling through a flow. `value` is the decoded record (a plain JSON object for
 * JSON payloads); key and headers travel with it so sinks can write them back out.
 */
export interface Message {
  value: unknown;
  key?: string | null;
  headers?: Record<string, string>;
  /** Where the record came from; connectors fill in what they know. */
  meta?: MessageMeta;
  /** The bytes as received from a broker, kept so a dead letter carries them unchanged. */
  raw?: Uint8Array;
}

export interface MessageMeta {
  source?: string;
  topic?: string;
  partition?: number;
  offset?: string;
  timestamp?: number;
  /** Delivery attempt as counted by the broker (1 on first delivery). */
  deliveries?: number;
  [key: string]: unknown;
}

/** A record as a mutable JSON object; most processors work on `message.value` of this shape. */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A shallow copy of a message with a new value; key, headers and meta are shared (read-only).
 * `raw` is deliberately left behind: after a change it no longer describes the value, and a
 * sink must never be able to send the original (unredacted) bytes on.
 */
export function withValue(msg: Message, value: unknown): Message {
  return { value, key: msg.key, headers: msg.headers, meta: msg.meta };
}

/**
 * What a dead-letter sink receives as `message.value`: the original record as its source produced
 * it, with why and where it failed.
 */
export interface DeadLetter {
  flowId: string;
  /** The node that failed (or the source that could not decode the record). */
  nodeId: string;
  error: { name: string; message: string };
  /** How many times the node tried the record. */
  attempts: number;
  /** ISO time of the final failure. */
  failedAt: string;
  original: { value: unknown; key?: string | null; headers?: Record<string, string>; meta?: MessageMeta; raw?: Uint8Array };
}
