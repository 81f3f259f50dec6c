import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { canvasNode, field, nodeWrapper, paletteItem, pressUntilFocused, unsavedMark } from './support/ui';

/**
 * Reaches the palette's search with Tab / Shift+Tab, searches, adds the type with Enter, and
 * goes on to the new node on the canvas (Tab reaches it: the canvas's one tab stop is the node
 * last added or selected).
 */
async function addFromPalette(page: Page, query: string, type: string, id: string, backwards: boolean): Promise<void> {
  const search = page.getByRole('searchbox', { name: 'Search node types' });
  await pressUntilFocused(page, backwards ? 'Shift+Tab' : 'Tab', search);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(query);
  await pressUntilFocused(page, 'ArrowDown', paletteItem(page, type), 20);
  await page.keyboard.press('Enter');
  await expect(nodeWrapper(page, id)).toHaveClass(/\bselected\b/);
  await pressUntilFocused(page, 'Tab', nodeWrapper(page, id));
}

/** Opens "Connect to…" on the focused node (C) and picks the entry for `target`. */
async function connectFocusedTo(page: Page, from: string, target: string): Promise<void> {
  await expect(nodeWrapper(page, from)).toBeFocused();
  await page.keyboard.press('c');
  const menu = page.getByRole('menu', { name: /^Connect .* to$/ });
  await expect(menu).toBeVisible();
  await pressUntilFocused(page, 'ArrowDown', menu.getByRole('menuitem', { name: `→ ${target}` }), 20);
  await page.keyboard.press('Enter');
  await expect(menu).toHaveCount(0);
}

test('keyboard only: new flow, three nodes from the palette, Connect to…, a required field, Ctrl+S', async ({ page, designer }) => {
  // No mouse: every step is a key press, and the page counts pointer presses to prove it.
  await page.addInitScript(() => {
    const w = window as unknown as { pointerPresses: number };
    w.pointerPresses = 0;
    addEventListener('pointerdown', () => w.pointerPresses++, true);
    addEventListener('mousedown', () => w.pointerPresses++, true);
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Flows' })).toBeVisible();
  await pressUntilFocused(page, 'Tab', page.getByRole('button', { name: 'New flow' }));
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New flow' });
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await page.keyboard.type('Typed, never clicked');
  await expect(dialog.getByLabel('Id')).toHaveValue('typed-never-clicked');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/flows\/typed-never-clicked$/);

  await addFromPalette(page, 'generate', 'core.generate', 'generate', false);
  await addFromPalette(page, 'filter', 'core.filter', 'filter', true);
  await addFromPalette(page, 'log', 'core.log', 'log', true);

  // Arrow keys walk the canvas; "Connect to…" draws the edges.
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await connectFocusedTo(page, 'generate', 'Filter');
  await page.keyboard.press('ArrowRight');
  await connectFocusedTo(page, 'filter', 'Log');
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);

  // The filter's condition is required: Tab into its expression editor and type it.
  await expect(nodeWrapper(page, 'filter')).toBeFocused();
  await pressUntilFocused(page, 'Tab', field(page, '/config/when').locator('.monaco-editor textarea'));
  await page.keyboard.type('true');
  await expect(canvasNode(page, 'filter')).toBeVisible();

  await page.keyboard.press('ControlOrMeta+s');
  await expect(unsavedMark(page)).toHaveCount(0);

  expect(await page.evaluate(() => (window as unknown as { pointerPresses: number }).pointerPresses)).toBe(0);

  const saved = await designer.flow('typed-never-clicked');
  expect(saved).toMatchObject({
    format: 1,
    id: 'typed-never-clicked',
    name: 'Typed, never clicked',
    nodes: {
      generate: { type: 'core.generate', version: 1, label: 'Generate' },
      filter: { type: 'core.filter', version: 1, label: 'Filter', config: { when: 'true' } },
      log: { type: 'core.log', version: 1, label: 'Log' },
    },
    edges: [
      { from: 'filter:out', to: 'log:in' },
      { from: 'generate:out', to: 'filter:in' },
    ],
  });
  expect(Object.keys(saved.nodes)).toHaveLength(3);
  // Added one after another, each to the right of the last: one row, left to right.
  const at = saved.layout.nodes;
  expect(at.generate.y).toBe(at.filter.y);
  expect(at.filter.y).toBe(at.log.y);
  expect(at.generate.x).toBeLessThan(at.filter.x);
  expect(at.filter.x).toBeLessThan(at.log.x);
});

test('Enter on a palette item adds the node and puts the keyboard focus on it', async ({ page }) => {
  // The palette's promise: the next keys (arrows, C for "Connect to…") act on the new node.
  await page.goto('/#/flows/orders-by-region');
  await expect(nodeWrapper(page, 'orders')).toBeVisible();
  await paletteItem(page, 'core.log').focus();
  await page.keyboard.press('Enter');
  await expect(nodeWrapper(page, 'log')).toHaveClass(/\bselected\b/);
  await expect(nodeWrapper(page, 'log')).toBeFocused();
});
