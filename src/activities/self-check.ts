import { sql } from 'kysely';
import type { ActivityDeps } from './deps.js';

/** Proves that a worker can reach the database: answers the newest applied migration. */
export function createSelfCheckActivities({ db }: ActivityDeps) {
  return {
    async latestMigration(): Promise<string | null> {
      const result = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
      return result.rows[0]?.name ?? null;
    },
  };
}
