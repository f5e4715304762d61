import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { RunStatus } from '../schema.js';
import type { RunCounts } from '../../sync/types.js';
import { activeRunStatuses, RunNotActiveError, toRunCounts } from './sync-runs.js';

/**
 * The bookkeeping that makes applying a batch idempotent. All of it runs inside the batch's transaction, so the
 * batch row, the user writes, the audit rows and the run's counts commit together or not at all.
 */

export interface BatchRun {
  status: RunStatus;
  dryRun: boolean;
}

/**
 * Reads the run a batch belongs to. No row lock here: batches of different partitions of one run apply in
 * parallel, and the run's counts are added to atomically at the end of each batch (completeBatch), which holds
 * the row only from that statement to the commit.
 */
export async function readBatchRun(trx: Db, runId: string): Promise<BatchRun> {
  const run = await trx
    .selectFrom('sync_runs')
    .select(['status', 'dry_run'])
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!run) throw new RunNotActiveError(runId, null);
  return { status: run.status, dryRun: run.dry_run };
}

export function isActive(run: BatchRun): boolean {
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

export async function storedBatch(
  trx: Db,
  runId: string,
  batchKey: string,
): Promise<{ counts: RunCounts; cursor: string | null }> {
  const batch = await trx
    .selectFrom('sync_run_batches')
    .select(['counts', 'cursor'])
    .where('run_id', '=', runId)
    .where('batch_key', '=', batchKey)
    .executeTakeFirstOrThrow();
  return { counts: toRunCounts(batch.counts), cursor: batch.cursor };
}

/**
 * Stores the batch's counts and adds them to the run's (exact: the claim guarantees this happens once, and the
 * addition is one atomic UPDATE, so parallel batches cannot lose each other's counts).
 */
export async function completeBatch(trx: Db, runId: string, batchKey: string, counts: RunCounts): Promise<void> {
  const batch = JSON.stringify(counts);
  await trx
    .updateTable('sync_run_batches')
    .set({ counts: batch })
    .where('run_id', '=', runId)
    .where('batch_key', '=', batchKey)
    .execute();
  await sql`
    update sync_runs set counts = (
      select coalesce(jsonb_object_agg(key, coalesce((counts->>key)::int, 0) + coalesce((${batch}::jsonb->>key)::int, 0)), '{}'::jsonb)
      from (select jsonb_object_keys(counts) as key union select jsonb_object_keys(${batch}::jsonb)) as keys
    )
    where id = ${runId}::uuid`.execute(trx);
}
