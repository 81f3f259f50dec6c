import { defineConfig } from 'vitest/config';

// One config for the designer build (later) and for vitest. Two test projects: `unit` needs
// nothing running; `integration` talks to real brokers that its global setup starts
// (test/env/up.sh) on loopback.
export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'test/e2e/**', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
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
