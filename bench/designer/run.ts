/**
 * bench/designer: how the designer copes with big flows, in Debian's Chromium against the built
 * app (designer/dist) and the real designer server. For flows of 50, 200 and 500 nodes
 * (bench/designer/flows.ts) it measures, 3 runs each, medians reported:
 *
 * - time to interactive: from navigation start until the canvas has drawn the flow (all nodes,
 *   or on a canvas that draws only what is on screen, what it draws once the count holds) and a
 *   click on a node has selected it (xyflow's `.selected` class appears);
 * - frame times (requestAnimationFrame deltas in the page) while dragging a node for ~2 s and
 *   while panning the canvas for ~2 s, after "Zoom to fit" so every node is drawn (the
 *   heaviest case): p95 and max.
 *
 * The same figures are taken of a baseline in the same run: the same flows drawn by a bare React
 * Flow page (bench/designer/baseline), so the ratio says what the designer adds on top of the
 * canvas library, whatever the machine's speed that day.
 *
 * A benchmark, not a test: it prints figures and compares them with the targets (500 nodes
 * interactive within 1.5 s, drag p95 within 33 ms), never fails on them. Figures also go to
 * .cache/reports/bench-designer.json. The machine is small (2 cores): anything else running
 * at the same time shows in the numbers.
 *
 *   npm run bench:designer            (builds designer/dist first when stale)
 *   node --import tsx bench/designer/run.ts [--sizes 50,200,500] [--runs 3] [--seconds 2]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import react from '@vitejs/plugin-react';
import express from 'express';
import { build } from 'vite';
import { chromium, type Browser, type Page } from '@playwright/test';
import { createDesignerServer } from '../../designer/server/app';
import { registry } from '../../shared/nodes/index';
import { serializeFlow } from '../../shared/flow/canonical';
import { registryDefaults } from '../../shared/node-kit/registry';
import { benchFlow } from './flows';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BROWSER = '/usr/bin/chromium';
const TARGET_TTI_MS = 1500;
const TARGET_DRAG_P95_MS = 33;
/**
 * requestAnimationFrame deltas come in whole frames of 16.7 ms at 60 Hz, so two frames measure
 * 33.3-33.4 ms: the 33 ms target (two frames, 30 per second) is judged with that rounding.
 */
const FRAME_ROUNDING_MS = 0.5;

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '50,200,500' },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '2' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const RUNS = Number(values.runs);
const GESTURE_MS = Number(values.seconds) * 1000;

interface Frames {
  p95: number;
  max: number;
  frames: number;
}

interface RunFigures {
  /** ms from navigation start until the first node is drawn (app loaded, flow fetched). */
  firstNode: number | null;
  /** ms from navigation start until a click on a drawn node selected it; null when it did not. */
  tti: number | null;
  /** Nodes drawn when the flow opened (a canvas may draw only those on screen). */
  rendered: number;
  /** Nodes drawn during the drag and pan, after "Zoom to fit". */
  renderedForGestures: number;
  drag: Frames | null;
  pan: Frames | null;
}

interface Medians {
  firstNodeMs: number | null;
  ttiMs: number | null;
  rendered: number | null;
  renderedForGestures: number | null;
  dragP95Ms: number | null;
  dragMaxMs: number | null;
  panP95Ms: number | null;
  panMaxMs: number | null;
}

