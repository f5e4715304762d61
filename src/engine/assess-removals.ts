import type { Db } from '../db/database.js';
import { countManagedUsers } from '../db/repositories/sync-candidates.js';
import { countStaged } from '../db/repositories/sync-staging.js';
import { getRun } from '../db/repositories/sync-runs.js';
import type { SetupPolicy } from '../sync/types.js';
import { countPendingRemovals } from './pending-removals.js';

export interface RemovalAssessment {
  /** Deactivations and deletions the run would apply: removed members plus members disabled in Entra. */
  removals: number;
  /** Users the setup manages before the run. */
  managedCount: number;
  /** Members read from the directory. */
  memberCount: number;
  /**
   * Users the removal phase will look at (missing from the read, or reported gone), whatever it decides for them;
   * absent when not counted (a setup that does not remove users). 0: the run may skip its removal phase.
   */
  removalCandidates?: number;
}

/**
 * What the deletion guard needs, computed before anything is applied and without holding the group in memory;
 * who would be removed is answered by engine/pending-removals.ts, the same module the approval prompt lists from.
 */
export async function assessRemovals(
  db: Db,
  input: { policy: SetupPolicy; runId: string; batchSize: number; now: Date; mode: 'full' | 'delta' },
): Promise<RemovalAssessment> {
  const { policy, runId } = input;
  // members_read is kept equal to the staged count by staging itself (sync-staging.ts): no count over staging here
  const [managedCount, run, pending] = await Promise.all([
    countManagedUsers(db, policy.setupId),
    getRun(db, runId),
    countPendingRemovals(db, input),
  ]);
  const memberCount = run?.members_read ?? (await countStaged(db, runId));
  // A delta round that reports no change reads no members at all; that is not an empty group.
  return {
    removals: pending.removals,
    ...(pending.candidates === undefined ? {} : { removalCandidates: pending.candidates }),
    managedCount,
    memberCount: input.mode === 'delta' ? Math.max(memberCount, managedCount) : memberCount,
  };
}
