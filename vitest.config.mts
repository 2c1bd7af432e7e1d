import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Notebook execution and browser tests start external processes; give them room.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two cores on our machines: two workers.
    maxWorkers: 2,
    reporters: ['default', './tests/summaryReporter.mts'],
  },
});
