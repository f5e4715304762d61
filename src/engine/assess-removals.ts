import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { countManagedUsers } from '../db/repositories/sync-candidates.js';
import { countStaged } from '../db/repositories/sync-staging.js';
import { readDeltaRemovedChunk } from '../db/repositories/sync-delta.js';
import { readRemovedChunk } from '../db/repositories/sync-removals.js';
import { countRemovals, planRemovals } from '../sync/index.js';
import type { SetupPolicy } from '../sync/types.js';

export interface RemovalAssessment {
  /** Deactivations and deletions the run would apply: removed members plus members disabled in Entra. */
  removals: number;
  /** Users the setup manages before the run. */
  managedCount: number;
  /** Members read from the directory. */
  memberCount: number;
}

/**
 * What the deletion guard needs, computed before anything is applied and without holding the group in memory:
 * disabled members that would be deactivated are counted in SQL; removed users are planned chunk by chunk.
 */
export async function assessRemovals(db: Db, input: { policy: SetupPolicy; runId: string; batchSize: number; now: Date; mode: 'full' | 'delta' }): Promise<RemovalAssessment> {
  const { policy, runId } = input;
  const [managedCount, memberCount] = await Promise.all([countManagedUsers(db, policy.setupId), countStaged(db, runId)]);
  const disabled = await sql<{ n: number }>`
    select count(*)::int as n
    from sync_run_members m
    join users u on u.company_id = ${policy.companyId}::uuid and u.external_id = m.external_id and u.managing_setup_id = ${policy.setupId}::uuid
    where m.run_id = ${runId}::uuid and u.active and (m.data->>'accountEnabled') = 'false'`.execute(db);
  let removals = disabled.rows[0]?.n ?? 0;
  if (policy.deleteRemoved) {
    let cursor: string | null = null;
    for (;;) {
      const readRemoved = input.mode === 'delta' ? readDeltaRemovedChunk : readRemovedChunk;
      const removed = await readRemoved(db, { setupId: policy.setupId, runId, afterUserId: cursor, limit: input.batchSize });
      if (removed.length === 0) break;
      removals += countRemovals(planRemovals(removed, policy, input.now));
      cursor = removed.at(-1)!.id;
    }
  }
  // A delta round that reports no change reads no members at all; that is not an empty group.
  return { removals, managedCount, memberCount: input.mode === 'delta' ? Math.max(memberCount, managedCount) : memberCount };
}