const NODE = '.react-flow__node';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function median(xs: Array<number | null | undefined>): number | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** rAF deltas recorded in the page while `gesture` runs. */
async function framesDuring(page: Page, gesture: () => Promise<void>): Promise<Frames> {
  await page.evaluate(() => {
    const w = window as unknown as { __benchFrames: number[]; __benchOn: boolean };
    w.__benchFrames = [];
    w.__benchOn = true;
    let last = -1;
    const tick = (t: number) => {
      if (last >= 0) w.__benchFrames.push(t - last);
      last = t;
      if (w.__benchOn) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await gesture();
  const deltas = await page.evaluate(() => {
    const w = window as unknown as { __benchFrames: number[]; __benchOn: boolean };
    w.__benchOn = false;
    return w.__benchFrames;
  });
  const sorted = [...deltas].sort((a, b) => a - b);
  return { p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? NaN, frames: deltas.length };
}

/** Moves the pressed mouse around (x, y) in small steps for GESTURE_MS; `probe` runs once, mid-gesture. */
async function wiggle(page: Page, x: number, y: number, probe?: () => Promise<void>): Promise<void> {
  await page.mouse.move(x, y);
  await page.mouse.down();
  const start = Date.now();
  let i = 0;
  while (Date.now() - start < GESTURE_MS) {
    i++;
    await page.mouse.move(x + 120 * Math.sin(i / 15), y + 80 * Math.sin(i / 23));
    if (i === 10) await probe?.();
  }
  await page.mouse.up();
}

/** The centre of the rendered node nearest the middle of the canvas. */
async function nodeNearCentre(page: Page): Promise<{ id: string; x: number; y: number } | null> {
  return page.evaluate((sel) => {
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
    if (!pane) return null;
    const cx = pane.left + pane.width / 2;
    const cy = pane.top + pane.height / 2;
    let best: { id: string; x: number; y: number; d: number } | null = null;
    for (const el of document.querySelectorAll<HTMLElement>(sel)) {
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      const d = (x - cx) ** 2 + (y - cy) ** 2;
      if (r.width > 0 && (!best || d < best.d)) best = { id: el.dataset.id ?? '', x, y, d };
    }
    return best && { id: best.id, x: best.x, y: best.y };
  }, NODE);
}

/** A point of the canvas where a press lands on the empty pane (so a drag pans). */
async function emptySpot(page: Page): Promise<{ x: number; y: number } | null> {
  return page.evaluate(() => {
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
    if (!pane) return null;
    for (let fy = 0.5; fy < 0.95; fy += 0.05) {
      for (let fx = 0.3; fx < 0.9; fx += 0.03) {
        const x = pane.left + pane.width * fx;
        const y = pane.top + pane.height * fy;
        const el = document.elementFromPoint(x, y);
        if (el?.classList.contains('react-flow__pane')) return { x, y };
      }
    }
    return null;
  });
}

/**
 * Resolves once the canvas has drawn what it is going to draw: all `size` nodes, or, on a canvas
 * that draws only what is on screen, a node count that held for a few frames.
 */
async function nodesDrawn(page: Page, size: number, timeout: number): Promise<number> {
  await page
    .waitForFunction(
      ([sel, n]) => {
        const w = window as unknown as { __benchLast?: number; __benchSame?: number };
        const count = document.querySelectorAll(sel as string).length;
        if (count >= (n as number)) return true;
        w.__benchSame = count > 0 && count === w.__benchLast ? (w.__benchSame ?? 0) + 1 : 0;
        w.__benchLast = count;
        return (w.__benchSame ?? 0) >= 3;
      },
      [NODE, size] as const,
      { polling: 'raf', timeout },
    )
    .catch(() => undefined);
  return page.locator(NODE).count();
}

/** Resolves when the viewport transform held for ten frames (fit-view animations are over). */
async function viewportStill(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () => {
        const w = window as unknown as { __benchT?: string; __benchStill?: number };
        const t = (document.querySelector('.react-flow__viewport') as HTMLElement | null)?.style.transform ?? '';
        w.__benchStill = t === w.__benchT ? (w.__benchStill ?? 0) + 1 : 0;
        w.__benchT = t;
        return w.__benchStill >= 10;
      },
      undefined,
      { polling: 'raf', timeout: 10_000 },
    )
    .catch(() => undefined);
}

async function measure(browser: Browser, url: string, size: number): Promise<RunFigures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx compiles this file with esbuild's keepNames, which wraps inner functions in __name();
  // functions handed to page.evaluate run in the page, where that helper must exist too.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const page = await context.newPage();
  const figures: RunFigures = { firstNode: null, tti: null, rendered: 0, renderedForGestures: 0, drag: null, pan: null };
  try {
    await page.goto(url, { waitUntil: 'commit' });
    figures.firstNode = await page
      .waitForFunction((sel) => (document.querySelector(sel) ? performance.now() : false), NODE, { polling: 'raf', timeout: 30_000 })
      .then((h) => h.jsonValue() as Promise<number>)
      .catch(() => null);
    figures.rendered = await nodesDrawn(page, size, 30_000);
    const target = await nodeNearCentre(page);
    if (!target) return figures;
    await page.mouse.click(target.x, target.y);
    figures.tti = await page
      .waitForFunction((sel) => (document.querySelector(`${sel}.selected`) ? performance.now() : false), NODE, { polling: 'raf', timeout: 10_000 })
      .then((h) => h.jsonValue() as Promise<number>)
      .catch(() => null);

    // Gestures with the whole flow on screen: every node drawn, the heaviest case.
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    await viewportStill(page);
    figures.renderedForGestures = await nodesDrawn(page, size, 10_000);
    const again = await nodeNearCentre(page);
    if (again) {
      const where = () => page.locator(`${NODE}[data-id="${again.id}"]`).evaluate((el) => (el as HTMLElement).style.transform);
      const before = await where();
      let moved = false;
      figures.drag = await framesDuring(page, () =>
        wiggle(page, again.x, again.y, async () => {
          moved = (await where()) !== before;
        }),
      );
      // A press that missed the node would pan or draw a wire instead: no figure then.
      if (!moved) {
        console.error(`  ${size} nodes: the drag did not move node ${again.id}; drag figures left out`);
        figures.drag = null;
      }
    }
    await viewportStill(page);
    const spot = await emptySpot(page);
    if (spot) figures.pan = await framesDuring(page, () => wiggle(page, spot.x, spot.y));
  } finally {
    await context.close();
  }
  return figures;
}

const fmt = (v: number | null, digits = 0) => (v === null ? '—' : v.toFixed(digits));
const ratio = (v: number | null, base: number | null) => (v === null || base === null || base === 0 ? '—' : `${(v / base).toFixed(2)}x`);

function medians(runs: RunFigures[]): Medians {
  return {
    firstNodeMs: median(runs.map((r) => r.firstNode)),
    ttiMs: median(runs.map((r) => r.tti)),
    rendered: median(runs.map((r) => r.rendered)),
    renderedForGestures: median(runs.map((r) => r.renderedForGestures)),
    dragP95Ms: median(runs.map((r) => r.drag?.p95)),
    dragMaxMs: median(runs.map((r) => r.drag?.max)),
    panP95Ms: median(runs.map((r) => r.pan?.p95)),
    panMaxMs: median(runs.map((r) => r.pan?.max)),
  };
}

/** Builds the bare React Flow page and serves it, with the bench flows, on loopback. */
async function startBaseline(flowsDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const outDir = join(flowsDir, '..', 'baseline');
  await build({
    configFile: false,
    root: join(REPO, 'bench/designer/baseline'),
    base: './',
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  const app = express();
  app.use(express.static(outDir));
  app.use(express.static(flowsDir));
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
const verdict = (v: number | null, target: number, slack = 0) => (v === null ? 'NOT met (no figure)' : v <= target + slack ? 'met' : 'NOT met');

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'designer/dist/index.html'))) {
    console.error('bench/designer: designer/dist is missing; build it first (npx vite build, or npm run bench:designer).');
    process.exitCode = 1;
    return;
  }
  if (!existsSync(BROWSER)) {
    console.error(`bench/designer: ${BROWSER} is missing; run bash test/env/chromium.sh.`);
    process.exitCode = 1;
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'sluice-bench-designer-'));
  const flowsDir = join(root, 'flows');
  await mkdir(flowsDir);
  const defaults = registryDefaults(registry);
  for (const size of SIZES) await writeFile(join(flowsDir, `bench-${size}.flow.json`), serializeFlow(benchFlow(size), { defaults }));

  const server = await createDesignerServer({ flowsDir, registry, port: 0, env: {} });
  const browser = await chromium.launch({
    executablePath: BROWSER,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  const results: Array<{ size: number; runs: RunFigures[]; median: Medians; baselineRuns: RunFigures[]; baseline: Medians }> = [];
  const baseline = await startBaseline(flowsDir);
  const designerUrl = (size: number) => `${server.url}/#/flows/bench-${size}`;
  const baselineUrl = (size: number) => `${baseline.url}/?n=${size}`;
  try {
    // One throwaway load so the first measured run does not pay for a cold disk cache and JIT.
    await measure(browser, designerUrl(SIZES[0]!), SIZES[0]!);
    await measure(browser, baselineUrl(SIZES[0]!), SIZES[0]!);
    for (const size of SIZES) {
      const runs: RunFigures[] = [];
      const baseRuns: RunFigures[] = [];
      // Designer and baseline alternate, so a slow moment of the machine hits both.
      for (let r = 0; r < RUNS; r++) {
        const f = await measure(browser, designerUrl(size), size);
        runs.push(f);
        const b = await measure(browser, baselineUrl(size), size);
        baseRuns.push(b);
        console.error(
          `  ${size} nodes, run ${r + 1}: interactive ${fmt(f.tti)} ms (${f.rendered} drawn), drag p95 ${fmt(f.drag?.p95 ?? null, 1)} ms, pan p95 ${fmt(f.pan?.p95 ?? null, 1)} ms (${f.renderedForGestures} drawn); baseline ${fmt(b.tti)} / ${fmt(b.drag?.p95 ?? null, 1)} / ${fmt(b.pan?.p95 ?? null, 1)} ms`,
        );
      }
      results.push({ size, runs, median: medians(runs), baselineRuns: baseRuns, baseline: medians(baseRuns) });
    }
  } finally {
    await browser.close();
    await server.close();
    await baseline.close();
    await rm(root, { recursive: true, force: true });
  }

  console.log(`\nDesigner with big flows, median of ${RUNS} runs (Chromium ${browser.version()}, ${GESTURE_MS / 1000} s gestures)\n`);
  const header = ['nodes', 'first node ms', 'interactive ms', 'baseline ms', 'ratio', 'drawn at open', 'drag p95 ms', 'baseline', 'ratio', 'drag max ms', 'pan p95 ms', 'baseline', 'ratio', 'drag p95 <= 33 ms (2 frames)'];
  const rows = results.map(({ size, median: m, baseline: b }) => [
    String(size),
    fmt(m.firstNodeMs),
    fmt(m.ttiMs),
    fmt(b.ttiMs),
    ratio(m.ttiMs, b.ttiMs),
    fmt(m.rendered),
    fmt(m.dragP95Ms, 1),
    fmt(b.dragP95Ms, 1),
    ratio(m.dragP95Ms, b.dragP95Ms),
    fmt(m.dragMaxMs, 1),
    fmt(m.panP95Ms, 1),
    fmt(b.panP95Ms, 1),
    ratio(m.panP95Ms, b.panP95Ms),
    verdict(m.dragP95Ms, TARGET_DRAG_P95_MS, FRAME_ROUNDING_MS),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));

  const big = results.find((r) => r.size === 500);
  const targets = big
    ? {
        interactive500: { targetMs: TARGET_TTI_MS, medianMs: big.median.ttiMs, verdict: verdict(big.median.ttiMs, TARGET_TTI_MS) },
        dragP95_500: { targetMs: TARGET_DRAG_P95_MS, medianMs: big.median.dragP95Ms, verdict: verdict(big.median.dragP95Ms, TARGET_DRAG_P95_MS, FRAME_ROUNDING_MS) },
      }
    : undefined;
  if (targets) {
    console.log(`\n500 nodes interactive <= ${TARGET_TTI_MS} ms: ${targets.interactive500.verdict} (${fmt(targets.interactive500.medianMs)} ms)`);
    console.log(`500 nodes drag p95 <= ${TARGET_DRAG_P95_MS} ms (two frames at 60 Hz): ${targets.dragP95_500.verdict} (${fmt(targets.dragP95_500.medianMs, 1)} ms)`);
  }

  const reportDir = join(REPO, '.cache/reports');
  await mkdir(reportDir, { recursive: true });
  const report = { date: new Date().toISOString(), chromium: browser.version(), runs: RUNS, gestureMs: GESTURE_MS, targets, results };
  await writeFile(join(reportDir, 'bench-designer.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nFigures written to .cache/reports/bench-designer.json`);
}

await main();
