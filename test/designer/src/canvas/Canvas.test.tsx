import './xyflow-shims';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { Canvas } from '../../../../designer/src/canvas/Canvas';
import { CLIPBOARD_KEY, NODE_TYPE_MIME } from '../../../../designer/src/canvas/clipboard';
import { DesignerProvider } from '../../../../designer/src/context';
import { Palette } from '../../../../designer/src/palette/Palette';
import { registry } from '../../../../designer/src/registry';
import { createFlowStore, type FlowStore } from '../../../../designer/src/store/flow-store';
import { createRunStore, type RunStore } from '../../../../designer/src/store/run-store';
import { testIds } from '../../../../designer/src/testids';
import type { FlowDocument } from '../../../../shared/flow/document';
import { sampleFlow } from './fixtures';

function renderCanvas(doc: FlowDocument = sampleFlow()) {
  const store = createFlowStore(registry, doc);
  const runs = createRunStore();
  const view = render(
    <div style={{ width: '1000px', height: '700px' }}>
      <DesignerProvider value={{ store, runs, registry }}>
        <Canvas />
      </DesignerProvider>
    </div>,
  );
  return { store, runs, ...view };
}

/** React Flow's wrapper of a node: the element that takes focus and key presses. */
function wrapperOf(id: string): HTMLElement {
  return screen.getByTestId(testIds.node(id)).closest('.react-flow__node') as HTMLElement;
}

function positionsOf(store: FlowStore) {
  return store.getState().doc.layout?.nodes ?? {};
}

beforeEach(() => localStorage.clear());

describe('FlowNode', () => {
  it('draws each node with its label, type title and icon', () => {
    renderCanvas();
    const node = screen.getByTestId(testIds.node('big'));
    expect(node.textContent).toContain('Big orders');
    expect(node.textContent).toContain('Filter');
    expect(node.querySelector('svg')).not.toBeNull();
  });

  it('shows a label as text, never as markup', () => {
    const doc = sampleFlow();
    doc.nodes.big!.label = '<img src=x onerror=alert(1)>';
    const { container } = renderCanvas(doc);
    expect(screen.getByTestId(testIds.node('big')).textContent).toContain('<img src=x onerror=alert(1)>');
    expect(container.querySelector('img')).toBeNull();
  });

  it('has a handle per port, named after it, and labels the ports of a node with several', () => {
    renderCanvas();
    const split = screen.getByTestId(testIds.node('split'));
    const outs = [...split.querySelectorAll('.react-flow__handle.source')].map((h) => h.getAttribute('data-handleid'));
    expect(outs).toEqual(['eu', 'us', 'otherwise']);
    expect([...split.querySelectorAll('.react-flow__handle.target')].map((h) => h.getAttribute('data-handleid'))).toEqual(['in']);
    expect(within(split).getByText('otherwise')).toBeTruthy();
    // A single-port node carries no port names.
    expect(screen.getByTestId(testIds.node('big')).querySelector('.canvas-port-name')).toBeNull();
  });

  it('shows a problem badge with the count and messages, only on nodes with problems', async () => {
    const doc = sampleFlow();
    doc.nodes.big!.config = { when: 'total >' };
    renderCanvas(doc);
    const badge = await screen.findByTestId(testIds.nodeBadge('big'));
    expect(Number(badge.textContent)).toBeGreaterThanOrEqual(1);
    expect(badge.className).toContain('canvas-node-badge--error');
    expect(badge.getAttribute('title')).toMatch(/^Error: /);
    expect(screen.queryByTestId(testIds.nodeBadge('orders'))).toBeNull();
  });

  it('updates the badge when the problem is fixed, and keeps it while nodes only move', async () => {
    const doc = sampleFlow();
    doc.nodes.big!.config = { when: 'total >' };
    const { store } = renderCanvas(doc);
    const badge = await screen.findByTestId(testIds.nodeBadge('big'));
    act(() => store.getState().moveNodes({ big: { x: 300, y: 20 } }));
    expect(screen.getByTestId(testIds.nodeBadge('big'))).toBe(badge);
    act(() => store.getState().setNodeConfig('big', { when: 'total > 5.0' }));
    await waitFor(() => expect(screen.queryByTestId(testIds.nodeBadge('big'))).toBeNull());
  });

  it('shows live counts only while there are some', () => {
    const { runs } = renderCanvas();
    expect(screen.queryByTestId(testIds.nodeCounts('big'))).toBeNull();
    act(() => (runs as RunStore).setState({ counters: { big: { in: 12, out: 10, dropped: 2, errors: 0 } } }));
    expect(screen.getByTestId(testIds.nodeCounts('big')).textContent).toBe('in 12 · out 10 · dropped 2 · errors 0');
    expect(screen.queryByTestId(testIds.nodeCounts('orders'))).toBeNull();
  });

  it('draws a node of an unknown type instead of failing', () => {
    const doc = sampleFlow();
    doc.nodes.mystery = { type: 'acme.teleport', version: 1, label: 'Mystery' };
    renderCanvas(doc);
    const node = screen.getByTestId(testIds.node('mystery'));
    expect(node.textContent).toContain('Unknown type "acme.teleport"');
    expect(node.className).toContain('canvas-node--unknown');
  });
});

