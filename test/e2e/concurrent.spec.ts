import { expect, test } from './support/fixtures';
import { canvasNode, fill, openFlow, save, saveButton, selectNode, unsavedMark } from './support/ui';

test('two tabs edit the same flow: the second save meets the conflict dialog, then overwrites on request', async ({ page, context, designer }) => {
  const second = await context.newPage();
  await openFlow(page, 'orders-by-region', 'big-orders');
  await openFlow(second, 'orders-by-region', 'big-orders');

  await selectNode(page, 'big-orders');
  await fill(page, '/label', 'Big orders (first tab)');
  await selectNode(second, 'by-region');
  await fill(second, '/label', 'Regions (second tab)');

  await save(page);
  expect((await designer.flow('orders-by-region')).nodes['big-orders'].label).toBe('Big orders (first tab)');

  // The second tab loaded the old version: its save is refused and the dialog explains.
  await saveButton(second).click();
  const conflict = second.getByRole('alertdialog', { name: 'Someone else saved this flow' });
  await expect(conflict).toBeVisible();
  await expect(unsavedMark(second)).toBeVisible();
  const onDisk = await designer.flow('orders-by-region');
  expect(onDisk.nodes['big-orders'].label).toBe('Big orders (first tab)');
  expect(onDisk.nodes['by-region'].label).toBe('By region');

  // Cancel keeps the second tab's edit unsaved; saving again asks again; Overwrite wins.
  await conflict.getByRole('button', { name: 'Cancel' }).click();
  await expect(conflict).toHaveCount(0);
  await expect(canvasNode(second, 'by-region')).toContainText('Regions (second tab)');
  await saveButton(second).click();
  await expect(conflict).toBeVisible();
  await conflict.getByRole('button', { name: 'Overwrite' }).click();
  await expect(conflict).toHaveCount(0);
  await expect(unsavedMark(second)).toHaveCount(0);
  const overwritten = await designer.flow('orders-by-region');
  expect(overwritten.nodes['by-region'].label).toBe('Regions (second tab)');
  expect(overwritten.nodes['big-orders'].label).toBe('Total over 1000');

  // The first tab is now the stale one; Reload takes the version on disk.
  await selectNode(page, 'eu-log');
  await fill(page, '/label', 'EU log (first tab again)');
  await saveButton(page).click();
  const again = page.getByRole('alertdialog', { name: 'Someone else saved this flow' });
  await expect(again).toBeVisible();
  await again.getByRole('button', { name: 'Reload' }).click();
  await expect(again).toHaveCount(0);
  await expect(canvasNode(page, 'by-region')).toContainText('Regions (second tab)');
  await expect(canvasNode(page, 'eu-log')).toContainText('EU orders (log)');
  await expect(unsavedMark(page)).toHaveCount(0);
  await second.close();
});
