import type { Db } from '../database.js';
import type { NewSyncChange } from '../schema.js';
import type { PlannedChange } from '../../sync/types.js';
import { withinParameterLimit } from './sync-bulk.js';
import type { WriteOutcome } from './sync-user-writes.js';

/**
 * The audit rows of one batch. Every change but `unchanged` gets exactly one (a steady-state run over 100,000
 * members must not write 100,000 rows saying nothing happened). The table is append-only and unique per
 * (run, subject), so this module only ever inserts.
 */

export interface AuditTarget {
  runId: string;
  setupId: string;
  companyId: string;
}

/** The subject of a change: the Entra id, or the product user for a removal of a user that never had one. */
export function subjectKeyOf(change: PlannedChange): string {
  const key = change.externalId ?? change.userId;
  if (key === null) throw new Error(`a ${change.action} change has neither an external id nor a user id (${change.reason})`);
  return key;
}

function json(value: object | null): string | null {
  return value === null ? null : JSON.stringify(value);
}

type AuditedChange = PlannedChange & { action: Exclude<PlannedChange['action'], 'unchanged'> };

function isAudited(change: PlannedChange): change is AuditedChange {
  return change.action !== 'unchanged';
}

/**
 * One row per change that is not `unchanged`. `outcomes` holds what the writes did (empty in a dry run; no
 * entry for changes that write nothing): a failed write is recorded as `failed`, keeping the attempted action
 * in the reason and its before/after, so the audit shows what the sync tried to do. A create's row names the
 * user it created.
 */
export function auditRowsFor(target: AuditTarget, changes: readonly PlannedChange[], outcomes: ReadonlyMap<PlannedChange, WriteOutcome>): NewSyncChange[] {
  return changes.filter(isAudited).map((change) => {
    const outcome = outcomes.get(change);
    const error = outcome?.error ?? null;
    return {
      run_id: target.runId,
      setup_id: target.setupId,
      company_id: target.companyId,
      user_id: outcome?.userId ?? change.userId,
      external_id: change.externalId,
      action: error === null ? change.action : 'failed',
      before: json(change.before),
      after: json(change.after),
      reason: error === null ? change.reason : `${change.action} failed: ${error} (planned: ${change.reason})`,
      subject_key: subjectKeyOf(change),
    };
  });
}

export async function insertAuditRows(trx: Db, rows: readonly NewSyncChange[]): Promise<void> {
  for (const part of withinParameterLimit(rows, Object.keys(rows[0] ?? {}).length)) {
    await trx.insertInto('sync_changes').values(part).execute();
  }
}
