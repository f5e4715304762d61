import type { Db } from '../../../db/database.js';
import { customerTypeNames } from '../../../db/repositories/customer-types.js';
import { countRunChangesByAction, listRunChanges } from '../../../db/repositories/run-history.js';
import { isReason, type Reason } from '../../../sync/reasons.js';
import type { ChangeAuditAction, SyncChange } from '../../../db/schema.js';
import { changeActions } from '../../schemas/run.js';

export type ChangeAction = (typeof changeActions)[number];

export function asChangeAction(value: string | undefined): ChangeAction | undefined {
  return (changeActions as readonly string[]).includes(value ?? '') ? (value as ChangeAction) : undefined;
}

export interface RunChangesPage {
  rows: SyncChange[];
  total: number;
  page: number;
  action?: ChangeAction;
  byAction: Partial<Record<ChangeAuditAction, number>>;
  /** Names for the ids the page's coded reasons hold, by parameter: the run page shows names, not ids. */
  names: { customerTypes: ReadonlyMap<string, string> };
}

/** Every customer type id a reason (or a reason inside it) names. */
function customerTypeIdsOf(reason: Reason, into: Set<string>): Set<string> {
  for (const [param, value] of Object.entries(reason.params)) {
    if (param === 'customerTypeId' && typeof value === 'string') into.add(value);
    if (isReason(value)) customerTypeIdsOf(value, into);
  }
  return into;
}

/** One page of a run's changes, optionally of one action, with the counts per action. */
export async function runChangesPage(
  db: Db,
  companyId: string,
  runId: string,
  filter: { action?: ChangeAction; page: number },
): Promise<RunChangesPage> {
  const [{ rows, total }, byAction] = await Promise.all([
    listRunChanges(db, runId, filter),
    countRunChangesByAction(db, runId),
  ]);
  const ids = new Set<string>();
  for (const row of rows) if (isReason(row.reason_detail)) customerTypeIdsOf(row.reason_detail, ids);
  const customerTypes = await customerTypeNames(db, companyId, [...ids]);
  return { rows, total, page: filter.page, action: filter.action, byAction, names: { customerTypes } };
}
