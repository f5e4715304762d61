import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One Temporal dev server, one database, one simulator CA for the whole run (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // The Temporal SDK's native addon is not safe in worker threads; forks isolate it per file.
    pool: 'forks',
    // Two cores: integration files each run a worker, Postgres and the simulator; two at a time is the most
    // that stays fast without starving the dev server.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
