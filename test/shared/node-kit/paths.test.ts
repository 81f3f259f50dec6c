import { describe, expect, it } from 'vitest';
import { getPath, isPlainObject, PathError, removePath, REMOVE, setOwn, setPath, splitPath, updatePath } from '../../../shared/node-kit/paths';

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

describe('nested paths (shared/node-kit/paths)', () => {
  it('updates every element under [*] and copies only what changed', () => {
    const input = deepFreeze({ items: [{ card: '4111', sku: 1 }, { sku: 2 }], other: { x: 1 } });
    const out = updatePath(input, splitPath('items[*].card'), (v) => (typeof v === 'string' ? '****' : v)) as typeof input;
    expect(out).toEqual({ items: [{ card: '****', sku: 1 }, { sku: 2 }], other: { x: 1 } });
    expect(out.items[1]).toBe(input.items[1]);
    expect(out.other).toBe(input.other);
    expect(getPath(out, splitPath('items[*].sku'))).toEqual([1, 2]);
  });

  it('removes under [*] and returns the same root when nothing is there', () => {
    const input = deepFreeze({ items: [{ card: 'a', sku: 1 }], m: { k1: { s: 1 }, k2: { s: 2 } } });
    expect(updatePath(input, splitPath('items[*].card'), () => REMOVE)).toEqual({ items: [{ sku: 1 }], m: input.m });
    expect(updatePath(input, splitPath('m[*].s'), () => REMOVE)).toEqual({ items: input.items, m: { k1: {}, k2: {} } });
    expect(removePath(input, splitPath('nope.deeper'))).toBe(input);
  });

  it('stores a field called __proto__ as data, never as the prototype', () => {
    const out = setPath({}, ['__proto__', 'polluted'], true) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('setPath over null parents', () => {
  it('replaces a null parent by default, as core.map does', () => {
    expect(setPath({ meta: null }, ['meta', 'info'], 1)).toEqual({ meta: { info: 1 } });
  });

  it('fails on a null parent with nullParents: fail, as the enrichers do, and still creates missing ones', () => {
    const input = deepFreeze({ meta: null, other: 'text' });
    expect(() => setPath(input, ['meta', 'info'], 1, { nullParents: 'fail' })).toThrow(PathError);
    expect(() => setPath(input, ['meta', 'info'], 1, { nullParents: 'fail' })).toThrow('"meta" is null, not a record');
    expect(() => setPath(input, ['other', 'info'], 1, { nullParents: 'fail' })).toThrow('"other" is a string, not a record');
    expect(setPath(input, ['new', 'info'], 1, { nullParents: 'fail' })).toEqual({ meta: null, other: 'text', new: { info: 1 } });
  });
});

describe('isPlainObject and setOwn', () => {
  it('accepts object literals only', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    for (const v of [null, [], new Map(), new Date(0), new Uint8Array(1), 'x', 1]) expect(isPlainObject(v), String(v)).toBe(false);
  });

  it('defines __proto__ as a field', () => {
    const o: Record<string, unknown> = {};
    setOwn(o, '__proto__', { polluted: true });
    setOwn(o, 'a', 1);
    expect(Object.keys(o)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
  });
});
