import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../database.js';
import type { MatchKeys } from '../../sync/match-keys.js';
import type { ProductUser } from '../../sync/types.js';
import type { UserRow } from '../schema.js';
import { toProductUser } from './sync-user-rows.js';

/**
 * The product users of the company that one chunk of members can touch: linked to a member by Entra id (under
 * any setup, so the planner can see a conflict), or carrying one of the chunk's match keys. Each kind of key is
 * joined from an unnested array parameter (an index probe or a hash join per arm, the planner's choice), never
 * tested with `= any(keys)` row by row: that form made Postgres compare every user of the company with a
 * thousand keys (measured 240 ms per chunk at 100,000 users). Rows found by two arms are returned once.
 */
export function candidatesQuery(companyId: string, keys: MatchKeys) {
  const arms: RawBuilder<unknown>[] = [];
  if (keys.externalIds.length > 0) {
    arms.push(sql`select u.* from unnest(${keys.externalIds}::text[]) as k(key) join users u on u.company_id = ${companyId}::uuid and u.external_id = k.key`);
  }
  if (keys.emails.length > 0) {
    arms.push(sql`select u.* from unnest(${keys.emails}::text[]) as k(key) join users u on u.company_id = ${companyId}::uuid and u.email is not null and lower(u.email) = k.key`);
  }
  if (keys.initials.length > 0) {
    arms.push(sql`select u.* from unnest(${keys.initials}::text[]) as k(key) join users u on u.company_id = ${companyId}::uuid and u.initials is not null and upper(u.initials) = k.key`);
  }
  return sql<UserRow>`${sql.join(arms, sql` union all `)}`;
}

export async function loadCandidates(db: Db, companyId: string, keys: MatchKeys): Promise<ProductUser[]> {
  if (keys.externalIds.length + keys.emails.length + keys.initials.length === 0) return [];
  const result = await candidatesQuery(companyId, keys).execute(db);
  const unique = new Map(result.rows.map((row) => [row.id, row]));
  return [...unique.values()].map(toProductUser);
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
