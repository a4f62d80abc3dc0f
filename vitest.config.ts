import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'transforms/**/*.test.ts'],
    // Two cores on every machine this runs on: one worker per core.
    pool: 'threads',
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
