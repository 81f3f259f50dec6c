import type { CryptoProvider } from '../../../node-kit/runtime';

/**
 * The text a non-text value is redacted as. Objects use sorted keys so that the same content
 * hashes to the same value whatever order its producer wrote the keys in.
 */
export function redactionText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return stableJson(value);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? 'null';
}

/**
 * Replaces every character but the last `keepLast` with `maskChar`. Counted in code points so an
 * emoji is one character. A value no longer than `keepLast` is masked completely: a short value
 * (a PIN, a two-letter initial) must never pass in clear just because it is short.
 */
const SURROGATE = /[\uD800-\uDFFF]/;

export function mask(text: string, keepLast: number, maskChar: string): string {
  // Almost all text has no surrogate pairs; then code units are code points and slicing is exact.
  if (!SURROGATE.test(text)) {
    const keep = text.length > keepLast ? keepLast : 0;
    return maskChar.repeat(text.length - keep) + text.slice(text.length - keep);
  }
  const chars = Array.from(text);
  const keep = chars.length > keepLast ? keepLast : 0;
  return maskChar.repeat(chars.length - keep) + chars.slice(chars.length - keep).join('');
}

/** Bytes of the HMAC kept in a token: 128 bits, so collisions are out of reach for any table size. */
export const TOKEN_BYTES = 16;
export const TOKEN_PREFIX = 'tok_';

/** `tok_` + base64url (no padding) of the first 16 bytes of HMAC-SHA256(key, text): 26 characters. */
export function tokenize(crypto: CryptoProvider, key: string, text: string): string {
  return TOKEN_PREFIX + hexToBase64Url(crypto.hmacSha256(key, text).slice(0, TOKEN_BYTES * 2));
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url without padding; written out because shared/ may not use Node's Buffer. */
export function hexToBase64Url(hex: string): string {
  if (hex.length % 2 !== 0 || /[^0-9a-f]/i.test(hex)) throw new Error('not a hex string');
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const remaining = bytes.length - i;
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = remaining >= 3 ? 4 : remaining + 1;
    for (let j = 0; j < chars; j++) out += B64URL[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}
