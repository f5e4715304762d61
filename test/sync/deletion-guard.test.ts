import { describe, expect, it } from 'vitest';
import { checkDeletionGuard, countRemovals, holdRemovals, reasons, type PlannedChange } from '../../src/sync/index.js';

const threshold = { count: 500, percent: 20 };
const healthy = { memberReadSucceeded: true, memberCount: 1000 };

describe('checkDeletionGuard', () => {
  it('forbids removals when the member read failed', () => {
    expect(
      checkDeletionGuard({ ...healthy, memberReadSucceeded: false, removals: 1, managedCount: 100 }, threshold),
    ).toMatchObject({
      verdict: 'forbid_removals',
      reason: reasons.memberReadFailed,
    });
  });

  it('forbids removals when the read returned no members while the setup manages users', () => {
    expect(
      checkDeletionGuard({ ...healthy, memberCount: 0, removals: 100, managedCount: 100 }, threshold),
    ).toMatchObject({
      verdict: 'forbid_removals',
      reason: 'the group returned no members while the setup manages 100 users, so no one is removed or deactivated',
    });
  });

  it('proceeds on zero members when the setup manages no one', () => {
    expect(checkDeletionGuard({ ...healthy, memberCount: 0, removals: 0, managedCount: 0 }, threshold).verdict).toBe(
      'proceed',
    );
  });

  it('needs approval for strictly more removals than the count threshold', () => {
    expect(checkDeletionGuard({ ...healthy, removals: 500, managedCount: 10_000 }, threshold).verdict).toBe('proceed');
    expect(checkDeletionGuard({ ...healthy, removals: 501, managedCount: 10_000 }, threshold)).toMatchObject({
      verdict: 'needs_approval',
      reason: '501 removals are more than the threshold of 500',
    });
  });

  it('needs approval for strictly more than the percentage of managed users', () => {
    expect(checkDeletionGuard({ ...healthy, removals: 20, managedCount: 100 }, threshold).verdict).toBe('proceed');
    expect(checkDeletionGuard({ ...healthy, removals: 21, managedCount: 100 }, threshold)).toMatchObject({
      verdict: 'needs_approval',
      reason: reasons.overPercent(21, 20, 100),
    });
  });

  it('compares the percentage without rounding errors', () => {
    // 3 of 10 is exactly 30%: not more than 30%.
    expect(checkDeletionGuard({ ...healthy, removals: 3, managedCount: 10 }, { count: 500, percent: 30 }).verdict).toBe(
      'proceed',
    );
  });

  it('asks for approval of a single removal in a small setup (1 of 3 is over 20%)', () => {
    expect(checkDeletionGuard({ ...healthy, removals: 1, managedCount: 3 }, threshold)).toMatchObject({
      verdict: 'needs_approval',
      reason: '1 removal is more than 20% of the 3 users the setup manages',
    });
  });

  it('skips the percentage when the setup manages no one', () => {
    expect(checkDeletionGuard({ ...healthy, removals: 0, managedCount: 0 }, threshold)).toMatchObject({
      verdict: 'proceed',
      reason: reasons.withinThreshold(0),
    });
  });

  it('proceeds without removals', () => {
    expect(checkDeletionGuard({ ...healthy, removals: 0, managedCount: 5 }, { count: 0, percent: 0 })).toMatchObject({
      verdict: 'proceed',
      reason: '0 removals are within the deletion threshold',
    });
  });

  it('lets a failed read win over the thresholds', () => {
    expect(
      checkDeletionGuard(
        { memberReadSucceeded: false, memberCount: 0, removals: 10_000, managedCount: 10_000 },
        threshold,
      ).verdict,
    ).toBe('forbid_removals');
  });
});

const change = (action: PlannedChange['action'], reason = 'r'): PlannedChange => ({
  action,
  externalId: 'e',
  userId: 'p',
  before: { active: true },
  after: action === 'deactivate' ? { active: false } : null,
  reason,
});

describe('countRemovals', () => {
  it('counts deactivations and deletions only', () => {
    const actions = [
      'create',
      'update',
      'adopt',
      'deactivate',
      'delete',
      'skip',
      'conflict',
      'unchanged',
      'deactivate',
    ] as const;
    expect(countRemovals(actions.map((action) => change(action)))).toBe(3);
  });
});

describe('holdRemovals', () => {
  it('turns deactivations and deletions into skips that give the guard reason, leaving the rest', () => {
    const held = holdRemovals(
      [change('deactivate', 'disabled in Entra ID'), change('delete'), change('update')],
      reasons.memberReadFailed,
    );
    expect(held.map((c) => c.action)).toEqual(['skip', 'skip', 'update']);
    expect(held[0]).toMatchObject({
      after: null,
      reason:
        'removal held back: the member read failed, so no one is removed or deactivated (was: disabled in Entra ID)',
    });
    expect(held[2]).toEqual(change('update'));
  });
});
