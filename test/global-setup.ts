import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startDevServer, type DevServer } from '../src/runtime/dev-server.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/runtime/embedded-postgres.js';
import { bundleWorkflows } from '../src/worker/worker.js';
import { ensureCertificateAuthority } from '../src/simulator/ca.js';
import { createDb } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createScratchDatabase } from '../src/runtime/scratch-database.js';
import { freePort } from '../src/runtime/ports.js';

/**
 * Once per test run: a Temporal dev server, a Postgres (DATABASE_URL when set — the machine's own in CI —
 * else an embedded one), the workflow bundle, and the simulator's CA. The CA must be trusted through
 * NODE_EXTRA_CA_CERTS, which Node reads only at process start, so it is set here, before vitest forks the
 * test processes that inherit this environment.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    adminDatabaseUrl: string;
    databaseUrl: string;
    workflowBundlePath: string;
    caFile: string;
  }
}

export default async function setup(project: TestProject) {
  const workDir = path.join(root, '.data', 'test-run');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const log = (m: string) => process.stderr.write(`[global-setup] ${m}\n`);

  const ca = await ensureCertificateAuthority(path.join(root, '.data', 'simulator-ca'));
  process.env.NODE_EXTRA_CA_CERTS = ca.caFile;

  const [devServer, postgres, bundle] = await Promise.all([
    freePort().then((port) =>
      startDevServer({
        port,
        headless: true,
        log,
        readyTimeoutMs: 120_000,
        // Small history limits so tests exercise continue-as-new with small groups.
        dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 200 },
      }),
    ) as Promise<DevServer>,
    process.env.DATABASE_URL
      ? Promise.resolve<EmbeddedDatabase | undefined>(undefined)
      : freePort().then((port) =>
          startEmbeddedPostgres({
            dataDir: path.join(root, '.data', 'test-postgres'),
            port,
            database: 'postgres',
            log,
          }),
        ),
    bundleWorkflows(),
  ]);
  const adminDatabaseUrl = process.env.DATABASE_URL ?? postgres!.url;
  const testDatabase = await createScratchDatabase(adminDatabaseUrl, 'ds_test_run');
  const db = createDb(testDatabase.url);
  await migrateToLatest(db);
  await db.destroy();

  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  project.provide('temporalAddress', devServer.address);
  project.provide('adminDatabaseUrl', adminDatabaseUrl);
  project.provide('databaseUrl', testDatabase.url);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('caFile', ca.caFile);

  return async () => {
    await devServer.stop();
    await testDatabase.drop();
    await postgres?.stop();
  };
}
