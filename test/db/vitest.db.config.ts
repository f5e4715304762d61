// The database layer's tests on a real Postgres, without the root config's global setup (Temporal, simulator):
// each file creates its own scratch database on DATABASE_URL (default: the local server, see admin-url.ts).
//   npx vitest run --config test/db/vitest.db.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/db/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
