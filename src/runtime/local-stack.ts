import path from 'node:path';
import type { Config } from '../config.js';
import { createDb, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Logger } from '../logger.js';
import { connectClient } from '../temporal/connection.js';
import { installTemporalRuntime } from '../temporal/runtime.js';
import { startDevServer, type DevServer } from './dev-server.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';
import { localSecrets } from './local-secrets.js';
import { startApiServer, type RunningApi } from './services.js';
import { startWorker, type RunningWorker } from './worker-service.js';

export interface LocalStack {
  config: Config;
  db: Db;
  api: RunningApi;
  worker: RunningWorker;
  temporalAddress: string;
  temporalUiUrl?: string;
  databaseUrl: string;
  embedded: { postgres: boolean; temporal: boolean };
  stop(): Promise<void>;
}

/**
 * Everything on one machine: Postgres and Temporal from config when set, otherwise an embedded PostgreSQL and
 * a Temporal dev server (with Web UI) whose data lives under DATA_DIR; then migrations, one worker and the API.
 * Stopping tears down in reverse order so nothing is left running.
 */
export async function startLocalStack(baseConfig: Config, logger: Logger): Promise<LocalStack> {
  const log = (message: string) => logger.info(message);
  const secrets = localSecrets(baseConfig.dataDir);
  const config: Config = {
    ...baseConfig,
    operatorApiKey: baseConfig.operatorApiKey ?? secrets.operatorApiKey,
    sessionSecret: baseConfig.sessionSecret ?? secrets.sessionSecret,
    notifications: {
      ...baseConfig.notifications,
      secretsKey: baseConfig.notifications.secretsKey ?? secrets.secretsKey,
    },
  };
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => logger.warn({ err }, 'cleanup failed'));
    cleanups.length = 0;
  };

  try {
    let databaseUrl = config.databaseUrl;
    let postgres: EmbeddedDatabase | undefined;
    if (!databaseUrl) {
      postgres = await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'postgres'),
        port: config.embedded.postgresPort,
        log,
      });
      cleanups.push(() => postgres!.stop());
      databaseUrl = postgres.url;
    }
    let temporalAddress = config.temporal.address;
    let devServer: DevServer | undefined;
    if (!temporalAddress) {
      devServer = await startDevServer({
        port: config.embedded.temporalPort,
        uiPort: config.embedded.temporalUiPort,
        dbFile: path.join(config.dataDir, 'temporal.sqlite'),
        namespace: config.temporal.namespace,
        log,
      });
      cleanups.push(() => devServer!.stop());
      temporalAddress = devServer.address;
    }
    const db = createDb(databaseUrl, { poolSize: config.databasePoolSize });
    cleanups.push(() => db.destroy());
    await migrateToLatest(db);

    installTemporalRuntime(logger);
    // The embedded dev server speaks plain gRPC: TLS settings apply to a configured TEMPORAL_ADDRESS only.
    const temporalConfig = devServer ? { ...config.temporal, tls: undefined, apiKey: undefined } : config.temporal;
    const resolved: Config = { ...config, databaseUrl, temporal: { ...temporalConfig, address: temporalAddress } };
    const worker = await startWorker({ config: resolved, db, logger, address: temporalAddress });
    cleanups.push(() => worker.stop());
    const temporal = await connectClient(temporalAddress, config.temporal.namespace, resolved.temporal);
    cleanups.push(() => temporal.connection.close());
    const api = await startApiServer({ config: resolved, db, temporal, logger });
    cleanups.push(() => api.close());

    return {
      config: resolved,
      db,
      api,
      worker,
      temporalAddress,
      temporalUiUrl: devServer?.uiUrl,
      databaseUrl,
      embedded: { postgres: Boolean(postgres), temporal: Boolean(devServer) },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
