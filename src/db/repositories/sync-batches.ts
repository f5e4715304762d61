import type { Db } from '../database.js';
import type { RunStatus } from '../schema.js';
import type { RunCounts } from '../../sync/types.js';
import { addCounts } from '../../sync/counts.js';
import { activeRunStatuses, RunNotActiveError, toRunCounts } from './sync-runs.js';

/**
 * The bookkeeping that makes applying a batch idempotent. All of it runs inside the batch's transaction, so the
 * batch row, the user writes, the audit rows and the run's counts commit together or not at all.
 */

export interface LockedRun {
  status: RunStatus;
  dryRun: boolean;
  counts: RunCounts;
}

/**
 * Locks the run row until the transaction ends. Batches of one run therefore apply one after another (their
 * plans depend on each other anyway), the run's counts can be added to without losing an update, and a
 * concurrent markRun waits for the batch instead of finishing the run under it.
 */
export async function lockRun(trx: Db, runId: string): Promise<LockedRun> {
  const run = await trx.selectFrom('sync_runs').select(['status', 'dry_run', 'counts']).where('id', '=', runId).forUpdate().executeTakeFirst();
  if (!run) throw new RunNotActiveError(runId, null);
  return { status: run.status, dryRun: run.dry_run, counts: toRunCounts(run.counts) };
}

export function isActive(run: LockedRun): boolean {
  return activeRunStatuses.includes(run.status);
}

/**
 * Inserts the batch's idempotency row; false when it already exists. ON CONFLICT DO NOTHING waits for a
 * concurrent transaction holding the same key (a retried activity racing the attempt it replaced) and only
 * then decides, so exactly one of them applies the batch.
 */
export async function claimBatch(trx: Db, runId: string, batchKey: string, cursor: string | null): Promise<boolean> {
  const claimed = await trx
    .insertInto('sync_run_batches')
    .values({ run_id: runId, batch_key: batchKey, counts: '{}', cursor })
    .onConflict((oc) => oc.columns(['run_id', 'batch_key']).doNothing())
    .returning('batch_key')
    .executeTakeFirst();
  return claimed !== undefined;
}

export async function storedBatch(trx: Db, runId: string, batchKey: string): Promise<{ counts: RunCounts; cursor: string | null }> {
  const batch = await trx
    .selectFrom('sync_run_batches')
    .select(['counts', 'cursor'])
    .where('run_id', '=', runId)
    .where('batch_key', '=', batchKey)
    .executeTakeFirstOrThrow();
  return { counts: toRunCounts(batch.counts), cursor: batch.cursor };
}

/** Stores the batch's counts and adds them to the run's (exact: the claim guarantees this happens once). */
export async function completeBatch(trx: Db, runId: string, batchKey: string, run: LockedRun, counts: RunCounts): Promise<void> {
  await trx
    .updateTable('sync_run_batches')
    .set({ counts: JSON.stringify(counts) })
    .where('run_id', '=', runId)
    .where('batch_key', '=', batchKey)
    .execute();
  await trx
    .updateTable('sync_runs')
    .set({ counts: JSON.stringify(addCounts(run.counts, counts)) })
    .where('id', '=', runId)
    .execute();
}
