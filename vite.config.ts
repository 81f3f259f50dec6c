import { defineConfig } from 'vitest/config';

// One config for the designer build (later) and for vitest.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/integration/**', 'test/e2e/**', 'node_modules/**'],
    pool: 'forks',
    testTimeout: 20_000,
    reporters: ['default'],
  },
});
