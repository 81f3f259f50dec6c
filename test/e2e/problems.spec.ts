import { expect, test } from './support/fixtures';
import {
  badge,
  expressionEditor,
  field,
  openFlow,
  pane,
  problems,
  problemsTab,
  screenshot,
  selectNode,
  typeInMonaco,
  inspector,
} from './support/ui';

test('a misspelt field shows on the node and in Problems; the problem leads to the field; fixing it clears both', async ({ page }) => {
  await openFlow(page, 'orders-by-region', 'big-orders');
  await expect(problemsTab(page)).toHaveText(/^Problems \(0\)/);
  await expect(badge(page, 'big-orders')).toHaveCount(0);

  await selectNode(page, 'big-orders');
  const when = expressionEditor(page, '/config/when');
  await typeInMonaco(page, when, 'totl > 1000.0', { replace: true });

  // The expression editor says what is wrong while typing.
  const whenField = field(page, '/config/when');
  await expect(whenField.getByRole('alert').filter({ hasText: 'Unknown field "totl"' }).first()).toBeVisible();
  await screenshot(page, 'inspector-expression-error');

  // The node carries a badge, the Problems panel lists it.
  await expect(badge(page, 'big-orders')).toHaveText('1');
  await expect(problemsTab(page)).toHaveText(/^Problems \(1\)/);
  const problem = problems(page).filter({ hasText: 'Total over 1000' });
  await expect(problem).toHaveCount(1);
  await expect(problem).toContainText('/config/when');
  await expect(problem).toContainText('totl');

  // From somewhere else (flow settings showing), the problem leads straight to the field.
  await pane(page).click({ position: { x: 20, y: 20 } });
  await expect(field(page, '/config/when')).toHaveCount(0);
  await problem.click();
  await expect(inspector(page)).toContainText('big-orders');
  await expect(field(page, '/config/when').locator('textarea').first()).toBeFocused();
  await screenshot(page, 'problems-panel');

  // Typed straight into the focused field: the fix clears the badge and the problem.
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('total > 1000.0');
  await page.keyboard.press('Escape');
  await expect(badge(page, 'big-orders')).toHaveCount(0);
  await expect(problems(page)).toHaveCount(0);
  await expect(page.getByText('No problems')).toBeVisible();
  await expect(whenField.getByRole('alert')).toHaveCount(0);
});
