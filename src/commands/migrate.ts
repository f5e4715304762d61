import { loadConfig } from '../config.js';
import { createDb } from '../db/database.js';
import { migrateDown, migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { connectClient, ensureSearchAttributes } from '../temporal/connection.js';

/**
 * `directory-sync migrate` applies pending migrations (and, when TEMPORAL_ADDRESS is set, registers our
 * search attributes on the namespace); `directory-sync migrate down` undoes the newest migration.
 */
export async function run(argv: string[]): Promise<void> {
  const direction = argv[0] ?? 'up';
  if (direction !== 'up' && direction !== 'down')
    throw new Error(`unknown direction '${direction}': use 'migrate' or 'migrate down'`);
  const config = loadConfig(process.env, 'migrate');
  const logger = createLogger({ level: config.logLevel });
  const db = createDb(config.databaseUrl!);
  try {
    const applied = direction === 'up' ? await migrateToLatest(db) : await migrateDown(db);
    logger.info(
      { migrations: applied, direction },
      applied.length ? 'migrations applied' : 'database already up to date',
    );
  } finally {
    await db.destroy();
  }
  if (config.temporal.address && direction === 'up') {
    const client = await connectClient(config.temporal.address, config.temporal.namespace, config.temporal);
    try {
      await ensureSearchAttributes(client.connection, config.temporal.namespace);
      logger.info({ namespace: config.temporal.namespace }, 'search attributes registered');
    } finally {
      await client.connection.close();
    }
  }
}
