import type { Db } from '../database.js';

/** What a setup's Temporal schedule is reconciled from (setups/schedules.ts): the setup, its connection, its company. */
export async function findScheduleFacts(db: Db, setupId: string) {
  return db
    .selectFrom('sync_setups as s')
    .innerJoin('companies as co', 'co.id', 's.company_id')
    .innerJoin('directory_connections as dc', 'dc.id', 's.connection_id')
    .select([
      's.id',
      's.company_id',
      's.interval_minutes',
      's.enabled',
      's.status',
      'dc.status as connection_status',
      'dc.tenant_id',
      'co.directory_sync_enabled',
    ])
    .where('s.id', '=', setupId)
    .executeTakeFirst();
}

/** The ids of a company's setups, or of a connection's (both filters when both are given). */
export async function listSetupIds(db: Db, where: { companyId?: string; connectionId?: string }): Promise<string[]> {
  let query = db.selectFrom('sync_setups').select('id');
  if (where.companyId) query = query.where('company_id', '=', where.companyId);
  if (where.connectionId) query = query.where('connection_id', '=', where.connectionId);
  return (await query.execute()).map(({ id }) => id);
}
