import { sql } from 'kysely';
import type { Db } from '../database.js';

/** Pauses a connection's active setups with a reason; returns how many. (Their schedules follow the setup status.) */
export async function pauseSetupsOfConnection(db: Db, connectionId: string, reason: string): Promise<number> {
  const rows = await db
    .updateTable('sync_setups')
    .set({ status: 'paused', status_reason: reason, updated_at: sql`now()` })
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'active')
    .returning('id')
    .execute();
  return rows.length;
}
