import { sql, type Kysely } from 'kysely';

/**
 * The mapped `attributes` of a product user (2026_12_01_220000) are read by the planner too, so a change of them
 * by anyone but the sync must unsettle the user like a change of its columns (2026_12_01_210000).
 */
const columns = (row: 'new' | 'old', withAttributes: boolean) =>
  sql.raw(
    [
      'company_id',
      'customer_type_id',
      'email',
      'initials',
      'first_name',
      'last_name',
      'display_name',
      'phone',
      'mobile',
      'department',
      'job_title',
      'office_location',
      'external_id',
      'managing_setup_id',
      'active',
      'deactivated_at',
      'deactivated_by_setup_id',
      ...(withAttributes ? ['attributes'] : []),
    ]
      .map((column) => `${row}.${column}`)
      .join(', '),
  );

async function defineUnsettle(db: Kysely<unknown>, withAttributes: boolean): Promise<void> {
  await sql`
    create or replace function users_unsettle() returns trigger language plpgsql as $$
    begin
      if (${columns('new', withAttributes)}) is distinct from (${columns('old', withAttributes)}) then
        new.settled_hash := null;
      end if;
      return new;
    end $$;
  `.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await defineUnsettle(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await defineUnsettle(db, false);
}
