import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { SyncSetupsTable } from '../schema.js';
import type { Insertable, Updateable } from 'kysely';
import { reasonColumns, type StoredReason } from '../stored-reason.js';

export type NewSetup = Insertable<SyncSetupsTable>;
export type SetupChanges = Omit<Updateable<SyncSetupsTable>, 'id' | 'company_id' | 'created_at'>;

export async function insertSetup(db: Db, values: NewSetup) {
  return db.insertInto('sync_setups').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findSetup(db: Db, setupId: string) {
  return db.selectFrom('sync_setups').selectAll().where('id', '=', setupId).executeTakeFirst();
}

/** A company's setup; another company's id finds nothing (404, never 403). */
export async function findCompanySetup(db: Db, companyId: string, setupId: string) {
  return db
    .selectFrom('sync_setups')
    .selectAll()
    .where('id', '=', setupId)
    .where('company_id', '=', companyId)
    .executeTakeFirst();
}

export async function listCompanySetups(db: Db, companyId: string) {
  return db.selectFrom('sync_setups').selectAll().where('company_id', '=', companyId).orderBy('created_at').execute();
}

export async function updateSetup(db: Db, setupId: string, changes: SetupChanges) {
  return db
    .updateTable('sync_setups')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', setupId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteSetup(db: Db, setupId: string) {
  await db.deleteFrom('sync_setups').where('id', '=', setupId).execute();
}

/** The setup's error state, with the reason, after a run failed for a reason retries cannot fix. */
export async function markSetupError(db: Db, setupId: string, reason: StoredReason) {
  const { text, detail } = reasonColumns(reason);
  await db
    .updateTable('sync_setups')
    .set({ status: 'error', status_reason: text, status_reason_detail: detail, updated_at: sql`now()` })
    .where('id', '=', setupId)
    .execute();
}
