import { expect, test } from './support/fixtures';
import { canvasNode, dragNode, exportedDoc, fill, openFlow, pane, paletteItem, selectNode, toolbar, zoomToFit } from './support/ui';

test('add, move and relabel are one undo step each, undone and redone with keys and buttons', async ({ page }) => {
  await openFlow(page, 'orders-by-region', 'orders');
  const undoButton = toolbar(page).getByRole('button', { name: 'Undo' });
  const redoButton = toolbar(page).getByRole('button', { name: 'Redo' });
  await expect(undoButton).toBeDisabled();
  await expect(redoButton).toBeDisabled();
  const start = await exportedDoc(page);

  // 1. Add a node (palette click).
  await paletteItem(page, 'core.log').click();
  await expect(canvasNode(page, 'log')).toBeVisible();
  const added = await exportedDoc(page);
  expect(Object.keys(added.nodes)).toHaveLength(Object.keys(start.nodes).length + 1);
  expect(added.nodes.log).toMatchObject({ type: 'core.log', version: 1 });

  // 2. Move a node (one drag).
  await zoomToFit(page);
  await dragNode(page, 'big-orders', 0, 140);
  await expect.poll(async () => (await exportedDoc(page)).layout.nodes['big-orders']).not.toEqual(added.layout.nodes['big-orders']);
  const moved = await exportedDoc(page);
  expect(moved.layout.nodes['big-orders'].x).toBe(added.layout.nodes['big-orders'].x);
  expect(moved.layout.nodes['big-orders'].y).toBeGreaterThan(added.layout.nodes['big-orders'].y);
  expect({ ...moved, layout: undefined }).toEqual({ ...added, layout: undefined });

  // 3. Edit a label (typing in the inspector).
  await selectNode(page, 'by-region');
  await fill(page, '/label', 'Route by region');
  await expect(canvasNode(page, 'by-region')).toContainText('Route by region');
  const relabelled = await exportedDoc(page);
  expect(relabelled.nodes['by-region'].label).toBe('Route by region');

  // Undo: Ctrl+Z on the canvas (a text field keeps Ctrl+Z for its own typing), then the button.
  await pane(page).click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('ControlOrMeta+z');
  await expect(canvasNode(page, 'by-region')).toContainText('By region');
  expect(await exportedDoc(page)).toEqual(moved);

  await undoButton.click();
  expect(await exportedDoc(page)).toEqual(added);

  await page.keyboard.press('ControlOrMeta+z');
  await expect(canvasNode(page, 'log')).toHaveCount(0);
  expect(await exportedDoc(page)).toEqual(start);
  await expect(undoButton).toBeDisabled();

  // Redo: Ctrl+Y, the button, Ctrl+Shift+Z.
  await pane(page).click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('ControlOrMeta+y');
  await expect(canvasNode(page, 'log')).toBeVisible();
  expect(await exportedDoc(page)).toEqual(added);

  await redoButton.click();
  expect(await exportedDoc(page)).toEqual(moved);

  await pane(page).click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('ControlOrMeta+Shift+z');
  await expect(canvasNode(page, 'by-region')).toContainText('Route by region');
  expect(await exportedDoc(page)).toEqual(relabelled);
  await expect(redoButton).toBeDisabled();
});
