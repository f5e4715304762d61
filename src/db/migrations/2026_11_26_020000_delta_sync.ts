import { sql, type Kysely } from 'kysely';

/**
 * Incremental sync with Graph delta queries: per setup, the delta links to resume from (advanced only when a
 * run's changes are committed), and per run, the membership and user changes a delta round reported.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sync_delta_state (
      setup_id uuid primary key references sync_setups(id) on delete cascade,
      -- the setup's group and its nested groups, in /groups/delta $filter chunks of at most 50 ids
      group_links jsonb not null,
      users_link text not null,
      -- the nested groups when the links were made: a change to them means a full sync
      tracked_group_ids jsonb not null,
      established_at timestamptz not null,
      last_full_at timestamptz not null,
      updated_at timestamptz not null default now()
    );

    alter table sync_setups add column full_reconcile_hours integer not null default 24 check (full_reconcile_hours >= 1);
    -- links a run will store if it succeeds (written at the start of a full read, or after a delta round)
    alter table sync_runs add column pending_delta jsonb;

    -- Group membership changes of one delta run (net per user: the last report wins).
    create table sync_run_delta_members (
      run_id uuid not null references sync_runs(id) on delete cascade,
      external_id text not null,
      change text not null check (change in ('added', 'removed')),
      primary key (run_id, external_id)
    );

    -- Users reported changed (data) or removed (reason) by one delta run's /users/delta round.
    create table sync_run_delta_users (
      run_id uuid not null references sync_runs(id) on delete cascade,
      external_id text not null,
      data jsonb,
      removed_reason text,
      primary key (run_id, external_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists sync_run_delta_users;
    drop table if exists sync_run_delta_members;
    alter table sync_runs drop column if exists pending_delta;
    alter table sync_setups drop column if exists full_reconcile_hours;
    drop table if exists sync_delta_state;
  `.execute(db);
}
