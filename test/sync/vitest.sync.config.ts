// A minimal config for the pure planner's tests: no globalSetup, no servers, nothing but test/sync.
// (The root vitest.config.ts starts Temporal, Postgres and the simulator, which these tests do not need.)
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/sync/**/*.test.ts'],
    environment: 'node',
  },
});
