import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../database.js';
import type { MatchKeys } from '../../sync/match-keys.js';
import type { ProductUser } from '../../sync/types.js';
import { toProductUser } from './sync-user-rows.js';

/**
 * The product users of the company that one chunk of members can touch: linked to a member by Entra id (under
 * any setup, so the planner can see a conflict), or carrying one of the chunk's match keys. One query; each arm
 * repeats its index's expression and predicate (lower(email) where email is not null, …) so Postgres can
 * answer it with a BitmapOr over users_company_external_id, users_one_email_per_company and
 * users_one_initials_per_company (the expression statistics of the sync engine migration make it choose to).
 * Keys travel as one array parameter each, whatever the chunk size.
 */
export function candidatesQuery(db: Db, companyId: string, keys: MatchKeys) {
  const arms: Expression<SqlBool>[] = [];
  if (keys.externalIds.length > 0) arms.push(sql<SqlBool>`(external_id is not null and external_id = any(${keys.externalIds}::text[]))`);
  if (keys.emails.length > 0) arms.push(sql<SqlBool>`(email is not null and lower(email) = any(${keys.emails}::text[]))`);
  if (keys.initials.length > 0) arms.push(sql<SqlBool>`(initials is not null and upper(initials) = any(${keys.initials}::text[]))`);
  return db
    .selectFrom('users')
    .selectAll()
    .where('company_id', '=', companyId)
    .where((eb) => (arms.length > 0 ? eb.or(arms) : eb.lit(false)));
}

export async function loadCandidates(db: Db, companyId: string, keys: MatchKeys): Promise<ProductUser[]> {
  if (keys.externalIds.length + keys.emails.length + keys.initials.length === 0) return [];
  const rows = await candidatesQuery(db, companyId, keys).execute();
  return rows.map(toProductUser);
}

/** How many users the setup manages now: the deletion guard's base. */
export async function countManagedUsers(db: Db, setupId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('managing_setup_id', '=', setupId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
