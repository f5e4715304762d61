import { describe, expect, it } from 'vitest';
import { addCounts, countChanges, emptyCounts, totalCount, type ChangeAction } from '../../src/sync/index.js';

describe('countChanges', () => {
  it('puts each action in its counter', () => {
    const actions: ChangeAction[] = [
      'create',
      'update',
      'adopt',
      'deactivate',
      'delete',
      'unchanged',
      'skip',
      'conflict',
      'create',
    ];
    expect(countChanges(actions.map((action) => ({ action })))).toEqual({
      created: 2,
      updated: 1,
      adopted: 1,
      deactivated: 1,
      deleted: 1,
      unchanged: 1,
      skipped: 1,
      conflicts: 1,
      failed: 0,
    });
  });

  it('counts a change that failed to apply as failed only', () => {
    expect(
      countChanges([
        { action: 'create', failed: true },
        { action: 'delete', failed: false },
      ]),
    ).toEqual({ ...emptyCounts(), failed: 1, deleted: 1 });
  });

  it('counts nothing for no changes', () => {
    expect(countChanges([])).toEqual(emptyCounts());
    expect(totalCount(emptyCounts())).toBe(0);
  });
});

describe('addCounts', () => {
  it('adds counter by counter', () => {
    const a = countChanges([{ action: 'create' }, { action: 'skip' }]);
    const b = countChanges([{ action: 'create' }, { action: 'update', failed: true }]);
    expect(addCounts(a, b)).toEqual({ ...emptyCounts(), created: 2, skipped: 1, failed: 1 });
    expect(totalCount(addCounts(a, b))).toBe(4);
  });
});
