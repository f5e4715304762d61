import { sql, type Kysely } from 'kysely';

/**
 * What a delta run knows about membership without asking the directory (issue 15). Group delta reports every
 * change of direct membership of the tracked groups, so a changed user it did not mention is a member exactly
 * when it was one as the setup's last successful run ended. For the users a setup manages that is recorded
 * the other way round, where it is rare: `users.not_member_since` is set on each managed user a run's removal
 * phase saw outside the group and kept (deleteRemoved off, a held or rejected removal, a grace period…), and
 * cleared when a successful run stages it as a member again (src/db/repositories/membership-markers.ts). A
 * managed user without it was a member.
 *
 * `sync_delta_state.non_members_marked` says the markers of the setup are complete: set by a full run's commit
 * (its removal phase marked every managed user it did not read). States stored before this migration do not
 * have it, so their delta runs keep confirming every changed user until the next full run.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users add column not_member_since timestamptz;
    -- few rows carry the marker; the clearing statement and the delta's lookup read only those
    create index users_not_member_by_setup on users (managing_setup_id) where not_member_since is not null;
    alter table sync_delta_state add column non_members_marked boolean not null default false;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sync_delta_state drop column if exists non_members_marked;
    drop index if exists users_not_member_by_setup;
    alter table users drop column if exists not_member_since;
  `.execute(db);
}
