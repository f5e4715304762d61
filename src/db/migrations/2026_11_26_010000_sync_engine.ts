import { sql, type Kysely } from 'kysely';

/**
 * What the sync engine needs beyond the initial schema: a staging area for a run's directory members, the
 * idempotency keys of applied batches, progress counters on the run, and the indexes the set-based queries use.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A run's directory members, staged page by page before anything is planned, so bulk data stays in
    -- Postgres rather than in Temporal history. The primary key makes re-staging a member (a retried page,
    -- Graph replaying a member on a later page) an overwrite, never a duplicate.
    create table sync_run_members (
      run_id uuid not null references sync_runs(id) on delete cascade,
      external_id text not null,
      -- the member's position in Graph's order when first read (for reports); planning pages by external_id
      ordinal integer not null,
      data jsonb not null,
      primary key (run_id, external_id)
    );

    -- One row per applied batch, written in the same transaction as the batch's user writes and audit rows:
    -- a batch whose key exists has been applied, so a retry returns the stored result and writes nothing.
    -- No cascade: like the audit, it is evidence of what a run did.
    create table sync_run_batches (
      run_id uuid not null references sync_runs(id),
      batch_key text not null,
      counts jsonb not null,
      -- the keyset position after the batch: a retry resumes from here even when its re-read chunk differs
      -- (the applied attempt deleted users, so the same read now returns the next ones)
      cursor text,
      applied_at timestamptz not null default now(),
      primary key (run_id, batch_key)
    );

    -- Progress while staging. The Graph paging cursor is not stored: the activity heartbeats it, and a
    -- replayed page only overwrites staged rows.
    alter table sync_runs
      add column members_read integer not null default 0,
      add column pages_read integer not null default 0;

    -- Linking a chunk's members to product users by Entra object id, whichever setup manages them.
    create index users_company_external_id on users (company_id, external_id) where external_id is not null;
    -- The users a setup manages, in id order: the removal query's keyset and countManagedUsers.
    create index users_managed_by_setup on users (managing_setup_id, id) where managing_setup_id is not null;
    -- The email and initials indexes are partial, and Postgres keeps no statistics for a partial index's
    -- expression: without these it guesses that lower(email) = any(500 keys) matches most of the company and
    -- scans all of it (measured: 28 ms instead of 3.5 ms at 100,000 users). With them the candidate query is a
    -- BitmapOr over the three indexes.
    create statistics users_lower_email on (lower(email)) from users;
    create statistics users_upper_initials on (upper(initials)) from users;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop statistics if exists users_upper_initials;
    drop statistics if exists users_lower_email;
    drop index if exists users_managed_by_setup;
    drop index if exists users_company_external_id;
    alter table sync_runs drop column if exists pages_read, drop column if exists members_read;
    drop table if exists sync_run_batches;
    drop table if exists sync_run_members;
  `.execute(db);
}
