import type { Box } from './navigate';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Top-left corner for something of `size` inside the visible `view` (flow coordinates) that
 * covers none of `taken`: scanned row by row from the top-left on a grid step, with a margin.
 * Falls back to the middle of the view when everything is covered.
 */
export function freeSpotInView(view: Rect, size: { width: number; height: number }, taken: readonly Box[], margin = 20): { x: number; y: number } {
  // At most about 40 × 40 candidates, however far the view is zoomed out.
  const step = Math.max(20, Math.ceil(Math.max(view.width, view.height) / 40 / 20) * 20);
  for (let y = view.y + margin; y + size.height <= view.y + view.height - margin; y += step) {
    for (let x = view.x + margin; x + size.width <= view.x + view.width - margin; x += step) {
      const r = { x, y, width: size.width + margin, height: size.height + margin };
      if (!taken.some((t) => overlaps(r, t))) return { x, y };
    }
  }
  return { x: view.x + view.width / 2 - size.width / 2, y: view.y + view.height / 2 - size.height / 2 };
}
