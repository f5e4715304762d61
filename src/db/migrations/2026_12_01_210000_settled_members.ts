import { sql, type Kysely } from 'kysely';

/**
 * A no-change sync at the cost of reading (issue 15). `users.settled_hash` says: "this user's member, with
 * exactly this staged data under exactly this setup policy, was planned and applied against the user as it is
 * now" — the hash of the policy and the member's staged data (`sync_run_members.data_hash`), set by the sync when
 * a batch applied the member.
 * The planner is a pure function of (member, user, policy) and an applied plan is a fixed point, so while the
 * hash matches, planning the member again can only give `unchanged`: the apply counts it without reading its
 * candidates or planning it (src/db/repositories/sync-settled.ts).
 *
 * The trigger keeps the promise: any update that changes a column the planner reads (the synced fields, the link,
 * the managing setup, activation, company or customer type) and does not itself set a new hash clears it, so a
 * change made in the product — or by a removal, or another setup — sends the member through the planner again.
 * A new row starts without a hash.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users add column settled_hash text;
    -- a digest of the staged member's data, made by the worker as it stages the page (sync-staging.ts)
    alter table sync_run_members add column data_hash text;

    create function users_unsettle() returns trigger language plpgsql as $$
    begin
      if (new.company_id, new.customer_type_id, new.email, new.initials, new.first_name, new.last_name,
          new.display_name, new.phone, new.mobile, new.department, new.job_title, new.office_location,
          new.external_id, new.managing_setup_id, new.active, new.deactivated_at, new.deactivated_by_setup_id)
         is distinct from
         (old.company_id, old.customer_type_id, old.email, old.initials, old.first_name, old.last_name,
          old.display_name, old.phone, old.mobile, old.department, old.job_title, old.office_location,
          old.external_id, old.managing_setup_id, old.active, old.deactivated_at, old.deactivated_by_setup_id) then
        new.settled_hash := null;
      end if;
      return new;
    end $$;

    -- only rows that hold a hash and keep it in this update pay for the check
    create trigger users_unsettle before update on users for each row
      when (old.settled_hash is not null and new.settled_hash is not distinct from old.settled_hash)
      execute function users_unsettle();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists users_unsettle on users;
    drop function if exists users_unsettle();
    alter table users drop column if exists settled_hash;
    alter table sync_run_members drop column if exists data_hash;
  `.execute(db);
}
