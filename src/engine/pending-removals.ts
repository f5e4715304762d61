import type { Db } from '../db/database.js';
import {
  countDisabledManagedMembers,
  listDisabledManagedMembers,
  readRemovalCandidates,
} from '../db/repositories/pending-removals.js';
import { countRemovals, planRemovals } from '../sync/index.js';
import type { SetupPolicy } from '../sync/types.js';

/**
 * Who a run would remove, the one place that answers it: members disabled in the directory, who would be
 * deactivated, and the managed users no longer in the group (a full run: missing from the staged members; a delta
 * run: reported gone by the delta) as the removal planner treats them. The deletion guard's assessment counts them
 * (engine/assess-removals.ts); the admin page's approval prompt lists them by name; the apply removes the same
 * candidates (engine/apply-chunks.ts reads them through the same repository function, readRemovalCandidates).
 * Read before anything is applied and only while the run's staging exists.
 */
export interface PendingRemovalsScope {
  policy: SetupPolicy;
  runId: string;
  mode: 'full' | 'delta';
  now: Date;
}

export interface PendingRemoval {
  name: string;
  email: string | null;
  action: 'deactivate' | 'delete';
}

function scopeOf(input: PendingRemovalsScope) {
  return { companyId: input.policy.companyId, setupId: input.policy.setupId, runId: input.runId };
}

/**
 * How many removals the run would apply, without holding the group in memory: removed users chunk by chunk. With
 * deleteRemoved the chunks are read anyway, so it also says how many removal candidates there are at all (those
 * planned to stay, in grace or not, included): none means the run's removal phase has nothing to do.
 */
export async function countPendingRemovals(
  db: Db,
  input: PendingRemovalsScope & { batchSize: number },
): Promise<{ removals: number; candidates?: number }> {
  const { policy, runId } = input;
  // two independent counts, side by side
  const [disabled, removed] = await Promise.all([
    countDisabledManagedMembers(db, scopeOf(input)),
    policy.deleteRemoved ? countRemovedMembers() : undefined,
  ]);
  return removed === undefined
    ? { removals: disabled }
    : { removals: disabled + removed.removals, candidates: removed.candidates };

  async function countRemovedMembers(): Promise<{ removals: number; candidates: number }> {
    let removals = 0;
    let candidates = 0;
    let cursor: string | null = null;
    for (;;) {
      const removed = await readRemovalCandidates(db, input.mode, {
        setupId: policy.setupId,
        runId,
        afterUserId: cursor,
        limit: input.batchSize,
      });
      if (removed.length === 0) return { removals, candidates };
      candidates += removed.length;
      removals += countRemovals(planRemovals(removed, policy, input.now));
      cursor = removed.at(-1)!.id;
    }
  }
}

/** The first `limit` of the same removals, by name: disabled members first, then removed users. */
export async function listPendingRemovals(
  db: Db,
  input: PendingRemovalsScope & { limit: number },
): Promise<PendingRemoval[]> {
  const { policy, runId, limit } = input;
  const disabled = await listDisabledManagedMembers(db, scopeOf(input), limit);
  const listed: PendingRemoval[] = disabled.map((u) => ({
    name: u.display_name ?? u.external_id ?? '?',
    email: u.email,
    action: 'deactivate',
  }));
  if (!policy.deleteRemoved || listed.length >= limit) return listed;

  const removed = await readRemovalCandidates(db, input.mode, {
    setupId: policy.setupId,
    runId,
    afterUserId: null,
    limit: limit - listed.length,
  });
  const users = new Map(removed.map((u) => [u.id, u]));
  for (const change of planRemovals(removed, policy, input.now)) {
    if (change.action !== 'deactivate' && change.action !== 'delete') continue;
    const user = users.get(change.userId ?? '');
    listed.push({
      name: user?.displayName ?? user?.externalId ?? '?',
      email: user?.email ?? null,
      action: change.action,
    });
  }
  return listed;
}
