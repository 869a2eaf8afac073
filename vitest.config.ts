import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // compiled rule packs of test runs go to a throwaway cache, never the user's own; rule
    // packs the developer installed (rules update) are not used by tests
    env: {
      SPYCHECK_CACHE_DIR: join(tmpdir(), `spycheck-test-cache-${process.pid}`),
      SPYCHECK_DATA_DIR: join(tmpdir(), `spycheck-test-data-${process.pid}`),
    },
  },
});
