import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    // The speed lab (packages/speedlab) imports divelab as `divelab/lib/…` and divelab loads it as
    // `@divelab/speedlab`: in tests both are the TypeScript sources, one copy of each module.
    alias: [
      { find: /^divelab\/lib\/(.*)$/, replacement: `${root}lib/$1` },
      { find: /^@divelab\/speedlab$/, replacement: `${root}packages/speedlab/src/index.ts` },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts', 'packages/speedlab/tests/**/*.test.ts'],
    // Notebook execution and browser tests start external processes; give them room.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two cores on our machines: two workers.
    maxWorkers: 2,
    reporters: ['default', './tests/summaryReporter.mts'],
  },
});
