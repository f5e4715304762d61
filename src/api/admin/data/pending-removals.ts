import type { Db } from '../../../db/database.js';
import type { SyncRun, SyncSetup } from '../../../db/schema.js';
import { listPendingRemovals, type PendingRemoval } from '../../../engine/pending-removals.js';
import { policyFromSetup } from '../../../engine/setup-policy.js';

export type { PendingRemoval };

/** How many of the held removals the approval prompt lists by name. */
export const listedRemovals = 50;

/**
 * Who a run held by the deletion guard would remove, read by the same module the guard counted them with
 * (engine/pending-removals.ts). Only while the run waits: its staging is dropped when it finishes.
 */
export async function pendingRemovals(
  db: Db,
  setup: SyncSetup,
  run: Pick<SyncRun, 'id' | 'mode'>,
): Promise<PendingRemoval[]> {
  return listPendingRemovals(db, {
    policy: policyFromSetup(setup),
    runId: run.id,
    mode: run.mode,
    now: new Date(),
    limit: listedRemovals,
  });
}
