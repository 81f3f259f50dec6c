import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { testIds } from '../../../designer/src/testids';
import { expect, REPO } from './fixtures';

/**
 * How the tests drive the designer: by the roles, labels and test ids the app gives its parts
 * (designer/src/testids.ts), never by styling. One place, so a changed label breaks one helper.
 */

export { testIds };

export const SCREENSHOTS = join(REPO, '.cache/artifacts/screenshots');

/** Saves `<name>.png` under .cache/artifacts/screenshots: the pictures the closing note cites. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

// ---- flow list and editor ---------------------------------------------------------------

export function flowRow(page: Page, id: string): Locator {
  return page.getByTestId(testIds.flowRow(id));
}

export function toolbar(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Flow' });
}

/** Opens the editor on a flow and waits until its nodes are drawn. */
export async function openFlow(page: Page, id: string, firstNode?: string): Promise<void> {
  await page.goto(`/#/flows/${id}`);
  await expect(toolbar(page)).toBeVisible();
  if (firstNode) await expect(canvasNode(page, firstNode)).toBeVisible();
}

export function saveButton(page: Page): Locator {
  return toolbar(page).getByRole('button', { name: 'Save', exact: true });
}

export function unsavedMark(page: Page): Locator {
  return toolbar(page).getByText('Unsaved changes');
}

/** Saves with the toolbar button and waits until the app no longer reports unsaved changes. */
export async function save(page: Page): Promise<void> {
  await saveButton(page).click();
  await expect(unsavedMark(page)).toHaveCount(0);
}

/**
 * The open document as its canonical file text, without saving: the toolbar's Export button
 * downloads exactly what Save would write.
 */
export async function exportedText(page: Page): Promise<string> {
  const download = page.waitForEvent('download');
  await toolbar(page).getByRole('button', { name: 'Export' }).click();
  const file = await (await download).path();
  return readFile(file, 'utf8');
}

export async function exportedDoc(page: Page): Promise<any> {
  return JSON.parse(await exportedText(page));
}

// ---- canvas ---------------------------------------------------------------------------------

/** The node component (label, type, badge, counts) of a flow node. */
export function canvasNode(page: Page, id: string): Locator {
  return page.getByTestId(testIds.node(id));
}

/** React Flow's wrapper of a node: carries `selected`, focus and the position transform. */
export function nodeWrapper(page: Page, id: string): Locator {
  return page.locator(`.react-flow__node[data-id="${id}"]`);
}

export function edge(page: Page, from: string, to: string): Locator {
  return page.locator(`.react-flow__edge[data-id="${from}->${to}"]`);
}

export function pane(page: Page): Locator {
  return page.locator('.react-flow__pane');
}

export function canvasTool(page: Page, name: 'Auto-layout' | 'Zoom to fit' | 'Add note'): Locator {
  return page.getByRole('button', { name, exact: true });
}

/** Waits until the canvas stops moving (fit and layout animate the viewport). */
export async function viewportSettled(page: Page): Promise<void> {
  const viewport = page.locator('.react-flow__viewport');
  let last = '';
  await expect
    .poll(
      async () => {
        const now = await viewport.evaluate((el) => (el as HTMLElement).style.transform);
        const still = now === last;
        last = now;
        return still;
      },
      { intervals: [100] },
    )
    .toBe(true);
}

/** "Zoom to fit", then waits for the animation to end so handles stay where they were measured. */
export async function zoomToFit(page: Page): Promise<void> {
  await canvasTool(page, 'Zoom to fit').click();
  await viewportSettled(page);
}

/** True when the node's label is inside the visible part of the canvas. */
async function onCanvas(page: Page, id: string): Promise<boolean> {
  const label = await canvasNode(page, id).locator('.canvas-node-label').boundingBox();
  const canvas = await page.locator('.react-flow').boundingBox();
  if (!label || !canvas) return false;
  return label.x >= canvas.x && label.y >= canvas.y && label.x + label.width <= canvas.x + canvas.width && label.y + label.height <= canvas.y + canvas.height;
}

/** Selects a node with a click on its label, zooming to fit first when it is off screen. */
export async function selectNode(page: Page, id: string): Promise<void> {
  await expect(canvasNode(page, id)).toBeVisible();
  if (!(await onCanvas(page, id))) await zoomToFit(page);
  await canvasNode(page, id).locator('.canvas-node-label').click();
  await expect(nodeWrapper(page, id)).toHaveClass(/\bselected\b/);
  await expect(inspector(page).getByRole('heading', { level: 2 })).toBeVisible();
}

