import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The end-to-end suite: the built designer (designer/dist) served by the real designer server,
 * driven in Debian's Chromium (test/env/chromium.sh), never a browser Playwright downloads.
 * One worker: the machine has two cores and each test starts its own server and browser page.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  outputDir: `${repo}.cache/e2e-results`,
  reporter: [['list'], ['json', { outputFile: `${repo}.cache/e2e.json` }]],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    },
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
