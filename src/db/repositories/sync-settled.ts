import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../database.js';
import type { DirectoryUser } from '../../sync/types.js';

/**
 * Settled members (migration 2026_12_01_210000_settled_members): a user's `settled_hash` is md5 of the setup
 * policy's key and its member's staged data as last applied. A staged member whose user still carries the hash of
 * its data now is settled — planning it again can only say `unchanged` — so the apply counts it without reading
 * its candidates or planning it. A no-change full sync then costs little more than its read.
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

export interface StagedChunk {
  /** The members to plan, in external-id order. */
  members: DirectoryUser[];
  /** Members of the chunk that are settled: counted unchanged, not planned. */
  settled: number;
  /** The chunk's last external id (settled or not): the cursor after it; null when the chunk is empty. */
  lastKey: string | null;
}

/**
 * The next `limit` staged members after `afterExternalId` (up to `upToExternalId`), with the settled ones told
 * apart: their user is this setup's, carries the hash of this member's data under this policy, and no other user
 * of the company is linked to the same Entra id (which the planner would have to weigh).
 */
export async function readStagedChunkSettled(
  db: Db,
  scope: SettleKey & { companyId: string; setupId: string },
  page: { afterExternalId: string | null; limit: number; upToExternalId?: string | null },
): Promise<StagedChunk> {
  // One index probe per member (users_company_external_id): settled when the company has exactly one user linked
  // to it, and that user is this setup's and carries the hash. The chunk is cut first, then probed.
  const result = await sql<{ external_id: string; data: DirectoryUser | null }>`
    select m.external_id, case when s.settled then null else m.data end as data
    from (
      select external_id, data, data_hash from sync_run_members
      where run_id = ${scope.runId}::uuid
        ${page.afterExternalId !== null ? sql`and external_id > ${page.afterExternalId}` : sql``}
        ${page.upToExternalId != null ? sql`and external_id <= ${page.upToExternalId}` : sql``}
      order by external_id
      limit ${page.limit}
    ) m
    cross join lateral (
      select count(*) = 1 and bool_and(u.managing_setup_id = ${scope.setupId}::uuid
          and u.settled_hash = md5(${scope.policyKey} || m.data_hash)) as settled
      from users u
      where u.company_id = ${scope.companyId}::uuid and u.external_id = m.external_id
    ) s
    order by m.external_id`.execute(db);
  const members = result.rows.flatMap((row) => (row.data ? [row.data] : []));
  return {
    members,
    settled: result.rows.length - members.length,
    lastKey: result.rows.at(-1)?.external_id ?? null,
  };
}

/** Marks the users of members the batch planned `unchanged` as settled with their data now. */
export async function settleUnchanged(
  trx: Db,
  scope: SettleKey & { companyId: string; setupId: string },
  externalIds: readonly string[],
): Promise<void> {
  if (externalIds.length === 0) return;
  await sql`
    update users u set settled_hash = md5(${scope.policyKey} || m.data_hash)
    from sync_run_members m
    where m.run_id = ${scope.runId}::uuid and m.external_id = any(${externalIds}::text[])
      and u.company_id = ${scope.companyId}::uuid and u.managing_setup_id = ${scope.setupId}::uuid
      and u.external_id = m.external_id
      and u.settled_hash is distinct from md5(${scope.policyKey} || m.data_hash)`.execute(trx);
}
