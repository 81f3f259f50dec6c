import { expect, test } from './support/fixtures';
import { canvasNode, control, dragNode, exportedText, fill, nodePosition, openFlow, save, screenshot, selectNode, toolbar, unsavedMark, zoomToFit } from './support/ui';

const IDS = ['orders', 'big-orders', 'remove-pii', 'by-region', 'eu-log', 'us-file', 'other-file'];

test('after a save, reloading the page shows the same flow, positions and settings', async ({ page, designer }) => {
  await openFlow(page, 'orders-by-region', 'orders');
  await zoomToFit(page);
  await screenshot(page, 'editor-orders');
  const before = await nodePosition(page, 'eu-log');
  await dragNode(page, 'eu-log', 0, -80);
  await expect.poll(() => nodePosition(page, 'eu-log')).not.toEqual(before);
  await selectNode(page, 'us-file');
  await fill(page, '/config/path', '../out/us-orders.jsonl');
  await selectNode(page, 'orders');
  await fill(page, '/label', 'Orders (demo)');
  await fill(page, '/config/count', '120');
  await save(page);

  const positions = await Promise.all(IDS.map((id) => nodePosition(page, id)));
  const text = await exportedText(page);
  expect(await designer.flowText('orders-by-region')).toBe(text);
  const file = JSON.parse(text);
  expect(file.layout.nodes['eu-log']).toEqual(positions[IDS.indexOf('eu-log')]);
  expect(file.nodes['us-file'].config.path).toBe('../out/us-orders.jsonl');

  await page.reload();
  await expect(canvasNode(page, 'orders')).toContainText('Orders (demo)');
  await expect(unsavedMark(page)).toHaveCount(0);
  await expect(toolbar(page).getByRole('button', { name: 'Undo' })).toBeDisabled();
  expect(await Promise.all(IDS.map((id) => nodePosition(page, id)))).toEqual(positions);
  expect(await exportedText(page)).toBe(text);

  await selectNode(page, 'us-file');
  await expect(control(page, '/config/path')).toHaveValue('../out/us-orders.jsonl');
  await selectNode(page, 'orders');
  await expect(control(page, '/label')).toHaveValue('Orders (demo)');
  await expect(control(page, '/config/count')).toHaveValue('120');

  // The code view shows the same file text.
  await toolbar(page).getByRole('button', { name: 'Code' }).click();
  const code = page.locator('[data-code-editor="flow"] .monaco-editor .view-lines');
  await expect(code).toContainText('"id": "orders-by-region"');
  await expect(code).toContainText('"name": "Large orders by region, personal data removed"');
  await screenshot(page, 'code-view');
});
