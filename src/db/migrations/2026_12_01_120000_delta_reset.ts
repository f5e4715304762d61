import { sql, type Kysely } from 'kysely';

/**
 * Setup changes that make the delta state meaningless (another group, another match key, other initials
 * attributes, other scoping) drop it and say why here: the next run is full and shows this as its fullReason.
 * A run that started before the change never stores its (old) links afterwards.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sync_setups add column delta_reset_reason text;
    alter table sync_setups add column delta_reset_at timestamptz;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sync_setups drop column if exists delta_reset_at;
    alter table sync_setups drop column if exists delta_reset_reason;
  `.execute(db);
}
