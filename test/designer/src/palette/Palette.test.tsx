import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { NODE_TYPE_MIME } from '../../../../designer/src/canvas/clipboard';
import { DesignerProvider } from '../../../../designer/src/context';
import { Palette } from '../../../../designer/src/palette/Palette';
import { PALETTE_GROUPS, registry } from '../../../../designer/src/registry';
import { emptyFlow } from '../../../../designer/src/store/doc-ops';
import { createFlowStore } from '../../../../designer/src/store/flow-store';
import { createRunStore } from '../../../../designer/src/store/run-store';
import { testIds } from '../../../../designer/src/testids';

function renderPalette() {
  const store = createFlowStore(registry, emptyFlow('palette-test'));
  render(
    <DesignerProvider value={{ store, runs: createRunStore(), registry }}>
      <Palette />
    </DesignerProvider>,
  );
  return store;
}

describe('Palette', () => {
  it('groups node types under headings in reading order, leaving out empty groups', () => {
    renderPalette();
    const headings = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent);
    const expected = PALETTE_GROUPS.filter((g) => registry.nodes().some((d) => d.category === g.category)).map((g) => g.title);
    expect(headings).toEqual(expected);
    expect(headings[0]).toBe('Sources');
    expect(headings.at(-1)).toBe('Sinks');
    for (const def of registry.nodes()) expect(screen.getByTestId(testIds.paletteItem(def.type))).toBeTruthy();
  });

  it('shows each type as a button with its title and summary', () => {
    renderPalette();
    const filter = screen.getByTestId(testIds.paletteItem('core.filter'));
    expect(filter.tagName).toBe('BUTTON');
    expect(filter.textContent).toContain('Filter');
    expect(filter.textContent).toContain('Keeps the records for which a condition is true.');
    expect(filter.getAttribute('draggable')).toBe('true');
  });

  it('filters on title, type and summary, and hides groups left empty', () => {
    renderPalette();
    const search = screen.getByRole('searchbox', { name: 'Search node types' });
    fireEvent.change(search, { target: { value: 'kafka' } });
    expect(screen.getByTestId(testIds.paletteItem('kafka.consume'))).toBeTruthy();
    expect(screen.getByTestId(testIds.paletteItem('kafka.produce'))).toBeTruthy();
    expect(screen.queryByTestId(testIds.paletteItem('core.filter'))).toBeNull();
    // "Kafka" is also in the summary of the table enricher.
    expect(screen.getByTestId(testIds.paletteItem('enrich.table'))).toBeTruthy();
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Sources', 'Enrichers', 'Sinks']);
    fireEvent.change(search, { target: { value: 'condition true' } });
    expect(screen.getByTestId(testIds.paletteItem('core.filter'))).toBeTruthy();
    fireEvent.change(search, { target: { value: 'zzzz' } });
    expect(screen.getByText(/No node type matches/)).toBeTruthy();
  });

  it('adds a node with Enter (a click), at the origin first and then to the right, selecting it', () => {
    const store = renderPalette();
    const item = screen.getByTestId(testIds.paletteItem('core.generate'));
    item.focus();
    // Enter on a focused button is a click.
    fireEvent.click(item);
    const first = store.getState().selection.nodes[0]!;
    expect(store.getState().doc.nodes[first]?.type).toBe('core.generate');
    expect(store.getState().doc.layout?.nodes?.[first]).toEqual({ x: 0, y: 0 });
    fireEvent.click(screen.getByTestId(testIds.paletteItem('core.filter')));
    const second = store.getState().selection.nodes[0]!;
    expect(second).not.toBe(first);
    expect(store.getState().doc.layout?.nodes?.[second]).toEqual({ x: 280, y: 0 });
    // With no canvas showing, focus stays on the palette.
    expect(document.activeElement).toBe(item);
  });

  it('moves between items with the arrow keys', () => {
    renderPalette();
    const search = screen.getByRole('searchbox', { name: 'Search node types' });
    search.focus();
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    const buttons = screen.getAllByRole('button');
    expect(document.activeElement).toBe(buttons[0]);
    fireEvent.keyDown(buttons[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(buttons[1]);
    fireEvent.keyDown(buttons[1]!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(buttons[0]);
  });

  it('carries the node type when dragged', () => {
    renderPalette();
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), effectAllowed: 'none' };
    fireEvent.dragStart(screen.getByTestId(testIds.paletteItem('core.map')), { dataTransfer });
    expect(data.get(NODE_TYPE_MIME)).toBe('core.map');
  });

  it('describes each item with its summary for screen readers', () => {
    renderPalette();
    const sources = screen.getByRole('heading', { name: 'Sources' }).closest('section') as HTMLElement;
    const item = within(sources).getByTestId(testIds.paletteItem('core.generate'));
    const desc = document.getElementById(item.getAttribute('aria-describedby') ?? '');
    expect(desc?.textContent).toBe(registry.node('core.generate')?.summary);
  });
});
