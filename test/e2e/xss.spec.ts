import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { canvasNode, control, fill, flowRow, openFlow, problems, save, selectNode, toolbar } from './support/ui';

const PAYLOAD = '<img src=x onerror=alert(1)>';

// The server's Content-Security-Policy would block the inline handler anyway; without it, this
// test shows that the app itself renders labels as text and never as HTML.
test.use({ bypassCSP: true });

async function noMarkupRan(page: Page, dialogs: string[]): Promise<void> {
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator('[onerror]')).toHaveCount(0);
  expect(dialogs).toEqual([]);
}

test('a label made of HTML shows as text on the canvas, in the inspector and in Problems, and runs nothing', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });

  await openFlow(page, 'orders-by-region', 'us-file');
  await selectNode(page, 'us-file');
  await fill(page, '/label', PAYLOAD);
  // A problem on the same node (no file given), so the label also shows in the Problems panel.
  await control(page, '/config/path').fill('');
  await toolbar(page).getByLabel('Flow name').fill(PAYLOAD);

  await expect(canvasNode(page, 'us-file').locator('.canvas-node-label')).toHaveText(PAYLOAD);
  await expect(control(page, '/label')).toHaveValue(PAYLOAD);
  await expect(problems(page).filter({ hasText: PAYLOAD })).not.toHaveCount(0);
  await expect(toolbar(page).getByLabel('Flow name')).toHaveValue(PAYLOAD);
  await noMarkupRan(page, dialogs);

  // The "Connect to…" menu of another node lists it by its label.
  await selectNode(page, 'big-orders');
  await page.getByRole('button', { name: 'Connect to…' }).click();
  await expect(page.getByRole('menu').getByRole('menuitem', { name: `→ ${PAYLOAD}` })).toBeVisible();
  await noMarkupRan(page, dialogs);
  await page.keyboard.press('Escape');

  // Saved, then listed by name on the start page.
  await save(page);
  await toolbar(page).getByRole('link', { name: 'Flows' }).click();
  await expect(flowRow(page, 'orders-by-region')).toContainText(PAYLOAD);
  await noMarkupRan(page, dialogs);

  // And after a fresh load of the editor.
  await openFlow(page, 'orders-by-region', 'us-file');
  await expect(canvasNode(page, 'us-file').locator('.canvas-node-label')).toHaveText(PAYLOAD);
  await noMarkupRan(page, dialogs);
});
