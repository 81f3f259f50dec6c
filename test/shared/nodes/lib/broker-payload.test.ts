import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, type DeadLetter, type Delivery, type Message, type Settlement, type SourceOutput } from '../../../../shared/node-kit';
import {
  deadLetterHeaders,
  deadLetterOutbound,
  decodePayload,
  encodePayload,
  handOver,
  outboundMessage,
  PayloadError,
} from '../../../../shared/nodes/lib/broker-payload';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | string) => (typeof b === 'string' ? b : new TextDecoder().decode(b));
const NOT_UTF8 = new Uint8Array([0xff, 0xfe, 0x00, 0x41]);

function delivery(value: Uint8Array, settle?: Partial<Required<Settlement>>): Delivery {
  return {
    key: 'k-1',
    value,
    headers: { trace: 't-1' },
    meta: { topic: 'orders', partition: 2, offset: '41', timestamp: 1_700_000_000_000 },
    settle: { ack: settle?.ack ?? (() => undefined), nack: settle?.nack ?? (() => undefined) },
  };
}

function recorder() {
  const emitted: Array<{ msg: Message; settle?: Settlement }> = [];
  const dead: Array<{ msg: Message; error: Error; settle?: Settlement }> = [];
  const out: SourceOutput = {
    signal: new AbortController().signal,
    emit: (msg, settle) => void emitted.push({ msg, settle }),
    deadLetter: (msg, error, settle) => void dead.push({ msg, error, settle }),
  };
  return { out, emitted, dead };
}

const LETTER: DeadLetter = {
  flowId: 'payments',
  nodeId: 'big-only',
  error: { name: 'ExpressionError', message: 'no such key: total' },
  attempts: 4,
  failedAt: '2024-05-01T09:30:00.000Z',
  original: {
    value: { id: 'p-1' },
    key: 'p-1',
    headers: { trace: 't-9', [DEAD_LETTER_HEADERS.node]: 'stale' },
    raw: bytes('{"id":"p-1" }'),
  },
};

describe('decodePayload', () => {
  it('decodes a JSON object', () => {
    expect(decodePayload(bytes('{"a":1,"b":{"c":"x"}}'), 'json')).toEqual({ ok: true, value: { a: 1, b: { c: 'x' } } });
  });

  it.each([
    ['invalid JSON', bytes('{"a":'), /not valid JSON/],
    ['an array', bytes('[1,2]'), /not a record: expected a JSON object \{…\}, got an array/],
    ['a number', bytes('42'), /got a number/],
    ['null', bytes('null'), /got null/],
    ['an empty payload', new Uint8Array(0), /empty/],
    ['bytes that are not UTF-8', NOT_UTF8, /not UTF-8/],
  ])('refuses %s with a reason', (_what, payload, reason) => {
    const r = decodePayload(payload, 'json');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(PayloadError);
      expect(r.error.message).toMatch(reason);
    }
  });

  it('applies a schema check to JSON records', () => {
    const check = (v: unknown) => (typeof (v as { total?: unknown }).total === 'number' ? undefined : 'total must be a number');
    expect(decodePayload(bytes('{"total":3}'), 'json', check)).toEqual({ ok: true, value: { total: 3 } });
    const r = decodePayload(bytes('{"total":"3"}'), 'json', check);
    expect(r.ok ? 'decoded' : r.error.message).toBe('the payload does not fit the schema: total must be a number');
  });

  it('raw: text when the bytes are UTF-8, else the bytes themselves', () => {
    expect(decodePayload(bytes('<pay id="1"/>'), 'raw')).toEqual({ ok: true, value: '<pay id="1"/>' });
    const r = decodePayload(NOT_UTF8, 'raw');
    expect(r.ok && r.value).toBe(NOT_UTF8);
    expect(decodePayload(new Uint8Array(0), 'raw')).toEqual({ ok: true, value: '' });
  });
});

describe('encodePayload', () => {
  it('json: the value as JSON text (BigInt from expressions printed as numbers)', () => {
    expect(text(encodePayload({ a: 1, n: 5n, s: 'é' }, 'json'))).toBe('{"a":1,"n":5,"s":"é"}');
  });

  it('raw: text as UTF-8, bytes unchanged, structured records refused', () => {
    expect(text(encodePayload('héllo', 'raw'))).toBe('héllo');
    expect(encodePayload(NOT_UTF8, 'raw')).toBe(NOT_UTF8);
    expect(() => encodePayload({ a: 1 }, 'raw')).toThrow(/structured record: choose the json format/);
    expect(() => encodePayload(null, 'raw')).toThrow(PayloadError);
  });

  it('round-trips raw bytes that are not text', () => {
    const r = decodePayload(NOT_UTF8, 'raw');
    expect(r.ok && [...encodePayload(r.value, 'raw')]).toEqual([...NOT_UTF8]);
  });
});

