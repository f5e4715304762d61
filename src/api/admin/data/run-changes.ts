import type { Db } from '../../../db/database.js';
import { countRunChangesByAction, listRunChanges } from '../../../db/repositories/run-history.js';
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
}

/** One page of a run's changes, optionally of one action, with the counts per action. */
export async function runChangesPage(
  db: Db,
  runId: string,
  filter: { action?: ChangeAction; page: number },
): Promise<RunChangesPage> {
  const [{ rows, total }, byAction] = await Promise.all([
    listRunChanges(db, runId, filter),
    countRunChangesByAction(db, runId),
  ]);
  return { rows, total, page: filter.page, action: filter.action, byAction };
}
