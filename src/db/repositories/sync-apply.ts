import type { Db } from '../database.js';
import type { PlannedChange, RunCounts } from '../../sync/types.js';
import { countChanges } from '../../sync/counts.js';
import { auditRowsFor, insertAuditRows, subjectKeyOf } from './sync-audit.js';
import { claimBatch, completeBatch, isActive, readBatchRun, storedBatch } from './sync-batches.js';
import { RunNotActiveError } from './sync-runs.js';
import { markOutsideGroup } from './membership-markers.js';
import { settleUnchanged } from './sync-settled.js';
import { writeUsers, type WriteOutcome } from './sync-user-writes.js';

export interface ApplyBatchInput {
  runId: string;
  setupId: string;
  companyId: string;
  customerTypeId: string;
  /** Deterministic per chunk of the run (e.g. `members:<first external id>`, `removals:<n>`). */
  batchKey: string;
  changes: readonly PlannedChange[];
  /** Writes the audit rows (the stored plan) and the batch, but no user. A dry run's run forces it on. */
  dryRun: boolean;
  /** deactivated_at of the users this batch deactivates. */
  now: Date;
  /** The keyset position after this chunk, stored with the batch and handed back to a retry (see the result). */
  cursor?: string | null;
  /** Member batches: the policy's digest under which written and unchanged members are marked settled. */
  policyKey?: string;
  /** Members staged settled (not planned, not in `changes`; the `members:settled` batch): counted unchanged. */
  settled?: number;
  /**
   * Removal batches: the chunk's removal candidates (user ids), marked outside the group (membership-markers.ts)
   * whatever their changes are; those the batch deletes have no row left to mark.
   */
  outsideGroup?: readonly string[];
}

export interface ApplyBatchResult {
  counts: RunCounts;
  /** True when the batch had been applied before: nothing was written now, counts and cursor are the stored ones. */
  alreadyApplied: boolean;
  /**
   * Where the next chunk starts. A retry must continue from here rather than from its own re-read chunk, which
   * can differ from the applied one (the removal chunk after a commit no longer contains the users it deleted).
   */
  cursor: string | null;
}

/** Two changes for one subject in one batch would be applied twice and break the audit's one-row-per-subject. */
function assertOneChangePerSubject(changes: readonly PlannedChange[]): void {
  const seen = new Set<string>();
  for (const change of changes) {
    const key = subjectKeyOf(change);
    if (seen.has(key)) throw new Error(`batch plans ${key} twice; a batch holds one change per member or removed user`);
    seen.add(key);
  }
}

async function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * Applies one planned chunk in ONE transaction: the batch's idempotency row, the user writes, one audit row per
 * change that is not `unchanged`, and the run's counts. Whatever happens — a crash, a lost connection, a retried
 * activity racing the attempt it replaced — the batch is applied exactly once or not at all: the transaction
 * commits everything or nothing, and a batch key that exists short-circuits to the stored result.
 *
 * A user write that fails for that user alone (a unique email, a user gone or taken over since the plan) is
 * recorded as a `failed` audit row and counted as failed; the rest of the batch is applied.
 */
export async function applyBatch(db: Db, input: ApplyBatchInput): Promise<ApplyBatchResult> {
  assertOneChangePerSubject(input.changes);
  const cursor = input.cursor ?? null;
  return inTransaction(db, async (trx) => {
    const run = await readBatchRun(trx, input.runId);
    if (!(await claimBatch(trx, input.runId, input.batchKey, cursor))) {
      return { ...(await storedBatch(trx, input.runId, input.batchKey)), alreadyApplied: true };
    }
    if (!isActive(run)) throw new RunNotActiveError(input.runId, run.status);

    const dryRun = input.dryRun || run.dryRun;
    const settle = !dryRun && input.policyKey ? { runId: input.runId, policyKey: input.policyKey } : undefined;
    const outcomes: ReadonlyMap<PlannedChange, WriteOutcome> = dryRun
      ? new Map()
      : await writeUsers(trx, { ...input, settle }, input.changes);
    if (settle) {
      const unchanged = input.changes.filter((change) => change.action === 'unchanged' && change.externalId !== null);
      await settleUnchanged(
        trx,
        { ...settle, companyId: input.companyId, setupId: input.setupId },
        unchanged.map((change) => change.externalId!),
      );
    }
    if (!dryRun) await markOutsideGroup(trx, input.setupId, input.outsideGroup ?? []);
    const planned = countChanges(
      input.changes.map((change) => ({ action: change.action, failed: outcomes.get(change)?.error != null })),
    );
    const counts = { ...planned, unchanged: planned.unchanged + (input.settled ?? 0) };
    await insertAuditRows(trx, auditRowsFor(input, input.changes, outcomes));
    await completeBatch(trx, input.runId, input.batchKey, counts);
    return { counts, alreadyApplied: false, cursor };
  });
}
