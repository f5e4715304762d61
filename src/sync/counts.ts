import type { ChangeAction, PlannedChange, RunCounts } from './types.js';

/** A planned change as the run report sees it: failed when applying it threw, whatever it was meant to do. */
export type CountableChange = Pick<PlannedChange, 'action'> & { failed?: boolean };

const counterOf: Record<ChangeAction, keyof RunCounts> = {
  create: 'created',
  update: 'updated',
  adopt: 'adopted',
  deactivate: 'deactivated',
  delete: 'deleted',
  unchanged: 'unchanged',
  skip: 'skipped',
  conflict: 'conflicts',
};

export function emptyCounts(): RunCounts {
  return {
    created: 0,
    updated: 0,
    adopted: 0,
    deactivated: 0,
    deleted: 0,
    unchanged: 0,
    skipped: 0,
    conflicts: 0,
    failed: 0,
  };
}

/** Each change lands in exactly one counter: its action's, or `failed`. */
export function countChanges(changes: readonly CountableChange[]): RunCounts {
  const counts = emptyCounts();
  for (const change of changes) counts[change.failed ? 'failed' : counterOf[change.action]] += 1;
  return counts;
}

export function addCounts(a: RunCounts, b: RunCounts): RunCounts {
  const sum = emptyCounts();
  for (const key of Object.keys(sum) as (keyof RunCounts)[]) sum[key] = a[key] + b[key];
  return sum;
}

/** Members plus removed users the run accounted for. */
export function totalCount(counts: RunCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
