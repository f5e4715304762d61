import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../database.js';
import { unpeeked } from './unpeeked.js';

/**
 * Settled members (migration 2026_12_01_210000_settled_members): a user's `settled_hash` is md5 of the setup
 * policy's key and its member's staged data as last applied. A staged member whose user still carries the hash of
 * its data now is settled — planning it again can only say `unchanged` — so it is staged without its data and the
 * apply counts it without reading its candidates or planning it. A no-change full sync then costs little more
 * than its read.
 */

export interface SettleKey {
  runId: string;
  /** A digest of everything the planner reads besides the member and the user: the setup policy. */
  policyKey: string;
}

/** The hash a user gets for the member of the run's staging with external id `externalId` (SQL, null if none). */
export function settledHashOf(settle: SettleKey | undefined, externalId: RawBuilder<unknown>): RawBuilder<unknown> {
  if (!settle) return sql`null`;
  return sql`(select md5(${settle.policyKey} || m.data_hash) from sync_run_members m
    where m.run_id = ${settle.runId}::uuid and m.external_id = ${externalId})`;
}

/** Whose settled members a run looks for: the setup's users, under its policy's key. */
export type SettleScope = SettleKey & { companyId: string; setupId: string };

/**
 * Which of a page's members are settled, asked as the page is staged (sync-staging.ts): their user is this
 * setup's, carries the hash of this member's data under this policy, and no other user of the company is linked to
 * the same Entra id (which the planner would have to weigh). One index probe per member (users_company_external_id).
 *
 * The answer stands for the rest of the run: a user edited in the product after its member was staged is still
 * counted unchanged by this run (its edit cleared the mark, so the next run plans it), just as if the edit had
 * come after the run.
 */
export async function settledMembers(
  db: Db,
  scope: Omit<SettleScope, 'runId'>,
  page: readonly { externalId: string; dataHash: string }[],
): Promise<Set<string>> {
  if (page.length === 0) return new Set();
  const result = await settledMembersQuery(scope, page).execute(db);
  return new Set(result.rows.map((row) => row.external_id));
}

/** The statement behind settledMembers (tests look at its plan). */
export function settledMembersQuery(
  scope: Omit<SettleScope, 'runId'>,
  page: readonly { externalId: string; dataHash: string }[],
) {
  return sql<{ external_id: string }>`
    select k.external_id
    from unnest(${page.map((m) => m.externalId)}::text[], ${page.map((m) => m.dataHash)}::text[]) as k(external_id, data_hash)
    cross join lateral (
      select count(*) = 1 and bool_and(u.managing_setup_id = ${scope.setupId}::uuid
          and u.settled_hash = md5(${scope.policyKey} || k.data_hash)) as settled
      from users u
      where u.company_id = ${unpeeked(scope.companyId)} and u.external_id = k.external_id
    ) s
    where s.settled`;
}

/** Marks the users of members the batch planned `unchanged` as settled with their data now. */
export async function settleUnchanged(trx: Db, scope: SettleScope, externalIds: readonly string[]): Promise<void> {
  if (externalIds.length === 0) return;
  await sql`
    update users u set settled_hash = md5(${scope.policyKey} || m.data_hash)
    from sync_run_members m
    where m.run_id = ${scope.runId}::uuid and m.external_id = any(${externalIds}::text[])
      and u.company_id = ${scope.companyId}::uuid and u.managing_setup_id = ${scope.setupId}::uuid
      and u.external_id = m.external_id
      and u.settled_hash is distinct from md5(${scope.policyKey} || m.data_hash)`.execute(trx);
}
