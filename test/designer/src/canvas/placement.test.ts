import { describe, expect, it } from 'vitest';
import { freeSpotInView } from '../../../../designer/src/canvas/placement';

describe('freeSpotInView', () => {
  const view = { x: 0, y: 0, width: 1000, height: 600 };
  const size = { width: 200, height: 100 };

  it('takes the top-left corner of the view when it is free', () => {
    expect(freeSpotInView(view, size, [])).toEqual({ x: 20, y: 20 });
  });

  it('does not cover existing nodes', () => {
    const taken = [{ id: 'a', x: 0, y: 0, width: 600, height: 200 }];
    const p = freeSpotInView(view, size, taken);
    const covers = p.x < 600 && p.x + size.width > 0 && p.y < 200 && p.y + size.height > 0;
    expect(covers).toBe(false);
    expect(p.y).toBe(20);
    expect(p.x).toBeGreaterThanOrEqual(600);
  });

  it('falls back to the middle when the view is full', () => {
    expect(freeSpotInView(view, size, [{ id: 'all', x: -10, y: -10, width: 2000, height: 2000 }])).toEqual({ x: 400, y: 250 });
  });
});