describe('Canvas', () => {
  it('draws the notes and the edges of the document', () => {
    const { container } = renderCanvas();
    expect(screen.getByText('Remember the EU rules')).toBeTruthy();
    expect(container.querySelector('.react-flow__edge[data-id="split:eu->eu-log:in"]')).not.toBeNull();
    expect(container.querySelectorAll('.react-flow__edge')).toHaveLength(4);
  });

  it('has the in-canvas tools', () => {
    renderCanvas();
    for (const name of ['Auto-layout', 'Zoom to fit', 'Add note', 'Export PNG', 'Export SVG']) expect(screen.getByRole('button', { name })).toBeTruthy();
  });

  it('syncs the selection both ways', () => {
    const { store } = renderCanvas();
    fireEvent.click(wrapperOf('big'));
    expect(store.getState().selection.nodes).toEqual(['big']);
    act(() => store.getState().select({ nodes: ['split'], edges: [], notes: [] }));
    expect(wrapperOf('split').classList.contains('selected')).toBe(true);
    expect(wrapperOf('big').classList.contains('selected')).toBe(false);
  });

  it('deletes the selection with Delete as one undo step', () => {
    const { store } = renderCanvas();
    act(() => store.getState().select({ nodes: ['big', 'split'], edges: [], notes: [] }));
    fireEvent.keyDown(wrapperOf('big'), { key: 'Delete' });
    expect(Object.keys(store.getState().doc.nodes).sort()).toEqual(['eu-log', 'orders', 'us-file']);
    expect(screen.queryByTestId(testIds.node('big'))).toBeNull();
    act(() => store.temporal.getState().undo());
    expect(Object.keys(store.getState().doc.nodes)).toHaveLength(5);
  });

  it('moves the selection to the nearest node with the arrow keys, without moving nodes', () => {
    const { store } = renderCanvas();
    const before = positionsOf(store);
    const orders = wrapperOf('orders');
    orders.focus();
    fireEvent.keyDown(orders, { key: 'ArrowRight' });
    expect(store.getState().selection.nodes).toEqual(['big']);
    expect(positionsOf(store)).toEqual(before);
    fireEvent.keyDown(wrapperOf('big'), { key: 'ArrowLeft' });
    expect(store.getState().selection.nodes).toEqual(['orders']);
  });

  it('gives the canvas one tab stop', () => {
    renderCanvas();
    const tabbable = [...document.querySelectorAll('.react-flow__node')].filter((n) => n.getAttribute('tabindex') === '0');
    expect(tabbable.map((n) => n.getAttribute('data-id'))).toEqual(['orders']);
  });

  it('opens "Connect to…" with the C key and connects the chosen target', () => {
    const { store } = renderCanvas();
    const split = wrapperOf('split');
    split.focus();
    fireEvent.keyDown(split, { key: 'c' });
    const menu = screen.getByRole('menu');
    const items = within(menu).getAllByRole('menuitem');
    expect(items.map((i) => i.textContent)).toContain('otherwise → EU log');
    expect(items.map((i) => i.textContent)).not.toContain('eu → EU log');
    expect(document.activeElement).toBe(items[0]);
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[1]);
    fireEvent.click(within(menu).getByText('otherwise → EU log'));
    expect(store.getState().doc.edges).toContainEqual({ from: 'split:otherwise', to: 'eu-log:in' });
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('removes a connection from the same menu, without a mouse', () => {
    const { store } = renderCanvas();
    const split = wrapperOf('split');
    split.focus();
    fireEvent.keyDown(split, { key: 'c' });
    const menu = screen.getByRole('menu');
    const before = store.getState().doc.edges ?? [];
    const incoming = before.find((e) => e.to === 'split:in');
    expect(incoming).toBeDefined();
    const item = within(menu).getAllByRole('menuitem').find((i) => i.textContent?.startsWith('Disconnect from') && i.textContent.includes('→ in)'));
    expect(item).toBeDefined();
    fireEvent.click(item as HTMLElement);
    expect(store.getState().doc.edges ?? []).not.toContainEqual(incoming);
    expect((store.getState().doc.edges ?? []).length).toBe(before.length - 1);
    act(() => store.temporal.getState().undo());
    expect(store.getState().doc.edges).toContainEqual(incoming);
  });

  it('copies to local storage and pastes from it', () => {
    const { store } = renderCanvas();
    act(() => store.getState().select({ nodes: ['big'], edges: [], notes: [] }));
    const big = wrapperOf('big');
    big.focus();
    fireEvent.keyDown(big, { key: 'c', ctrlKey: true });
    expect(JSON.parse(localStorage.getItem(CLIPBOARD_KEY) ?? '{}').nodes.big.label).toBe('Big orders');
    act(() => {
      document.dispatchEvent(new Event('paste'));
    });
    const ids = Object.keys(store.getState().doc.nodes);
    expect(ids).toHaveLength(6);
    const pasted = store.getState().selection.nodes[0]!;
    expect(pasted).not.toBe('big');
    expect(positionsOf(store)[pasted]).toEqual({ x: 320, y: 40 });
  });

  it('ignores clipboard text that is not a Sluice fragment', () => {
    const { store } = renderCanvas();
    localStorage.setItem(CLIPBOARD_KEY, JSON.stringify({ sluiceFragment: 1, nodes: 'nope' }));
    wrapperOf('big').focus();
    act(() => {
      document.dispatchEvent(new Event('paste'));
    });
    expect(Object.keys(store.getState().doc.nodes)).toHaveLength(5);
  });

  it('adds a node dropped from the palette', () => {
    const { store, container } = renderCanvas();
    const data = new Map([[NODE_TYPE_MIME, 'core.map']]);
    const dataTransfer = { types: [NODE_TYPE_MIME], getData: (t: string) => data.get(t) ?? '', dropEffect: 'none' };
    const canvas = container.querySelector('.canvas') as HTMLElement;
    fireEvent.dragOver(canvas, { dataTransfer, clientX: 100, clientY: 100 });
    fireEvent.drop(canvas, { dataTransfer, clientX: 100, clientY: 100 });
    const added = Object.entries(store.getState().doc.nodes).find(([, n]) => n.type === 'core.map');
    expect(added).toBeDefined();
    expect(store.getState().selection.nodes).toEqual([added![0]]);
    const at = positionsOf(store)[added![0]]!;
    expect(Number.isFinite(at.x) && Number.isFinite(at.y)).toBe(true);
  });

  it('adds a sticky note and edits it in place', () => {
    const { store } = renderCanvas();
    fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    const box = screen.getByRole('textbox', { name: 'Note text' });
    fireEvent.change(box, { target: { value: 'Ask the DPO' } });
    fireEvent.blur(box);
    const texts = Object.values(store.getState().doc.layout?.notes ?? {}).map((n) => n.text);
    expect(texts).toContain('Ask the DPO');
  });
});

describe('Canvas with the palette', () => {
  it('moves keyboard focus to a node added from the palette', async () => {
    const store = createFlowStore(registry, sampleFlow());
    render(
      <div style={{ width: '1000px', height: '700px' }}>
        <DesignerProvider value={{ store, runs: createRunStore(), registry }}>
          <Palette />
          <Canvas />
        </DesignerProvider>
      </div>,
    );
    const item = screen.getByTestId(testIds.paletteItem('core.log'));
    item.focus();
    fireEvent.click(item);
    const id = store.getState().selection.nodes[0]!;
    expect(store.getState().doc.nodes[id]?.type).toBe('core.log');
    await waitFor(() => expect(document.activeElement).toBe(wrapperOf(id)));
    // The new node is now the canvas's tab stop.
    expect(wrapperOf(id).getAttribute('tabindex')).toBe('0');
  });
});

describe('Canvas keyboard moves', () => {
  it('moves the selected nodes one grid step with Shift+arrow, as one undo step per press', () => {
    const { store } = renderCanvas();
    act(() => store.getState().select({ nodes: ['big'], edges: [], notes: [] }));
    const big = wrapperOf('big');
    big.focus();
    fireEvent.keyDown(big, { key: 'ArrowDown', shiftKey: true });
    expect(positionsOf(store).big).toEqual({ x: 280, y: 20 });
    expect(store.getState().selection.nodes).toEqual(['big']);
    act(() => store.temporal.getState().undo());
    expect(positionsOf(store).big).toEqual({ x: 280, y: 0 });
  });
});
