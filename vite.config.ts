import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const repo = fileURLToPath(new URL('.', import.meta.url));

// One config for the designer build and for vitest. The app lives in designer/ (index.html,
// src/) and builds to designer/dist, which the designer server serves. Three test projects:
// `unit` needs nothing running; `designer` renders React components in jsdom; `integration`
// talks to real brokers that its global setup starts (test/env/up.sh) on loopback. The
// Playwright suite (test/e2e) runs apart, against the built app in Chromium.
export default defineConfig({
  root: `${repo}designer`,
  base: './',
  plugins: [react()],
  // avsc generates code with `new Function` and needs Node's buffer: the browser build gets a
  // validating stand-in (see designer/src/shims/avsc-browser.ts). Tests use the real avsc.
  resolve: { alias: [{ find: /^avsc$/, replacement: `${repo}designer/src/shims/avsc-browser.ts` }] },
  build: {
    outDir: `${repo}designer/dist`,
    emptyOutDir: true,
    // Monaco is big by nature; it is served from disk on loopback, never from a CDN.
    chunkSizeWarningLimit: 6000,
  },
  server: { host: '127.0.0.1' },
  test: {
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          root: repo,
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'test/e2e/**', 'test/designer/src/**', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'designer',
          root: repo,
          environment: 'jsdom',
          include: ['test/designer/src/**/*.test.{ts,tsx}'],
          setupFiles: ['test/designer/src/setup.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          root: repo,
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/env/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Broker tests share the machine's two cores and the brokers; one file at a time keeps
          // timings sane and logs readable.
          fileParallelism: false,
        },
      },
    ],
  },
});
