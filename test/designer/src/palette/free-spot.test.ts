import { describe, expect, it } from 'vitest';
import { freeSpot, STEP_X } from '../../../../designer/src/palette/free-spot';
import { matchesSearch } from '../../../../designer/src/palette/search';
import type { FlowDocument } from '../../../../shared/flow/document';

function flow(positions: Record<string, { x: number; y: number }>): FlowDocument {
  return {
    format: 1,
    id: 'f',
    nodes: Object.fromEntries(Object.keys(positions).map((id) => [id, { type: 'core.log', version: 1 }])),
    layout: { nodes: positions },
  };
}

describe('freeSpot', () => {
  it('is the origin in an empty flow', () => {
    expect(freeSpot({ format: 1, id: 'f', nodes: {} })).toEqual({ x: 0, y: 0 });
  });

  it('goes right of the right-most node on the selected node\'s row', () => {
    const doc = flow({ a: { x: 0, y: 0 }, b: { x: 280, y: 0 }, c: { x: 0, y: 200 }, d: { x: 900, y: 200 } });
    expect(freeSpot(doc, 'a')).toEqual({ x: 280 + STEP_X, y: 0 });
    expect(freeSpot(doc, 'c')).toEqual({ x: 900 + STEP_X, y: 200 });
  });

  it('without a selection, continues the row of the right-most node', () => {
    const doc = flow({ a: { x: 0, y: 0 }, d: { x: 900, y: 200 } });
    expect(freeSpot(doc)).toEqual({ x: 900 + STEP_X, y: 200 });
  });

  it('snaps to the grid', () => {
    const doc = flow({ a: { x: 13, y: 27 } });
    const p = freeSpot(doc, 'a');
    expect(p.x % 20).toBe(0);
    expect(p.y % 20).toBe(0);
  });
});

describe('matchesSearch', () => {
  const def = { title: 'Filter', type: 'core.filter', summary: 'Keeps the records for which a condition is true.' };
  it('matches every word against title, type and summary, ignoring case', () => {
    expect(matchesSearch(def, '')).toBe(true);
    expect(matchesSearch(def, 'FILTER')).toBe(true);
    expect(matchesSearch(def, 'core.fil')).toBe(true);
    expect(matchesSearch(def, 'records condition')).toBe(true);
    expect(matchesSearch(def, 'records kafka')).toBe(false);
  });
});
