import { describe, expect, it } from 'vitest';
import { jsonLine, toJsonValue } from '../../../../shared/nodes/core/lib/json';

describe('JSON values (shared/nodes/core/lib/json)', () => {
  it('keeps a key called __proto__ as a field, from objects and from Maps', () => {
    const fromObject = toJsonValue(JSON.parse('{"__proto__": {"n": 1}, "big": 1}', (k, v) => (k === 'big' ? 1n : v))) as object;
    const fromMap = toJsonValue(new Map<string, unknown>([['__proto__', { n: 1 }], ['big', 1n]])) as object;
    for (const v of [fromObject, fromMap]) {
      expect(Object.keys(v)).toEqual(['__proto__', 'big']);
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(jsonLine(v)).toBe('{"__proto__":{"n":1},"big":1}');
    }
  });
});