describe('handOver', () => {
  it('emits a decoded record with key, headers, meta, raw bytes and the delivery settle', () => {
    const { out, emitted, dead } = recorder();
    const d = delivery(bytes('{"id":"o-1"}'));
    handOver(out, d, { format: 'json' });
    expect(dead).toEqual([]);
    expect(emitted).toHaveLength(1);
    const [{ msg, settle }] = emitted as [{ msg: Message; settle?: Settlement }];
    expect(msg).toEqual({ value: { id: 'o-1' }, key: 'k-1', headers: { trace: 't-1' }, meta: d.meta, raw: d.value });
    expect(settle).toBe(d.settle);
  });

  it('dead-letters an undecodable payload with its text, raw bytes, reason and settle', () => {
    const { out, emitted, dead } = recorder();
    const d = delivery(bytes('{"id": oops}'));
    handOver(out, d, { format: 'json' });
    expect(emitted).toEqual([]);
    expect(dead).toHaveLength(1);
    const [{ msg, error, settle }] = dead as [{ msg: Message; error: Error; settle?: Settlement }];
    expect(msg.value).toBe('{"id": oops}');
    expect(msg.raw).toBe(d.value);
    expect(msg.key).toBe('k-1');
    expect(msg.headers).toEqual({ trace: 't-1' });
    expect(error.message).toMatch(/not valid JSON/);
    expect(settle).toBe(d.settle);
  });

  it('dead-letters bytes that are not text with the bytes as value', () => {
    const { out, dead } = recorder();
    handOver(out, delivery(NOT_UTF8), { format: 'json' });
    expect(dead[0]?.msg.value).toBe(NOT_UTF8);
    expect(dead[0]?.error.message).toMatch(/not UTF-8/);
  });

  it('returns the backpressure promise of emit', async () => {
    let release!: () => void;
    const room = new Promise<void>((r) => (release = r));
    const out: SourceOutput = { signal: new AbortController().signal, emit: () => room, deadLetter: () => undefined };
    const pending = handOver(out, delivery(bytes('{}')), { format: 'json' });
    expect(pending).toBe(room);
    release();
    await pending;
  });
});

describe('dead letters to a broker', () => {
  it('writes the original bytes, the original key and headers, plus the sluice-* headers', () => {
    const m = deadLetterOutbound(LETTER);
    expect(text(m.value)).toBe('{"id":"p-1" }');
    expect(m.key).toBe('p-1');
    expect(m.headers).toEqual({
      trace: 't-9',
      'sluice-error': 'ExpressionError: no such key: total',
      'sluice-node': 'big-only',
      'sluice-flow': 'payments',
      'sluice-attempts': '4',
      'sluice-failed-at': '2024-05-01T09:30:00.000Z',
    });
    expect(deadLetterHeaders(LETTER)[DEAD_LETTER_HEADERS.node]).toBe('big-only');
  });

  it('falls back to the original value (JSON, or text as it is) without raw bytes', () => {
    const { raw: _raw, ...noRaw } = LETTER.original;
    expect(text(deadLetterOutbound({ ...LETTER, original: noRaw }).value)).toBe('{"id":"p-1"}');
    expect(text(deadLetterOutbound({ ...LETTER, original: { value: 'line 3: {oops' } }).value)).toBe('line 3: {oops');
    const m = deadLetterOutbound({ ...LETTER, original: { value: { a: 1 } } });
    expect(m.key).toBeUndefined();
    expect(Object.keys(m.headers ?? {}).sort()).toEqual(Object.values(DEAD_LETTER_HEADERS).sort());
  });

  it('outboundMessage sends a DeadLetter value as a dead letter whatever the format and key', () => {
    const m = outboundMessage({ value: LETTER, key: 'ignored' }, { format: 'raw', key: 'computed' });
    expect(text(m.value)).toBe('{"id":"p-1" }');
    expect(m.key).toBe('p-1');
    expect(m.headers?.['sluice-attempts']).toBe('4');
  });
});

describe('outboundMessage', () => {
  const msg: Message = { value: { id: 'o-1' }, key: 'in-key', headers: { trace: 't-1' }, raw: bytes('stale bytes') };

  it('encodes the value (never the stale raw bytes), keeps the incoming key and headers', () => {
    const m = outboundMessage(msg, { format: 'json' });
    expect(text(m.value)).toBe('{"id":"o-1"}');
    expect(m.key).toBe('in-key');
    expect(m.headers).toEqual({ trace: 't-1' });
  });

  it('uses a computed key (null included) and can leave the headers behind', () => {
    expect(outboundMessage(msg, { format: 'json', key: 'other' }).key).toBe('other');
    expect(outboundMessage(msg, { format: 'json', key: null }).key).toBeNull();
    expect(outboundMessage(msg, { format: 'json', headers: false }).headers).toBeUndefined();
    expect('key' in outboundMessage({ value: {} }, { format: 'json' })).toBe(false);
  });

  it('throws a PayloadError for a record the raw format cannot carry', () => {
    expect(() => outboundMessage(msg, { format: 'raw' })).toThrow(PayloadError);
  });
});
