import { sql, type RawBuilder } from 'kysely';

/**
 * A company or setup id for an index probe, as a value the planner cannot look at (an InitPlan).
 *
 * Why: for a company or setup the table's statistics have not seen yet — every first sync of a new customer,
 * whose users are written faster than autovacuum analyzes them — Postgres estimates `company_id = <that id>` at
 * about one row, and then any index that starts with company_id looks as cheap as the one that also holds the
 * probed key. It picked users_company_customer_type and filtered on external_id (or lower(email)), reading
 * every user of the company for every member: quadratic, 270 s instead of 6 s for a 20,000-member first sync in
 * a database that already held another company's users. Behind an InitPlan the id is estimated as an average
 * one, and the index with both columns wins.
 */
export function unpeeked(id: string): RawBuilder<string> {
  return sql<string>`(select ${id}::uuid)`;
}
