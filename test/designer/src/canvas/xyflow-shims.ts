/**
 * What React Flow needs from a browser that jsdom lacks (see the React Flow testing guide):
 * ResizeObserver, DOMMatrixReadOnly and element sizes. Import once at the top of a test file.
 */

class ResizeObserverShim {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    this.callback([{ target } as unknown as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
  unobserve() {}
  disconnect() {}
}

class DOMMatrixReadOnlyShim {
  m22: number;
  constructor(transform?: string) {
    const scale = transform?.match(/scale\(([\d.]+)\)/)?.[1];
    this.m22 = scale !== undefined ? Number(scale) : 1;
  }
}

const g = globalThis as Record<string, unknown>;
g.ResizeObserver ??= ResizeObserverShim;
g.DOMMatrixReadOnly ??= DOMMatrixReadOnlyShim;

// Nodes are "measured" from offsetWidth/Height; give every element a size so they show.
Object.defineProperties(HTMLElement.prototype, {
  offsetHeight: { configurable: true, get() { return parseFloat((this as HTMLElement).style.height) || 60; } },
  offsetWidth: { configurable: true, get() { return parseFloat((this as HTMLElement).style.width) || 220; } },
});
(SVGElement.prototype as unknown as { getBBox(): DOMRect }).getBBox = () => ({ x: 0, y: 0, width: 0, height: 0 }) as DOMRect;
