import { sql, type Kysely } from 'kysely';

/**
 * The product's users and everything directory sync owns. Constraints make bad states impossible rather than
 * relying on the application: one email and one set of initials per company, one Entra object id per setup,
 * a user's customer type always of the user's own company, one active run per setup, an append-only audit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table companies (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(trim(name)) > 0),
      directory_sync_enabled boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table api_keys (
      id uuid primary key default gen_random_uuid(),
      company_id uuid not null references companies(id) on delete cascade,
      name text not null default 'default',
      -- the first characters of the key, shown in lists so a person can tell keys apart; never enough to use
      prefix text not null,
      -- sha256 of the whole key: keys are random 32-byte values, so a fast hash is enough and lookups are exact
      key_hash text not null unique,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );

    create table customer_types (
      id uuid primary key default gen_random_uuid(),
      company_id uuid not null references companies(id) on delete cascade,
      name text not null check (length(trim(name)) > 0),
      created_at timestamptz not null default now(),
      unique (company_id, name),
      unique (id, company_id)
    );

    create table directory_connections (
      id uuid primary key default gen_random_uuid(),
      company_id uuid not null references companies(id) on delete cascade,
      provider text not null check (provider in ('azure')),
      -- what the admin typed (GUID or verified domain), lower-cased; tenant_guid is what Microsoft confirmed
      tenant_id text not null,
      tenant_guid uuid,
      designation text,
      status text not null default 'pending_consent' check (status in
        ('pending_consent', 'verifying', 'connected', 'consent_denied', 'consent_expired', 'consent_revoked', 'failed')),
      status_reason text,
      organization_name text,
      verified_domains jsonb not null default '[]'::jsonb,
      connected_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (id, company_id)
    );
    create unique index directory_connections_one_per_tenant on directory_connections (company_id, provider, tenant_id);
    create unique index directory_connections_one_per_verified_tenant on directory_connections (company_id, provider, tenant_guid)
      where tenant_guid is not null;

    -- One-time admin-consent states: only a hash is stored (the state travels through the browser), each is
    -- used at most once and expires with the consent timeout.
    create table consent_states (
      state_hash text primary key,
      connection_id uuid not null references directory_connections(id) on delete cascade,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index consent_states_connection on consent_states (connection_id);

    create table sync_setups (
      id uuid primary key default gen_random_uuid(),
      company_id uuid not null references companies(id) on delete cascade,
      connection_id uuid not null,
      customer_type_id uuid not null,
      resource_type text not null default 'users' check (resource_type in ('users')),
      designation text,
      group_id text not null,
      group_display_name text,
      update_existing boolean not null default true,
      delete_removed boolean not null default false,
      match_on text not null default 'email' check (match_on in ('email', 'initials')),
      initials_attributes text[] not null default array['onPremisesSamAccountName', 'mailNickname'],
      ldap_path text,
      ldap_filter text,
      interval_minutes integer not null default 10 check (interval_minutes >= 1),
      removal_grace_days integer not null default 0 check (removal_grace_days >= 0),
      deletion_threshold_count integer not null default 500 check (deletion_threshold_count >= 0),
      deletion_threshold_percent integer not null default 20 check (deletion_threshold_percent between 0 and 100),
      enabled boolean not null default true,
      status text not null default 'active' check (status in ('active', 'paused', 'error')),
      status_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (id, company_id),
      -- a setup may only use its own company's connection and customer type
      foreign key (connection_id, company_id) references directory_connections (id, company_id),
      foreign key (customer_type_id, company_id) references customer_types (id, company_id)
    );
    create unique index sync_setups_one_per_group on sync_setups (connection_id, group_id, customer_type_id);

    create table users (
      id uuid primary key default gen_random_uuid(),
      company_id uuid not null references companies(id) on delete cascade,
      customer_type_id uuid not null,
      email text,
      initials text,
      first_name text,
      last_name text,
      display_name text,
      phone text,
      mobile text,
      department text,
      job_title text,
      office_location text,
      external_id text,
      managing_setup_id uuid references sync_setups(id) on delete set null,
      active boolean not null default true,
      deactivated_at timestamptz,
      -- which setup deactivated the user: only that setup may reactivate it (an admin's deactivation sticks)
      deactivated_by_setup_id uuid references sync_setups(id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      foreign key (customer_type_id, company_id) references customer_types (id, company_id)
    );
    create unique index users_one_email_per_company on users (company_id, lower(email)) where email is not null;
    create unique index users_one_initials_per_company on users (company_id, upper(initials)) where initials is not null;
    create unique index users_one_external_id_per_setup on users (managing_setup_id, external_id) where external_id is not null;
    create index users_company_customer_type on users (company_id, customer_type_id);

    create table sync_runs (
      id uuid primary key default gen_random_uuid(),
      -- history outlives its setup: deleting a setup keeps its runs and their audit
      setup_id uuid references sync_setups(id) on delete set null,
      company_id uuid not null references companies(id),
      trigger text not null check (trigger in ('schedule', 'manual', 'api')),
      mode text not null default 'full' check (mode in ('full', 'delta')),
      dry_run boolean not null default false,
      status text not null default 'queued' check (status in
        ('queued', 'running', 'awaiting_approval', 'succeeded', 'failed', 'cancelled')),
      counts jsonb not null default '{}'::jsonb,
      progress jsonb not null default '{}'::jsonb,
      error text,
      workflow_id text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz
    );
    -- one run at a time per setup, whoever starts it
    create unique index sync_runs_one_active_per_setup on sync_runs (setup_id)
      where status in ('queued', 'running', 'awaiting_approval');
    create index sync_runs_setup_created on sync_runs (setup_id, created_at desc);

    create table sync_changes (
      id bigint generated always as identity primary key,
      run_id uuid not null references sync_runs(id),
      setup_id uuid not null,
      company_id uuid not null,
      user_id uuid,
      external_id text,
      action text not null check (action in
        ('create', 'update', 'adopt', 'deactivate', 'delete', 'skip', 'conflict', 'failed')),
      before jsonb,
      after jsonb,
      reason text not null,
      created_at timestamptz not null default now(),
      -- one audit row per subject per run: a retried or replayed batch cannot write it twice
      subject_key text not null,
      unique (run_id, subject_key)
    );
    create index sync_changes_run_action on sync_changes (run_id, action, id);

    -- The audit is append-only: rows can be inserted, never updated or deleted (GDPR evidence).
    create function sync_changes_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'sync_changes is append-only (% refused)', tg_op using errcode = 'P0001';
    end $$;
    create trigger sync_changes_append_only before update or delete on sync_changes
      for each row execute function sync_changes_append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists sync_changes;
    drop function if exists sync_changes_append_only();
    drop table if exists sync_runs;
    drop table if exists users;
    drop table if exists sync_setups;
    drop table if exists consent_states;
    drop table if exists directory_connections;
    drop table if exists customer_types;
    drop table if exists api_keys;
    drop table if exists companies;
  `.execute(db);
}
