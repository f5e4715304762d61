import { sql, type Kysely } from 'kysely';

/**
 * A member may be staged as its directory sent it (`source`, in the provider's `source_format`) instead of mapped
 * (`data`): the apply maps it when it reads it back (src/directory/staged-sources.ts). `enabled` is what the mapped
 * user's `enabled` is, for the deletion guard's count of disabled members, which cannot read it from a source.
 * `source` is json (checked text), not jsonb: the apply reads every such member back, and text is returned as it
 * is stored, where jsonb would be rendered as text again, row by row, in the phase where Postgres is busiest.
 * Rows staged before this migration (a run in flight across the upgrade) have only `data`, and the guard reads
 * `enabled` from it as it did.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sync_run_members
      add column source json,
      add column source_format text,
      add column enabled boolean,
      add constraint sync_run_members_source_has_format check ((source is null) = (source_format is null)),
      add constraint sync_run_members_data_or_source check (data is null or source is null),
      drop constraint sync_run_members_data_unless_settled,
      add constraint sync_run_members_data_unless_settled check (settled or data is not null or source is not null)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // staging is scratch space of running runs: rows staged as a source cannot be planned by the older code
  await sql`
    delete from sync_run_members where source is not null;
    alter table sync_run_members
      drop constraint sync_run_members_data_unless_settled,
      add constraint sync_run_members_data_unless_settled check (settled or data is not null),
      drop constraint if exists sync_run_members_data_or_source,
      drop constraint if exists sync_run_members_source_has_format,
      drop column if exists enabled,
      drop column if exists source_format,
      drop column if exists source
  `.execute(db);
}
