import { describe, expect, it } from 'vitest';
import { checkExpression } from '../../../../shared/expr/cel';
import { celMarkers, offsetOf, position } from '../../../../designer/src/expr/cel-markers';
import { ORDER_SCHEMA } from '../monaco/harness';

describe('celMarkers', () => {
  it('puts an issue on line 2 at its line and columns', () => {
    const source = 'total > 1.0 &&\n  totl < 2.0';
    const issues = checkExpression(source, ORDER_SCHEMA, { resultType: 'bool' });
    expect(issues[0]).toMatchObject({ line: 2, column: 3 });
    const [m] = celMarkers(source, issues);
    expect(m).toMatchObject({ startLineNumber: 2, startColumn: 3, endLineNumber: 2, endColumn: 7 });
    expect(m!.message).toContain('totl');
  });

  it('falls back to line and column when the issue has no offset', () => {
    const [m] = celMarkers('a\nbc', [{ message: 'x', line: 2, column: 2 }]);
    expect(m).toMatchObject({ startLineNumber: 2, startColumn: 2, endLineNumber: 2, endColumn: 3 });
  });

  it('underlines the last character for a problem at the very end', () => {
    const [m] = celMarkers('total >', [{ message: 'ends early', line: 1, column: 8, offset: 7, length: 0 }]);
    expect(m).toMatchObject({ startLineNumber: 1, startColumn: 7, endColumn: 8 });
  });

  it('converts between offsets and positions both ways', () => {
    const s = 'ab\ncd\nef';
    expect(position(s, 4)).toEqual({ line: 2, column: 2 });
    expect(offsetOf(s, 2, 2)).toBe(4);
    expect(offsetOf(s, 9, 1)).toBe(s.length);
  });
});
