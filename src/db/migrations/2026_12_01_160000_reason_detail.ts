import { sql, type Kysely } from 'kysely';

/**
 * Each audited change's reason as a code with parameters ({ code, params }, src/sync/reasons.ts) beside the
 * English text in `reason`: the admin pages render it in the reader's language and show names for the ids it
 * holds. Null for rows written before this column (the pages then show the stored text).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sync_changes add column reason_detail jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sync_changes drop column if exists reason_detail`.execute(db);
}
