import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal SDK's native addon is not safe in worker threads; forks isolate it per file.
    pool: 'forks',
    // Two cores: integration files each run a worker, Postgres and the simulator; two at a time is the most
    // that stays fast without starving the dev server.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // Two projects, so each global setup runs only when the run includes one of its files (vitest starts a
    // project's global setup only for a project with files to run): `main` — one Temporal dev server, one
    // database, one simulator CA (test/global-setup.ts); `ldap` — the same, and one Samba AD domain controller,
    // whose ports 389/636 are fixed, so one per run and only when test/ldap is run (test/ldap/global-setup.ts).
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: ['test/ldap/**', '**/node_modules/**'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        // The ldap files that run the service (API, worker, workflows) need the main setup's Temporal and Postgres too.
        test: {
          name: 'ldap',
          include: ['test/ldap/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts', 'test/ldap/global-setup.ts'],
        },
      },
    ],
  },
});
