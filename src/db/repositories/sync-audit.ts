import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { NewSyncChange } from '../schema.js';
import { because, reasonText, type Reason } from '../../sync/reasons.js';
import type { PlannedChange } from '../../sync/types.js';
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
  if (key === null)
    throw new Error(`a ${change.action} change has neither an external id nor a user id (${change.reason})`);
  return key;
}

/** An audit row as written: before/after stay objects, encoded once with the whole batch (see insertAuditRows). */
export type AuditRow = Omit<NewSyncChange, 'before' | 'after' | 'reason_detail'> & {
  before: object | null;
  after: object | null;
  reason_detail: Reason | null;
};

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
export function auditRowsFor(
  target: AuditTarget,
  changes: readonly PlannedChange[],
  outcomes: ReadonlyMap<PlannedChange, WriteOutcome>,
): AuditRow[] {
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
      before: change.before,
      after: change.after,
      ...reasonOf(change, error),
      subject_key: subjectKeyOf(change),
    };
  });
}

/** A failed write keeps the attempted action and the plan's reason (coded when the plan gave one). */
function reasonOf(change: PlannedChange, error: Reason | string | null): Pick<AuditRow, 'reason' | 'reason_detail'> {
  const planned = change.reasonDetail ?? null;
  if (error === null) return { reason: change.reason, reason_detail: planned };
  const failed = because.applyFailed(change.action, error, planned ?? change.reason);
  return { reason: reasonText(failed), reason_detail: planned === null ? null : failed };
}

/**
 * One statement per batch, the rows as one jsonb parameter: a thousand rows of ten columns as bind parameters
 * cost more to build, send and parse than the insert itself.
 */
export async function insertAuditRows(trx: Db, rows: readonly AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into sync_changes (run_id, setup_id, company_id, user_id, external_id, action, before, after, reason, reason_detail, subject_key)
    select run_id, setup_id, company_id, user_id, external_id, action, before, after, reason, reason_detail, subject_key
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(run_id uuid, setup_id uuid, company_id uuid, user_id uuid, external_id text, action text, before jsonb, after jsonb, reason text, reason_detail jsonb, subject_key text)`.execute(
    trx,
  );
}
