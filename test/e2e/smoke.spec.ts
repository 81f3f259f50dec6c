import { expect, test } from './support/fixtures';

test('the built app loads from the designer server and fetches nothing from elsewhere', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#root')).not.toBeEmpty();
});
