import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import type { App } from '../../src/api/context.js';
import { generateApiKey } from '../../src/api/keys.js';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import { insertApiKey } from '../../src/db/repositories/api-keys.js';
import { insertCompany } from '../../src/db/repositories/companies.js';
import { testConfig, testDb, testLogger } from './context.js';
import { requester } from './request.js';

export interface TestApi {
  app: App;
  db: Db;
  temporal: Client;
  config: Config;
  operatorKey: string;
  /** Sends a request to the in-process app, JSON-encoding `body` and adding the bearer key when given. */
  call(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function createTestApi(overrides: Record<string, string> = {}): Promise<TestApi> {
  const config = testConfig(overrides);
  const db = testDb();
  const connection = await Connection.connect({ address: config.temporal.address! });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const app = createApp({ config, db, temporal, logger: testLogger() });
  return {
    app,
    db,
    temporal,
    config,
    operatorKey: config.operatorApiKey!,
    call: requester(app),
    close: async () => {
      await connection.close();
      await db.destroy();
    },
  };
}

/** A company with the module on (unless said otherwise) and a key for it, made straight in the database. */
export async function createTestCompany(db: Db, options: { name?: string; directorySync?: boolean } = {}) {
  const company = await insertCompany(db, {
    name: options.name ?? `Company ${Math.random().toString(36).slice(2, 8)}`,
    directorySyncEnabled: options.directorySync ?? true,
  });
  const key = generateApiKey();
  await insertApiKey(db, { companyId: company.id, name: 'test', prefix: key.prefix, hash: key.hash });
  return { company, key: key.key };
}
