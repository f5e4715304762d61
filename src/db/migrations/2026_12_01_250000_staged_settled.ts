import { sql, type Kysely } from 'kysely';

/**
 * Settled members are told apart as they are staged (sync-staging.ts, sync-settled.ts): such a member is staged
 * without its data — the run needs only its id and digest, for the removals and the counts — so a full sync that
 * changes nothing writes narrow rows and the apply neither probes nor plans them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sync_run_members
      alter column data drop not null,
      add column settled boolean not null default false,
      add constraint sync_run_members_data_unless_settled check (settled or data is not null)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // staging is scratch space of running runs: rows without data cannot be planned by the older code
  await sql`
    delete from sync_run_members where data is null;
    alter table sync_run_members
      drop constraint sync_run_members_data_unless_settled,
      drop column settled,
      alter column data set not null
  `.execute(db);
}
