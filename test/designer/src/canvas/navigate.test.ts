import { describe, expect, it } from 'vitest';
import { firstNode, nearestInDirection, type Box } from '../../../../designer/src/canvas/navigate';

const box = (id: string, x: number, y: number): Box => ({ id, x, y, width: 200, height: 60 });

//   a ─ b ─ c
//   │       d (lower right)
//   e (below a)
const boxes = [box('a', 0, 0), box('b', 300, 0), box('c', 600, 0), box('d', 600, 300), box('e', 0, 200)];

describe('nearestInDirection', () => {
  it('goes to the nearest node in the same row or column first', () => {
    expect(nearestInDirection('a', 'right', boxes)).toBe('b');
    expect(nearestInDirection('b', 'right', boxes)).toBe('c');
    expect(nearestInDirection('c', 'left', boxes)).toBe('b');
    expect(nearestInDirection('a', 'down', boxes)).toBe('e');
    expect(nearestInDirection('e', 'up', boxes)).toBe('a');
    expect(nearestInDirection('c', 'down', boxes)).toBe('d');
  });

  it('returns nothing when no node lies that way', () => {
    expect(nearestInDirection('a', 'left', boxes)).toBeUndefined();
    expect(nearestInDirection('a', 'up', boxes)).toBeUndefined();
    expect(nearestInDirection('missing', 'right', boxes)).toBeUndefined();
  });

  it('prefers nodes within the 45° cone, then falls back to the rest', () => {
    const steep = box('z', 100, 0); // to the right but mostly up: outside the cone
    const ahead = box('w', 1200, 200); // far, but straight ahead
    expect(nearestInDirection('e', 'right', [box('e', 0, 200), steep, ahead])).toBe('w');
    expect(nearestInDirection('e', 'right', [box('e', 0, 200), steep])).toBe('z');
  });

  it('breaks ties by id so the answer is stable', () => {
    expect(nearestInDirection('e', 'right', [box('e', 0, 200), box('z', 300, 0), box('y', 300, 400)])).toBe('y');
  });
});

describe('firstNode', () => {
  it('is the left-most, then top-most placed node', () => {
    expect(firstNode({ a: { x: 100, y: 0 }, b: { x: 0, y: 50 }, c: { x: 0, y: 10 } }, ['a', 'b', 'c'])).toBe('c');
    expect(firstNode({}, ['x', 'y'])).toBe('x');
    expect(firstNode({}, [])).toBeUndefined();
  });
});
