import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './support/fixtures';
import { countOf, counts, openFlow, runState, screenshot, toolbar, zoomToFit } from './support/ui';

test('runs the orders flow in the embedded runtime with live counts on the nodes', async ({ page, designer }) => {
  // 200 records at 50 per second: about four seconds of counting.
  await openFlow(page, 'orders-by-region', 'orders');
  await zoomToFit(page);
  await expect(runState(page)).toHaveText('Idle');
  await expect(counts(page, 'orders')).toHaveCount(0);

  await toolbar(page).getByRole('button', { name: 'Run' }).click();
  await expect(runState(page)).toHaveText(/Starting|Running/);
  await expect(toolbar(page).getByRole('button', { name: 'Stop' })).toBeVisible();

  // Counts appear on the nodes and rise while the flow runs.
  await expect.poll(() => countOf(page, 'orders', 'out'), { timeout: 15_000 }).toBeGreaterThan(0);
  const first = await countOf(page, 'orders', 'out');
  await expect.poll(() => countOf(page, 'orders', 'out'), { timeout: 15_000 }).toBeGreaterThan(first);
  await expect(runState(page)).toHaveText('Running');
  await screenshot(page, 'run-counts');

  await expect(runState(page)).toHaveText('Completed', { timeout: 30_000 });
  await expect(counts(page, 'orders')).toContainText('out 200');
  await expect(counts(page, 'big-orders')).toContainText('in 200');
  const kept = await countOf(page, 'big-orders', 'out');
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(200);
  expect(await countOf(page, 'remove-pii', 'in')).toBe(kept);
  await expect(toolbar(page).getByRole('button', { name: 'Run' })).toBeVisible();

  // What the counts say reached the disk: one line per record the US file node took in.
  const usIn = await countOf(page, 'us-file', 'in');
  const lines = (await readFile(join(designer.flowsDir, '../out/orders-us.jsonl'), 'utf8')).split('\n').filter(Boolean);
  expect(lines).toHaveLength(usIn);
  for (const line of lines) expect(JSON.parse(line)).toMatchObject({ region: 'us' });

  // The run panel shows the same numbers as a table.
  const panel = page.getByRole('tabpanel', { name: 'Run' });
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('row', { name: /Orders \(generated\)/ })).toContainText('200');
  await screenshot(page, 'run-completed');
});
