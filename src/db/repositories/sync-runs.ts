import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { RunMode, RunStatus, RunTrigger, SyncRun } from '../schema.js';
import type { RunCounts } from '../../sync/types.js';
import { emptyCounts } from '../../sync/counts.js';
import { reasonColumns, type StoredReason } from '../stored-reason.js';

/** The run statuses the partial index sync_runs_one_active_per_setup treats as active. */
export const activeRunStatuses: readonly RunStatus[] = ['queued', 'running', 'awaiting_approval'];

/** Another run of the setup is queued, running or awaiting approval; at most one may be. */
export class RunAlreadyActiveError extends Error {
  override readonly name = 'RunAlreadyActiveError';
  constructor(
    readonly setupId: string,
    readonly activeRunId: string,
  ) {
    super(`setup ${setupId} already has an active run (${activeRunId})`);
  }
}

/** A batch was offered to a run that has finished (or does not exist): its history must not change any more. */
export class RunNotActiveError extends Error {
  override readonly name = 'RunNotActiveError';
  constructor(
    readonly runId: string,
    readonly status: RunStatus | null,
  ) {
    super(
      status === null ? `sync run ${runId} does not exist` : `sync run ${runId} is ${status}; it takes no more batches`,
    );
  }
}

function isActiveRunViolation(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'sync_runs_one_active_per_setup';
}

export interface NewRun {
  setupId: string;
  companyId: string;
  trigger: RunTrigger;
  mode: RunMode;
  dryRun: boolean;
  workflowId: string | null;
}

/**
 * Creates a queued run. The partial unique index is the only arbiter of "one active run per setup", so two
 * callers racing cannot both succeed; the loser gets RunAlreadyActiveError naming the winner. (If the active
 * run finishes between the violation and the lookup, the insert is simply tried again.)
 */
export async function createRun(db: Db, input: NewRun): Promise<SyncRun> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db
        .insertInto('sync_runs')
        .values({
          setup_id: input.setupId,
          company_id: input.companyId,
          trigger: input.trigger,
          mode: input.mode,
          dry_run: input.dryRun,
          workflow_id: input.workflowId,
          error: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (!isActiveRunViolation(error)) throw error;
      const active = await findActiveRun(db, input.setupId);
      if (active) throw new RunAlreadyActiveError(input.setupId, active.id);
      if (attempt >= 3) throw error;
    }
  }
}

/** The workflow that carries a manually started run, once Temporal has accepted it. */
export async function setRunWorkflowId(db: Db, runId: string, workflowId: string): Promise<void> {
  await db.updateTable('sync_runs').set({ workflow_id: workflowId }).where('id', '=', runId).execute();
}

export async function findActiveRun(db: Db, setupId: string): Promise<SyncRun | undefined> {
  return db
    .selectFrom('sync_runs')
    .selectAll()
    .where('setup_id', '=', setupId)
    .where('status', 'in', activeRunStatuses)
    .executeTakeFirst();
}

/**
 * How many members the setup's last succeeded full, real run read: the best size estimate before a run starts
 * (a delta run's count is its changes, a dry run may have been stopped early). undefined before the first one.
 */
export async function lastFullRunMembers(db: Db, setupId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('sync_runs')
    .select('members_read')
    .where('setup_id', '=', setupId)
    .where('status', '=', 'succeeded')
    .where('mode', '=', 'full')
    .where('dry_run', '=', false)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.members_read;
}

export async function getRun(db: Db, runId: string): Promise<SyncRun | undefined> {
  return db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirst();
}

export interface RunMark {
  status: RunStatus;
  /** Why the run failed: a coded reason, or the failure's own text. */
  error?: StoredReason;
  startedAt?: Date;
  finishedAt?: Date;
  /** Progress phase written in the same statement, so no reader sees the new status beside an old phase. */
  phase?: string;
}

/** Sets the status (and whichever of error, started_at, finished_at, phase are given); throws if the run is gone. */
export async function markRun(db: Db, runId: string, mark: RunMark): Promise<SyncRun> {
  return db
    .updateTable('sync_runs')
    .set({
      status: mark.status,
      ...(mark.error !== undefined ? errorColumns(mark.error) : {}),
      ...(mark.startedAt !== undefined ? { started_at: mark.startedAt } : {}),
      ...(mark.finishedAt !== undefined ? { finished_at: mark.finishedAt } : {}),
      ...(mark.phase !== undefined ? { progress: mergedProgress({ phase: mark.phase }) } : {}),
    })
    .where('id', '=', runId)
    .returningAll()
    .executeTakeFirstOrThrow(() => new RunNotActiveError(runId, null));
}

function errorColumns(error: StoredReason) {
  const { text, detail } = reasonColumns(error);
  return { error: text, error_detail: detail };
}

/** The run's progress with `patch` merged in (top-level keys replace, others stay), as a SET value. */
function mergedProgress(patch: Record<string, unknown>) {
  return sql<string>`progress || ${JSON.stringify(patch)}::jsonb`;
}

/** Merges `progress` into the run's progress (top-level keys replace, others stay). */
export async function updateProgress(db: Db, runId: string, progress: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('sync_runs')
    .set({ progress: mergedProgress(progress) })
    .where('id', '=', runId)
    .execute();
}

/**
 * Records how many changes the run has counted (`progress.processed`: the sum of its counts) out of `total`, read
 * from the row's counts by the same statement. Parallel ranges of an apply report after their batches side by
 * side: a count read first and written after could land after a later one and move the progress backwards, while
 * this statement, waiting for the row, reads the counts of every batch committed before it.
 */
export async function updateProcessedProgress(db: Db, runId: string, total: number): Promise<void> {
  const counters = Object.keys(emptyCounts());
  await sql`
    update sync_runs
    set progress = progress || jsonb_build_object(
      'processed', (select coalesce(sum((counts ->> k)::int), 0)::int from unnest(${counters}::text[]) as k),
      'total', ${total}::int)
    where id = ${runId}::uuid`.execute(db);
}

/** Stored counts (a jsonb object of numbers) as RunCounts: missing counters are 0, unknown keys dropped. */
export function toRunCounts(stored: Record<string, unknown>): RunCounts {
  const counts = emptyCounts();
  for (const key of Object.keys(counts) as (keyof RunCounts)[]) counts[key] = Number(stored[key] ?? 0);
  return counts;
}

/** The run's counts as the sum of its applied batches: the ground truth that sync_runs.counts mirrors. */
export async function runCounts(db: Db, runId: string): Promise<RunCounts> {
  const rows = await sql<{ key: string; total: number }>`
    select key, sum(value::int)::int as total
    from sync_run_batches, jsonb_each_text(counts)
    where run_id = ${runId}::uuid
    group by key`.execute(db);
  return toRunCounts(Object.fromEntries(rows.rows.map((row) => [row.key, row.total])));
}

/** The run's mode: chosen when it begins, and set back to full when a delta round cannot be used. */
export async function setRunMode(db: Db, runId: string, mode: RunMode): Promise<void> {
  await db.updateTable('sync_runs').set({ mode }).where('id', '=', runId).execute();
}

/** A run that reads its group again (an approval of a stale read) starts its read counts over. */
export async function resetRunReadCounts(db: Db, runId: string): Promise<void> {
  await db.updateTable('sync_runs').set({ members_read: 0, pages_read: 0 }).where('id', '=', runId).execute();
}
