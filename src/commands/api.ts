import { loadConfig } from '../config.js';
import { createDb } from '../db/database.js';
import { createLogger } from '../logger.js';
import { startApiServer } from '../runtime/services.js';
import { onShutdownSignal } from '../runtime/shutdown-signal.js';
import { connectClient } from '../temporal/connection.js';

/** `directory-sync api`: the HTTP API alone, against external Postgres and Temporal (scale it separately). */
export async function run(): Promise<void> {
  const config = loadConfig(process.env, 'api');
  const logger = createLogger({ level: config.logLevel, name: 'directory-sync-api' });
  const db = createDb(config.databaseUrl!, {
    poolSize: config.databasePoolSize,
    applicationName: 'directory-sync-api',
  });
  const temporal = await connectClient(config.temporal.address!, config.temporal.namespace, config.temporal);
  const api = await startApiServer({ config, db, temporal, logger });
  logger.info({ url: api.url, docs: `${api.url}/docs` }, 'API listening');
  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'shutting down');
    await api.close();
    await temporal.connection.close();
    await db.destroy();
  });
}
