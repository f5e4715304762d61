import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../database.js';
import type { MatchKeys } from '../../sync/match-keys.js';
import type { ProductUser } from '../../sync/types.js';
import type { UserRow } from '../schema.js';
import { toProductUser } from './sync-user-rows.js';
import { unpeeked } from './unpeeked.js';

/**
 * The product users of the company that one chunk of members can touch: linked to a member by Entra id (under
 * any setup, so the planner can see a conflict), or carrying one of the chunk's match keys. Every key is one
 * index probe: a LATERAL subquery per key, fenced with OFFSET 0 so the planner cannot turn it into a hash join
 * over the whole company. Both plans Postgres preferred on its own were slow at 100,000 users: `= any(keys)`
 * compared every user with a thousand keys (240 ms per chunk), and a hash join read the whole table per chunk
 * while a first sync was filling it (its statistics still said "empty"). The company id is `unpeeked` for the
 * same reason (see there). Rows found by two arms come once.
 */
export function candidatesQuery(companyId: string, keys: MatchKeys) {
  const arms: RawBuilder<unknown>[] = [];
  const company = unpeeked(companyId);
  if (keys.externalIds.length > 0) {
    arms.push(sql`select u.* from unnest(${keys.externalIds}::text[]) as k(key)
      cross join lateral (select * from users where company_id = ${company} and external_id = k.key offset 0) u`);
  }
  if (keys.emails.length > 0) {
    arms.push(sql`select u.* from unnest(${keys.emails}::text[]) as k(key)
      cross join lateral (select * from users where company_id = ${company} and email is not null and lower(email) = k.key offset 0) u`);
  }
  if (keys.initials.length > 0) {
    arms.push(sql`select u.* from unnest(${keys.initials}::text[]) as k(key)
      cross join lateral (select * from users where company_id = ${company} and initials is not null and upper(initials) = k.key offset 0) u`);
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