/** A node's position in flow coordinates, read from React Flow's transform. */
export async function nodePosition(page: Page, id: string): Promise<{ x: number; y: number }> {
  const transform = await nodeWrapper(page, id).evaluate((el) => (el as HTMLElement).style.transform);
  const m = /translate\(\s*(-?[\d.]+)px,\s*(-?[\d.]+)px\)/.exec(transform);
  if (!m) throw new Error(`no position in transform "${transform}" of node ${id}`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  if (!box) throw new Error(`not on screen: ${locator}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Draws an edge by dragging from an output handle to an input handle, as a person does, and
 * waits for the edge to appear. Endpoints are `node:port`.
 */
export async function dragConnect(page: Page, from: string, to: string): Promise<void> {
  const [fromNode, fromPort] = from.split(':') as [string, string];
  const [toNode, toPort] = to.split(':') as [string, string];
  const source = nodeWrapper(page, fromNode).locator(`.react-flow__handle.source[data-handleid="${fromPort}"]`);
  const target = nodeWrapper(page, toNode).locator(`.react-flow__handle.target[data-handleid="${toPort}"]`);
  const a = await centre(source);
  const b = await centre(target);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
  await expect(edge(page, from, to)).toHaveCount(1);
}

/** Drags a node by its label by (dx, dy) screen pixels. */
export async function dragNode(page: Page, id: string, dx: number, dy: number): Promise<void> {
  const a = await centre(canvasNode(page, id).locator('.canvas-node-label'));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + dx / 2, a.y + dy / 2, { steps: 6 });
  await page.mouse.move(a.x + dx, a.y + dy, { steps: 6 });
  await page.mouse.up();
}

// ---- palette --------------------------------------------------------------------------------

export function paletteItem(page: Page, type: string): Locator {
  return page.getByTestId(testIds.paletteItem(type));
}

/** Adds a node of `type` with the keyboard: focus its palette item, press Enter. */
export async function addWithEnter(page: Page, type: string): Promise<void> {
  await paletteItem(page, type).focus();
  await page.keyboard.press('Enter');
}

// ---- inspector ------------------------------------------------------------------------------

export function inspector(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Inspector' });
}

/** The wrapper of one inspector field, by its JSON pointer (e.g. `/config/when`). */
export function field(page: Page, pointer: string): Locator {
  return page.getByTestId(testIds.field(pointer));
}

/** The text, number or select control of a simple field. */
export function control(page: Page, pointer: string): Locator {
  return field(page, pointer).locator('input:not([type=checkbox]), select, textarea').first();
}

export async function fill(page: Page, pointer: string, value: string): Promise<void> {
  const input = control(page, pointer);
  await input.fill(value);
  await expect(input).toHaveValue(value);
}

export async function choose(page: Page, pointer: string, option: string): Promise<void> {
  await control(page, pointer).selectOption({ label: option });
}

/** The Monaco editor inside a field (expression or code). */
export function monacoIn(scope: Locator): Locator {
  return scope.locator('.monaco-editor').first();
}

/**
 * Types into a Monaco editor as a person does: click into it, select everything when
 * `replace`, type. Monaco closes brackets and quotes while typing and types over the closing
 * ones, so typed text ends up as written. Escape closes a completion list left open.
 */
export async function typeInMonaco(page: Page, scope: Locator, text: string, options: { replace?: boolean } = {}): Promise<void> {
  const editor = monacoIn(scope);
  await expect(editor).toBeVisible();
  await editor.locator('.view-lines').click();
  await expect(editor.locator('textarea')).toBeFocused();
  if (options.replace) {
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
  }
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press('Escape');
}

/** The expression editor of a field (`[data-expr-editor="<pointer>"]`). */
export function expressionEditor(page: Page, pointer: string): Locator {
  return page.locator(`[data-expr-editor="${pointer}"]`);
}

// ---- problems and run -----------------------------------------------------------------------

export function problems(page: Page): Locator {
  return page.getByTestId(testIds.problem);
}

export function problemsTab(page: Page): Locator {
  return page.getByRole('tab', { name: /^Problems/ });
}

export function badge(page: Page, id: string): Locator {
  return page.getByTestId(testIds.nodeBadge(id));
}

export function counts(page: Page, id: string): Locator {
  return page.getByTestId(testIds.nodeCounts(id));
}

/** One number out of a node's "in 12 · out 10 · dropped 2 · errors 0". */
export async function countOf(page: Page, id: string, which: 'in' | 'out' | 'dropped' | 'errors'): Promise<number> {
  const el = counts(page, id);
  if ((await el.count()) === 0) return 0;
  const text = (await el.textContent()) ?? '';
  const m = new RegExp(`\\b${which}\\s+(\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
}

export function runState(page: Page): Locator {
  return page.getByTestId(testIds.runState);
}

/**
 * Presses `key` until `target` has the focus: the keyboard-only tests reach controls the way a
 * keyboard user does, without knowing the exact number of tab stops in between.
 */
export async function pressUntilFocused(page: Page, key: string, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)).catch(() => false)) return;
    await page.keyboard.press(key);
  }
  await expect(target, `${key} never reached it`).toBeFocused();
}
