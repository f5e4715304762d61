import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { Config } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/database.js';
import { createLogger, type Logger } from '../../src/logger.js';

/** What the global setup started, as seen from a test file. */
export function testEnvironment() {
  return {
    temporalAddress: inject('temporalAddress'),
    databaseUrl: inject('databaseUrl'),
    adminDatabaseUrl: inject('adminDatabaseUrl'),
    workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
    caFile: inject('caFile'),
  };
}

/** The variables every service process of the test run needs. */
export function testWorkerEnv(): Record<string, string> {
  const env = testEnvironment();
  return {
    DATABASE_URL: env.databaseUrl,
    TEMPORAL_ADDRESS: env.temporalAddress,
    OPERATOR_API_KEY: 'operator-key-for-tests-0123456789',
    SESSION_SECRET: 'session-secret-for-tests-0123456789abcdef',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Every test stack shares one database: a relay would start other files' deliveries on its own task queue,
    // where they stall once that file's worker stops. Only test/notifications/events.test.ts turns it on.
    NOTIFICATION_RELAY: 'off',
  };
}

/** A config as the service would load it, pointed at the test run's services, with a task queue of its own. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(
    { ...testWorkerEnv(), TEMPORAL_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`, ...overrides },
    'worker',
  );
}

export function testDb(): Db {
  return createDb(testEnvironment().databaseUrl, { poolSize: 5 });
}

export function testLogger(): Logger {
  return createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}
