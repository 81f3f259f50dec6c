import type { FlowDocument } from '../../../shared/flow/document';
import { snap, type Point } from '../store/doc-ops';
import { NODE_WIDTH } from '../canvas/ports';

/** Horizontal step between a node and the next one added after it. */
export const STEP_X = NODE_WIDTH + 60;
/** Nodes this close vertically count as the same row. */
const ROW_TOLERANCE = 60;

/**
 * Where a node added from the palette (by click or Enter) goes: on the row of the selected node,
 * or of the right-most node when nothing is selected, to the right of the right-most node on that
 * row; at the origin in an empty flow. Snapped to the grid, so adding several nodes in a row
 * builds a readable chain from left to right.
 */
export function freeSpot(doc: FlowDocument, selected?: string): Point {
  const positions = doc.layout?.nodes ?? {};
  const placed = Object.keys(doc.nodes).flatMap((id) => (positions[id] ? [{ id, ...positions[id] }] : []));
  if (!placed.length) return { x: 0, y: 0 };
  const anchor =
    (selected !== undefined ? placed.find((p) => p.id === selected) : undefined) ??
    placed.reduce((best, p) => (p.x > best.x || (p.x === best.x && p.y < best.y) ? p : best));
  const row = placed.filter((p) => Math.abs(p.y - anchor.y) < ROW_TOLERANCE);
  const right = Math.max(...row.map((p) => p.x));
  return snap({ x: right + STEP_X, y: anchor.y });
}
