import { sql } from 'kysely';
import type { Db } from '../database.js';
import { reasonColumns, type StoredReason } from '../stored-reason.js';

/** Pauses a connection's active setups with a reason; returns how many. (Their schedules follow the setup status.) */
export async function pauseSetupsOfConnection(db: Db, connectionId: string, reason: StoredReason): Promise<number> {
  const { text, detail } = reasonColumns(reason);
  const rows = await db
    .updateTable('sync_setups')
    .set({ status: 'paused', status_reason: text, status_reason_detail: detail, updated_at: sql`now()` })
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'active')
    .returning('id')
    .execute();
  return rows.length;
}
