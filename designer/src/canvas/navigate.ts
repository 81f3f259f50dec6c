/**
 * Keyboard movement between nodes: the arrow keys go to the nearest node in that direction.
 */

export type Direction = 'left' | 'right' | 'up' | 'down';

export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export const ARROW_DIRECTIONS: Record<string, Direction> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
};

/**
 * The node nearest to `fromId` in `direction`, or undefined when there is none. Nodes within a
 * 45° cone of the direction are preferred; sideways distance counts double, so "right" keeps to
 * the same row before jumping to another. Ties go to the smaller id, so the answer is stable.
 */
export function nearestInDirection(fromId: string, direction: Direction, boxes: readonly Box[]): string | undefined {
  const from = boxes.find((b) => b.id === fromId);
  if (!from) return undefined;
  const cx = from.x + from.width / 2;
  const cy = from.y + from.height / 2;
  let best: { id: string; cone: boolean; score: number } | undefined;
  for (const b of boxes) {
    if (b.id === fromId) continue;
    const dx = b.x + b.width / 2 - cx;
    const dy = b.y + b.height / 2 - cy;
    const along = direction === 'right' ? dx : direction === 'left' ? -dx : direction === 'down' ? dy : -dy;
    const across = Math.abs(direction === 'left' || direction === 'right' ? dy : dx);
    if (along <= 0) continue;
    const cone = across <= along;
    const score = along + 2 * across;
    const better =
      !best ||
      (cone && !best.cone) ||
      (cone === best.cone && (score < best.score || (score === best.score && b.id < best.id)));
    if (better) best = { id: b.id, cone, score };
  }
  return best?.id;
}

/**
 * The node Tab reaches first when nothing on the canvas was focused yet: the left-most, then
 * top-most placed node (document order for nodes without a position).
 */
export function firstNode(positions: Readonly<Record<string, { x: number; y: number }>>, ids: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const id of ids) {
    if (best === undefined) {
      best = id;
      continue;
    }
    const p = positions[id];
    const q = positions[best];
    if (!p) continue;
    if (!q || p.x < q.x || (p.x === q.x && p.y < q.y)) best = id;
  }
  return best;
}
