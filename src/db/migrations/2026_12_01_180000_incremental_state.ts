import { sql, type Kysely } from 'kysely';

/**
 * A setup's incremental state becomes the provider's own JSON (src/directory/provider.ts IncrementalState): Entra
 * keeps its delta links in it (`groupLinks`, `usersLink`, `trackedGroupIds`), an AD provider its DC and USN. The
 * run's pending state (sync_runs.pending_delta) already was that JSON. Existing links are carried over as they are.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sync_delta_state add column state jsonb;
    update sync_delta_state set state = jsonb_build_object(
      'groupLinks', group_links, 'usersLink', users_link, 'trackedGroupIds', tracked_group_ids);
    alter table sync_delta_state alter column state set not null;
    alter table sync_delta_state drop column group_links;
    alter table sync_delta_state drop column users_link;
    alter table sync_delta_state drop column tracked_group_ids;
  `.execute(db);
}

/** Back to Entra's columns; a state that holds no delta links (another provider's) cannot be kept there. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from sync_delta_state where jsonb_typeof(state->'usersLink') is distinct from 'string';
    alter table sync_delta_state add column group_links jsonb;
    alter table sync_delta_state add column users_link text;
    alter table sync_delta_state add column tracked_group_ids jsonb;
    update sync_delta_state set group_links = coalesce(state->'groupLinks', '[]'::jsonb),
      users_link = state->>'usersLink', tracked_group_ids = coalesce(state->'trackedGroupIds', '[]'::jsonb);
    alter table sync_delta_state alter column group_links set not null;
    alter table sync_delta_state alter column users_link set not null;
    alter table sync_delta_state alter column tracked_group_ids set not null;
    alter table sync_delta_state drop column state;
  `.execute(db);
}
