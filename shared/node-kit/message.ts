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

/** A shallow copy of a message with a new value; key, headers and meta are shared (read-only). */
export function withValue(msg: Message, value: unknown): Message {
  return { value, key: msg.key, headers: msg.headers, meta: msg.meta };
}
