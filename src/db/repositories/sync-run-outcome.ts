import type { Db } from '../database.js';
import type { SyncRun } from '../schema.js';
import type { StoredReason } from '../stored-reason.js';
import { lockRunStatus, recordRunClosedEvents } from './events.js';
import { clearMarkersOfStaged } from './membership-markers.js';
import { commitPendingDelta } from './sync-delta.js';
import { markRun } from './sync-runs.js';

/**
 * Records a run's outcome in one transaction: status, finish time and phase 'done', and for a real run that
 * succeeded the delta links it fetched and, once, the members it saw again (their non-member markers cleared,
 * membership-markers.ts). A reader never sees a finished run still 'removing', and a run begun
 * the moment this one reads as finished never starts from the links this one has already applied.
 */
export async function closeRun(
  db: Db,
  runId: string,
  outcome: { status: 'succeeded' | 'failed' | 'cancelled'; error: StoredReason },
): Promise<SyncRun> {
  return db.transaction().execute(async (tx) => {
    const previous = await lockRunStatus(tx, runId);
    const run = await markRun(tx, runId, { ...outcome, finishedAt: new Date(), phase: 'done' });
    // the feed's run.* event and the notifications' outbox row, once per status change (a retry writes none)
    if (previous !== run.status) await recordRunClosedEvents(tx, run);
    if (run.status === 'succeeded' && !run.dry_run) {
      if (previous !== 'succeeded' && run.setup_id) await clearMarkersOfStaged(tx, { runId, setupId: run.setup_id });
      await commitPendingDelta(tx, runId, run.mode);
    }
    return run;
  });
}
