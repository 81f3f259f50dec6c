import { getNodesBounds, getViewportForBounds, type Node } from '@xyflow/react';
import { toPng, toSvg } from 'html-to-image';

const PADDING = 40;
/** Browsers refuse canvases much larger than this; big flows are scaled down to fit. */
const MAX_SIDE = 8000;

/**
 * Draws the flow's viewport element framed to the nodes' bounds (React Flow's "download image"
 * recipe) and downloads it as `<flowId>.png` or `.svg`. Fonts are not embedded: nothing is
 * fetched, and the system fonts the canvas uses are present wherever the image is opened.
 */
export async function exportImage(kind: 'png' | 'svg', flowId: string, nodes: Node[], viewport: HTMLElement): Promise<void> {
  const bounds = getNodesBounds(nodes);
  const scale = Math.min(1, MAX_SIDE / Math.max(bounds.width + 2 * PADDING, bounds.height + 2 * PADDING, 1));
  const width = Math.max(200, Math.ceil((bounds.width + 2 * PADDING) * scale));
  const height = Math.max(120, Math.ceil((bounds.height + 2 * PADDING) * scale));
  const vp = getViewportForBounds(bounds, width, height, 0.01, 2, `${PADDING * scale}px`);
  const options = {
    backgroundColor: '#ffffff',
    width,
    height,
    skipFonts: true,
    pixelRatio: 1,
    filter: (el: HTMLElement) => !el.classList?.contains('canvas-edge-tip'),
    style: { width: `${width}px`, height: `${height}px`, transform: `translate(${vp.x}px, ${vp.y}px) scale(${vp.zoom})` },
  };
  const url = kind === 'png' ? await toPng(viewport, options) : await toSvg(viewport, options);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${flowId}.${kind}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
}
