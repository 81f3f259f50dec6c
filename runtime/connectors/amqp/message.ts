import { createHash } from 'node:crypto';
import { message as amqpMessage, type Message as AmqpMessage } from 'rhea-promise';
import type { BrokerMessage, OutboundMessage } from '../../../shared/node-kit/brokers';

/**
 * How AMQP 1.0 messages map to Sluice broker messages and back.
 *
 * Incoming:
 * - value: the body as bytes. A data section is taken as it is (several are joined); an
 *   amqp-value that is text becomes its UTF-8 bytes, binary stays as it is, anything else
 *   (map, list, number, boolean) becomes JSON text; an amqp-sequence becomes a JSON array.
 * - key: the correlation-id (text as it is, numbers as decimal text, binary and UUIDs as
 *   lower-case hex, e.g. IBM MQ's 24-byte CorrelId); null when absent.
 * - headers: the application properties, every value as text (numbers and booleans as written,
 *   binary as hex, timestamps as ISO text); null values are left out.
 * - meta: `address`, `messageId`, `subject`, `contentType`, `timestamp` (creation-time, ms),
 *   `deliveries` (see receiver.ts).
 *
 * Outgoing: the value as one data section, OutboundMessage.id as message-id, the key as
 * correlation-id (text), headers as application properties (text), durable, creation-time now.
 * No message annotations are sent: IBM MQ AMQP channels reject messages that carry any.
 */

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);
const DATA = 0x75;
const SEQUENCE = 0x76;

interface Section {
  typecode: number;
  content: unknown;
  multiple?: boolean;
}

function isSection(body: unknown): body is Section {
  return typeof body === 'object' && body !== null && typeof (body as Section).typecode === 'number' && 'content' in body;
}

function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** JSON for AMQP values: binary as hex, big integers as digits, timestamps as ISO text. */
function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return x.toString();
    if (isBytes(x)) return hex(x);
    if (x && typeof x === 'object' && (x as { type?: unknown }).type === 'Buffer' && Array.isArray((x as { data?: unknown }).data)) {
      return hex(Uint8Array.from((x as { data: number[] }).data));
    }
    return x;
  });
}

/** The message body as bytes (see the module comment for each body kind). */
export function bodyBytes(body: unknown): Uint8Array {
  if (body === undefined || body === null) return EMPTY;
  if (isSection(body)) {
    if (body.typecode === DATA) {
      if (body.multiple && Array.isArray(body.content)) return Buffer.concat((body.content as unknown[]).filter(isBytes));
      return isBytes(body.content) ? body.content : EMPTY;
    }
    if (body.typecode === SEQUENCE) {
      const lists = body.multiple ? (body.content as unknown[][]) : [body.content as unknown[]];
      return utf8.encode(jsonText(lists.flat()));
    }
  }
  if (isBytes(body)) return body;
  if (typeof body === 'string') return utf8.encode(body);
  return utf8.encode(jsonText(body));
}

/** A message-id or correlation-id as text; undefined when absent. */
export function idText(id: unknown): string | undefined {
  if (id === undefined || id === null) return undefined;
  if (typeof id === 'string') return id;
  if (typeof id === 'number' || typeof id === 'bigint') return String(id);
  if (isBytes(id)) return hex(id);
  return jsonText(id);
}

/** An application-property value as text; undefined for null. */
export function propertyText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (isBytes(v)) return hex(v);
  return jsonText(v);
}

/**
 * The delivery count the broker reports, as "this is delivery number n" (1 = first): the
 * header's delivery-count (failed earlier attempts) + 1, or RabbitMQ's `x-delivery-count`
 * annotation + 1 where a broker sets it. Undefined when the broker says nothing.
 */
export function brokerDeliveries(m: AmqpMessage): number | undefined {
  const counts: number[] = [];
  if (typeof m.delivery_count === 'number' && m.delivery_count > 0) counts.push(m.delivery_count + 1);
  const x = (m.message_annotations as Record<string, unknown> | undefined)?.['x-delivery-count'];
  const n = typeof x === 'number' ? x : typeof x === 'bigint' ? Number(x) : typeof x === 'string' ? Number(x) : NaN;
  if (Number.isFinite(n) && n > 0) counts.push(n + 1);
  return counts.length ? Math.max(...counts) : undefined;
}

/**
 * What identifies a message across redeliveries, for counting them in the runtime: its
 * message-id, or (without one) a digest of its body and properties.
 */
export function identityOf(m: AmqpMessage, body: Uint8Array): string {
  const id = idText(m.message_id);
  if (id !== undefined) return `id:${id}`;
  const h = createHash('sha256');
  h.update(body);
  h.update('\0');
  h.update(idText(m.correlation_id) ?? '');
  h.update('\0');
  h.update(typeof m.subject === 'string' ? m.subject : '');
  h.update('\0');
  h.update(m.creation_time instanceof Date ? String(m.creation_time.getTime()) : '');
  h.update('\0');
  h.update(jsonText(m.application_properties ?? {}));
  return `digest:${h.digest('hex')}`;
}

/** The broker message a receiver hands over (deliveries decided by the receiver). */
export function fromAmqp(m: AmqpMessage, address: string, value: Uint8Array, deliveries: number): BrokerMessage {
  const headers: Record<string, string> = {};
  const props = m.application_properties as Record<string, unknown> | undefined;
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      const text = propertyText(v);
      if (text !== undefined) headers[k] = text;
    }
  }
  const meta: BrokerMessage['meta'] = { address, deliveries };
  const messageId = idText(m.message_id);
  if (messageId !== undefined) meta.messageId = messageId;
  if (typeof m.subject === 'string') meta.subject = m.subject;
  if (typeof m.content_type === 'string') meta.contentType = m.content_type;
  if (m.creation_time instanceof Date && !Number.isNaN(m.creation_time.getTime())) meta.timestamp = m.creation_time.getTime();
  return { key: idText(m.correlation_id) ?? null, value, headers, meta };
}

/** The AMQP message a sender transfers for one outbound message. */
export function toAmqp(m: OutboundMessage): AmqpMessage {
  const bytes = typeof m.value === 'string' ? Buffer.from(m.value, 'utf8') : Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength);
  const out: AmqpMessage = {
    body: amqpMessage.data_section(bytes),
    durable: true,
    creation_time: new Date(),
  };
  if (m.id !== undefined && m.id !== '') out.message_id = m.id;
  if (m.key !== undefined && m.key !== null) out.correlation_id = m.key;
  if (m.headers && Object.keys(m.headers).length) out.application_properties = { ...m.headers };
  return out;
}
