/**
 * The deletion guard: the last check before a run removes or deactivates anyone. A Graph hiccup or a
 * mistaken group change must not empty the product, so large removals wait for a person to approve them.
 */
import { because, reasonText, type Reason } from './reasons.js';
import type { PlannedChange, SetupPolicy } from './types.js';

export type GuardVerdict = 'proceed' | 'needs_approval' | 'forbid_removals';

export interface DeletionGuardInput {
  /** deactivate + delete among the removals AND deactivations of members disabled in Entra. */
  removals: number;
  /** How many users the setup manages before this run. */
  managedCount: number;
  memberReadSucceeded: boolean;
  memberCount: number;
}

/**
 * forbid_removals: the member read failed, or it returned zero members while the setup manages users —
 * an empty read is far likelier to be a fault than a real empty group.
 * needs_approval: removals strictly more than the count threshold, or strictly more than percent% of
 * managedCount (the percentage only applies when the setup manages users). Exactly at a threshold proceeds.
 */
export function checkDeletionGuard(
  input: DeletionGuardInput,
  threshold: SetupPolicy['deletionThreshold'],
): { verdict: GuardVerdict; reason: string; reasonDetail: Reason } {
  const { verdict, reason } = guardDecision(input, threshold);
  return { verdict, reason: reasonText(reason), reasonDetail: reason };
}

function guardDecision(
  input: DeletionGuardInput,
  threshold: SetupPolicy['deletionThreshold'],
): { verdict: GuardVerdict; reason: Reason } {
  const { removals, managedCount } = input;
  if (!input.memberReadSucceeded) return { verdict: 'forbid_removals', reason: because.memberReadFailed };
  if (input.memberCount === 0 && managedCount > 0)
    return { verdict: 'forbid_removals', reason: because.noMembersReturned(managedCount) };
  if (removals > threshold.count)
    return { verdict: 'needs_approval', reason: because.overCount(removals, threshold.count) };
  // Compared in whole numbers: removals / managed > percent / 100 without floating-point rounding.
  if (managedCount > 0 && removals * 100 > threshold.percent * managedCount) {
    return { verdict: 'needs_approval', reason: because.overPercent(removals, threshold.percent, managedCount) };
  }
  return { verdict: 'proceed', reason: because.withinThreshold(removals) };
}

function isRemoval(change: Pick<PlannedChange, 'action'>): boolean {
  return change.action === 'deactivate' || change.action === 'delete';
}

/** The guard's `removals`: every deactivate and delete, from member chunks and from removals alike. */
export function countRemovals(changes: readonly Pick<PlannedChange, 'action'>[]): number {
  return changes.filter(isRemoval).length;
}

/**
 * When the guard does not let removals through, they become skips carrying the guard's reason, so the
 * run still counts every member and removed user exactly once and shows why nothing was removed.
 */
export function holdRemovals(changes: readonly PlannedChange[], guardReason: string | Reason): PlannedChange[] {
  return changes.map((change) => {
    if (!isRemoval(change)) return change;
    const held = because.removalHeld(guardReason, change.reasonDetail ?? change.reason);
    return { ...change, action: 'skip', after: null, reason: reasonText(held), reasonDetail: held };
  });
}
