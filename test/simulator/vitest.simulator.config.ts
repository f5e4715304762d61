import { defineConfig } from 'vitest/config';

/** The simulator and Graph client tests alone: `npx vitest run --config test/simulator/vitest.simulator.config.ts`. */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/simulator/**/*.test.ts', 'test/directory/entra/**/*.test.ts'],
    globalSetup: ['test/simulator/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
