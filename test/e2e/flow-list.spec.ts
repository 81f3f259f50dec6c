import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './support/fixtures';
import { flowRow, screenshot, toolbar } from './support/ui';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

test('flow list: search, create, duplicate, rename and delete with confirmation', async ({ page, designer }) => {
  const file = (id: string) => join(designer.flowsDir, `${id}.flow.json`);
  await page.goto('/');
  const rows = page.locator('tbody tr');
  await expect(flowRow(page, 'orders-by-region')).toContainText('Large orders by region, personal data removed');
  const all = await rows.count();
  expect(all).toBeGreaterThanOrEqual(7);
  await screenshot(page, 'flow-list');

  // Search matches names, ids and descriptions.
  const search = page.getByRole('searchbox', { name: 'Search flows' });
  await search.fill('payments');
  await expect(rows).toHaveCount(2);
  await expect(flowRow(page, 'payments-with-dead-letters')).toBeVisible();
  await expect(flowRow(page, 'mq-payments-to-kafka')).toBeVisible();
  await search.fill('no flow is called this');
  await expect(rows).toHaveCount(0);
  await expect(page.getByText('No flows match')).toBeVisible();
  await search.fill('');
  await expect(rows).toHaveCount(all);

  // Create: the id follows the name; the new flow opens in the editor.
  await page.getByRole('button', { name: 'New flow' }).click();
  const create = page.getByRole('dialog', { name: 'New flow' });
  await create.getByLabel('Name').fill('Returns to check');
  await expect(create.getByLabel('Id')).toHaveValue('returns-to-check');
  await create.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/#\/flows\/returns-to-check$/);
  await expect(toolbar(page).getByLabel('Flow name')).toHaveValue('Returns to check');
  expect(await designer.flow('returns-to-check')).toEqual({ format: 1, id: 'returns-to-check', name: 'Returns to check', nodes: {} });
  await toolbar(page).getByRole('link', { name: 'Flows' }).click();
  await expect(rows).toHaveCount(all + 1);

  // Duplicate: same nodes under a new id and name.
  await flowRow(page, 'orders-by-region').getByRole('button', { name: 'Duplicate' }).click();
  const duplicate = page.getByRole('dialog', { name: /^Duplicate/ });
  await expect(duplicate.getByLabel('Name')).toHaveValue('Large orders by region, personal data removed (copy)');
  await expect(duplicate.getByLabel('Id')).toHaveValue('orders-by-region-copy');
  await duplicate.getByRole('button', { name: 'Duplicate' }).click();
  await expect(flowRow(page, 'orders-by-region-copy')).toBeVisible();
  const original = await designer.flow('orders-by-region');
  const copy = await designer.flow('orders-by-region-copy');
  expect(copy).toEqual({ ...original, id: 'orders-by-region-copy', name: 'Large orders by region, personal data removed (copy)' });

  // Rename, name and id: a new file, the old one gone.
  await flowRow(page, 'orders-by-region-copy').getByRole('button', { name: 'Rename' }).click();
  const rename = page.getByRole('dialog', { name: /^Rename/ });
  await rename.getByLabel('Name').fill('Orders, second version');
  await rename.getByLabel('Id').fill('orders-v2');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(flowRow(page, 'orders-v2')).toContainText('Orders, second version');
  await expect(flowRow(page, 'orders-by-region-copy')).toHaveCount(0);
  expect(await exists(file('orders-by-region-copy'))).toBe(false);
  expect(await designer.flow('orders-v2')).toEqual({ ...original, id: 'orders-v2', name: 'Orders, second version' });

  // Delete asks first; Cancel keeps the flow, Delete removes the file.
  await flowRow(page, 'orders-v2').getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete flow?' });
  await expect(confirm).toContainText('Orders, second version');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  expect(await exists(file('orders-v2'))).toBe(true);

  await flowRow(page, 'orders-v2').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('alertdialog', { name: 'Delete flow?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(flowRow(page, 'orders-v2')).toHaveCount(0);
  expect(await exists(file('orders-v2'))).toBe(false);
  await expect(rows).toHaveCount(all + 1);
});
