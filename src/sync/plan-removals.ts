/**
 * Plans the managed users that are no longer members of the group. The orchestrator finds them in SQL
 * (managingSetupId = setup and externalId not among the staged members) after it has applied every
 * member chunk, so a user adopted or relinked in this run is not mistaken for a removed one.
 *
 * With deleteRemoved off they get no change at all: they are neither members nor removed, so they are
 * not counted. With it on each gets exactly one change, measured on the grace period:
 * grace 0 → delete (active or not); active → deactivate; inactive without deactivatedAt → deactivate
 * (which stamps deactivatedAt, starting the clock); inactive and deactivatedAt + grace ≤ now → delete;
 * still within the grace → unchanged. The grace is measured from deactivatedAt whoever set it: the user
 * has been without access at least that long.
 */
import { syncedFieldsOf } from './mapping.js';
import { because, reasonText, type EntraDeletion, type Reason } from './reasons.js';
import type { ChangeAction, PlannedChange, ProductUser, SetupPolicy } from './types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export function planRemovals(
  removed: readonly ProductUser[],
  policy: SetupPolicy,
  now: Date,
  /** By Entra object id: the removed users deleted in Entra (the rest left the group). */
  deletedInEntra: ReadonlyMap<string, EntraDeletion> = new Map(),
): PlannedChange[] {
  if (!policy.deleteRemoved) return [];
  const distinct = new Map(removed.map((user) => [user.id, user]));
  return [...distinct.values()].map((user) => {
    const change = planRemoval(user, policy, now);
    const how = user.externalId === null ? undefined : deletedInEntra.get(user.externalId);
    if (!how || change.action === 'conflict' || change.reasonDetail === undefined) return change;
    const reason = because.deletedInEntra(how, change.reasonDetail);
    return { ...change, reason: reasonText(reason), reasonDetail: reason };
  });
}

function planRemoval(user: ProductUser, policy: SetupPolicy, now: Date): PlannedChange {
  // Ownership is the one rule a removal may never bend, so it is checked here again, not only in SQL.
  if (user.managingSetupId !== policy.setupId)
    return removal('conflict', user, because.notManagedBySetup(user.managingSetupId));
  const graceDays = Math.max(0, policy.removalGraceDays);
  if (graceDays === 0) return removal('delete', user, because.deletedNoGrace);
  if (user.active) return removal('deactivate', user, because.deactivatedForGrace(graceDays, addDays(now, graceDays)));
  if (user.deactivatedAt === null) return removal('deactivate', user, because.graceStartsNow(graceDays));
  const deleteAt = addDays(user.deactivatedAt, graceDays);
  if (deleteAt.getTime() <= now.getTime())
    return removal('delete', user, because.deletedGraceOver(graceDays, deleteAt));
  return removal('unchanged', user, because.inGrace(deleteAt));
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** deactivate and delete keep the snapshot in `before` for the audit trail; only deactivate writes. */
function removal(action: ChangeAction, user: ProductUser, reason: Reason): PlannedChange {
  const removes = action === 'deactivate' || action === 'delete';
  return {
    action,
    externalId: user.externalId,
    userId: user.id,
    before: removes ? syncedFieldsOf(user) : null,
    after: action === 'deactivate' ? { active: false } : null,
    reason: reasonText(reason),
    reasonDetail: reason,
  };
}
