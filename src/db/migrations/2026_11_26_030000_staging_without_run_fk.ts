import { sql, type Kysely } from 'kysely';

/**
 * Staging is scratch space that only the run's own activity writes and finishRun empties. Its foreign key to
 * sync_runs checked every staged member (a row lock on the run per row) and cost about a third of staging
 * 100,000 members, while protecting nothing: runs are never deleted (the audit references them), so there is
 * nothing to cascade and no way to orphan a staged row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sync_run_members drop constraint if exists sync_run_members_run_id_fkey`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sync_run_members
      add constraint sync_run_members_run_id_fkey foreign key (run_id) references sync_runs(id) on delete cascade
  `.execute(db);
}
