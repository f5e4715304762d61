import { sql } from 'kysely';
import type { Db } from '../database.js';

/** Directory connections per status, for the connections gauge (read at scrape time, shared by every process). */
export async function countConnectionsByStatus(db: Db): Promise<{ status: string; n: number }[]> {
  return db
    .selectFrom('directory_connections')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .groupBy('status')
    .execute();
}

/** Enabled setups in error, or whose last `streak` finished real runs all failed. */
export async function countFailingSetups(db: Db, streak: number): Promise<number> {
  const result = await sql<{ n: number }>`
      select count(*)::int as n from sync_setups s
      where s.enabled and (s.status = 'error' or ${streak} = (
        select count(*) filter (where r.status = 'failed') from (
          select status from sync_runs
          where setup_id = s.id and not dry_run and status in ('succeeded', 'failed')
          order by finished_at desc limit ${streak}) r))`.execute(db);
  return result.rows[0]?.n ?? 0;
}
