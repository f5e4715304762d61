import { latestMigration } from '../db/migrate.js';
import type { ActivityDeps } from './deps.js';

/** Proves that a worker can reach the database: answers the newest applied migration. */
export function createSelfCheckActivities({ db }: ActivityDeps) {
  return {
    async latestMigration(): Promise<string | null> {
      return latestMigration(db);
    },
  };
}
