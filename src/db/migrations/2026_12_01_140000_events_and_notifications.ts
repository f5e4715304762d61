import { sql, type Kysely } from 'kysely';

/**
 * The ordered event feed (directory_events) and per-company notifications (targets, deliveries, attempts).
 *
 * directory_events is both the product's feed and the notifications' outbox: a row is written in the same
 * transaction as the state change it reports (a run closed or held, access lost; user.* rows by a trigger on the
 * append-only audit, so the sync engine's write path is untouched). `txid` is the writing transaction's id: the
 * feed orders by (txid, id) and shows only rows of transactions older than every transaction still running
 * (pg_snapshot_xmin), so a reader never passes a row that commits later — a gap-free cursor under concurrent runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table directory_events (
      id bigint generated always as identity primary key,
      txid xid8 not null default pg_current_xact_id(),
      company_id uuid not null references companies(id) on delete cascade,
      type text not null,
      setup_id uuid,
      run_id uuid,
      user_id uuid,
      data jsonb not null default '{}',
      created_at timestamptz not null default now()
    );
    create index directory_events_feed on directory_events (company_id, txid, id);
    create index directory_events_order on directory_events (txid, id);
    create index directory_events_created on directory_events (created_at);

    -- user.* events from the audit rows a batch writes, in the batch's transaction (previews excluded).
    create function directory_events_from_changes() returns trigger language plpgsql as $$
    begin
      insert into directory_events (company_id, type, setup_id, run_id, user_id, data)
      select n.company_id,
             case n.action
               when 'create' then 'user.created'
               when 'update' then 'user.updated'
               when 'adopt' then 'user.updated'
               when 'deactivate' then 'user.deactivated'
               else 'user.deleted'
             end,
             n.setup_id, n.run_id, n.user_id,
             jsonb_strip_nulls(jsonb_build_object(
               'userId', n.user_id,
               'externalId', n.external_id,
               'setupId', n.setup_id,
               'runId', n.run_id,
               'adopted', case when n.action = 'adopt' then true end,
               'reason', n.reason,
               'user', case when n.action = 'delete' then n.before else n.after end,
               'changedFields', case when n.action in ('update', 'adopt') then (
                 select coalesce(jsonb_agg(k order by k), '[]'::jsonb)
                 from jsonb_object_keys(coalesce(n.before, '{}'::jsonb) || coalesce(n.after, '{}'::jsonb)) as k
                 where (n.before -> k) is distinct from (n.after -> k)
               ) end
             ))
      from new_rows n
      join sync_runs r on r.id = n.run_id
      where not r.dry_run and n.action in ('create', 'update', 'adopt', 'deactivate', 'delete')
      order by n.id;
      return null;
    end $$;
    create trigger sync_changes_to_events after insert on sync_changes
      referencing new table as new_rows
      for each statement execute function directory_events_from_changes();

    create table notification_targets (
      id uuid primary key default gen_random_uuid(),
      company_id uuid not null references companies(id) on delete cascade,
      kind text not null check (kind in ('webhook', 'email')),
      name text not null,
      url text,
      emails jsonb,
      secret_encrypted text,
      event_types text[] not null,
      enabled boolean not null default true,
      created_at timestamptz not null default now(),
      check ((kind = 'webhook' and url is not null and secret_encrypted is not null) or (kind = 'email' and emails is not null))
    );
    create index notification_targets_company on notification_targets (company_id);

    create table notification_deliveries (
      id uuid primary key default gen_random_uuid(),
      event_id bigint not null references directory_events(id) on delete cascade,
      target_id uuid not null references notification_targets(id) on delete cascade,
      company_id uuid not null references companies(id) on delete cascade,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempts int not null default 0,
      last_error text,
      created_at timestamptz not null default now(),
      delivered_at timestamptz,
      -- when its delivery workflow was started (workflow id notification-delivery-<id>: started at most once)
      dispatched_at timestamptz,
      -- one delivery per event and target, however often the relay or a retry offers it
      unique (event_id, target_id)
    );
    create index notification_deliveries_company on notification_deliveries (company_id, created_at desc);
    create index notification_deliveries_target on notification_deliveries (target_id, created_at desc);
    create index notification_deliveries_undispatched on notification_deliveries (created_at) where dispatched_at is null;

    create table notification_attempts (
      id bigint generated always as identity primary key,
      delivery_id uuid not null references notification_deliveries(id) on delete cascade,
      attempt int not null,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      ok boolean,
      status_code int,
      error text
    );
    create index notification_attempts_delivery on notification_attempts (delivery_id, id);

    -- How far the outbox relay has turned events into deliveries (one row; the relay locks it).
    create table notification_relay (
      id int primary key check (id = 1),
      txid xid8 not null,
      event_id bigint not null
    );
    insert into notification_relay (id, txid, event_id) values (1, '0'::xid8, 0);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists notification_relay;
    drop table if exists notification_attempts;
    drop table if exists notification_deliveries;
    drop table if exists notification_targets;
    drop trigger if exists sync_changes_to_events on sync_changes;
    drop function if exists directory_events_from_changes();
    drop table if exists directory_events;
  `.execute(db);
}
