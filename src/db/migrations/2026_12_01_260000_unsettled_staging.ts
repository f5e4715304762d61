import { sql, type Kysely } from 'kysely';

/**
 * The members of a run staged with their data (not settled): what the apply plans and the deletion guard counts
 * the disabled among. A full sync that changes nothing stages nearly all of its 100,000 members settled; without
 * this index each of those reads walked every staged row of the run to find the few thousand that are not.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index sync_run_members_unsettled on sync_run_members (run_id, external_id) where not settled`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index sync_run_members_unsettled`.execute(db);
}
