import { sql, type Kysely } from 'kysely';

/**
 * Why a connection or setup is in its state, and why a run failed, as a code with parameters ({ code, params },
 * src/sync/status-reasons.ts) beside the English text (`status_reason`, `error`): the admin pages render it in
 * the reader's language. Null for rows written before these columns (the pages then show the stored text).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table directory_connections add column status_reason_detail jsonb`.execute(db);
  await sql`alter table sync_setups add column status_reason_detail jsonb`.execute(db);
  await sql`alter table sync_runs add column error_detail jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sync_runs drop column if exists error_detail`.execute(db);
  await sql`alter table sync_setups drop column if exists status_reason_detail`.execute(db);
  await sql`alter table directory_connections drop column if exists status_reason_detail`.execute(db);
}
