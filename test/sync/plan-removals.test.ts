import { describe, expect, it } from 'vitest';
import { planRemovals, reasons, syncedFieldsOf, type ProductUser } from '../../src/sync/index.js';
import { NOW, OTHER_SETUP, SETUP, daysBefore, productUser, setupPolicy } from './builders.js';

const removedUser = (overrides: Partial<ProductUser> = {}) =>
  productUser({ id: 'p1', externalId: 'e1', managingSetupId: SETUP, ...overrides });

describe('planRemovals', () => {
  it('plans nothing with deleteRemoved off: removed users are left untouched and not counted', () => {
    expect(
      planRemovals(
        [removedUser(), removedUser({ id: 'p2', active: false, deactivatedAt: daysBefore(NOW, 100) })],
        setupPolicy({ deleteRemoved: false }),
        NOW,
      ),
    ).toEqual([]);
  });

  it('deletes an active user in the same run when there is no grace period, keeping the snapshot', () => {
    const user = removedUser();
    expect(planRemovals([user], setupPolicy(), NOW)).toMatchObject([
      {
        action: 'delete',
        externalId: 'e1',
        userId: 'p1',
        before: syncedFieldsOf(user),
        after: null,
        reason: reasons.deletedNoGrace,
      },
    ]);
    expect(reasons.deletedNoGrace).toBe(
      'not a member of the group any more; deleteRemoved is on and there is no grace period',
    );
  });

  it('deletes an inactive user when there is no grace period', () => {
    expect(planRemovals([removedUser({ active: false, deactivatedAt: NOW })], setupPolicy(), NOW)[0]).toMatchObject({
      action: 'delete',
    });
  });

  it('treats a negative grace as none', () => {
    expect(planRemovals([removedUser()], setupPolicy({ removalGraceDays: -3 }), NOW)[0]).toMatchObject({
      action: 'delete',
      reason: reasons.deletedNoGrace,
    });
  });

  it('deactivates an active user first when there is a grace period', () => {
    const user = removedUser();
    const [change] = planRemovals([user], setupPolicy({ removalGraceDays: 7 }), NOW);
    expect(change).toMatchObject({
      action: 'deactivate',
      externalId: 'e1',
      userId: 'p1',
      before: syncedFieldsOf(user),
      after: { active: false },
      reason: reasons.deactivatedForGrace(7, new Date('2025-06-08T12:00:00.000Z')),
    });
    expect(change!.reason).toBe(
      'not a member of the group any more; deleteRemoved is on; deactivated now and deleted after the grace period of 7 days (from 2025-06-08T12:00:00.000Z)',
    );
  });

  it('leaves a deactivated user alone while its grace period runs', () => {
    const [change] = planRemovals(
      [removedUser({ active: false, deactivatedAt: daysBefore(NOW, 6), deactivatedBySetupId: SETUP })],
      setupPolicy({ removalGraceDays: 7 }),
      NOW,
    );
    expect(change).toMatchObject({
      action: 'unchanged',
      externalId: 'e1',
      userId: 'p1',
      before: null,
      after: null,
      reason: reasons.inGrace(new Date('2025-06-02T12:00:00.000Z')),
    });
  });

  it('deletes a deactivated user once the grace period is over, exactly at its end included', () => {
    for (const daysAgo of [7, 30]) {
      const deactivatedAt = daysBefore(NOW, daysAgo);
      const [change] = planRemovals(
        [removedUser({ active: false, deactivatedAt })],
        setupPolicy({ removalGraceDays: 7 }),
        NOW,
      );
      expect(change).toMatchObject({
        action: 'delete',
        after: null,
        reason: reasons.deletedGraceOver(7, new Date(deactivatedAt.getTime() + 7 * 86_400_000)),
      });
    }
  });

  it('measures the grace from deactivatedAt, whoever deactivated the user', () => {
    const user = removedUser({ active: false, deactivatedAt: daysBefore(NOW, 10), deactivatedBySetupId: null });
    expect(planRemovals([user], setupPolicy({ removalGraceDays: 7 }), NOW)[0]!.action).toBe('delete');
  });

  it('starts the grace period now for an inactive user without a deactivation time', () => {
    const [change] = planRemovals(
      [removedUser({ active: false, deactivatedAt: null })],
      setupPolicy({ removalGraceDays: 7 }),
      NOW,
    );
    expect(change).toMatchObject({ action: 'deactivate', after: { active: false }, reason: reasons.graceStartsNow(7) });
  });

  it('never removes a user another setup manages, or one no setup manages', () => {
    const changes = planRemovals(
      [removedUser({ managingSetupId: OTHER_SETUP }), removedUser({ id: 'p2', managingSetupId: null })],
      setupPolicy(),
      NOW,
    );
    expect(changes).toMatchObject([
      {
        action: 'conflict',
        externalId: 'e1',
        userId: 'p1',
        before: null,
        after: null,
        reason: reasons.notManagedBySetup(OTHER_SETUP),
      },
      {
        action: 'conflict',
        externalId: 'e1',
        userId: 'p2',
        before: null,
        after: null,
        reason: reasons.notManagedBySetup(null),
      },
    ]);
    expect(changes[1]!.reason).toBe('handed to removal but managed by no setup; a removal never touches it');
  });

  it('plans a user handed in twice once', () => {
    expect(planRemovals([removedUser(), removedUser()], setupPolicy(), NOW)).toHaveLength(1);
  });

  it('keeps a null external id', () => {
    expect(planRemovals([removedUser({ externalId: null })], setupPolicy(), NOW)[0]).toMatchObject({
      externalId: null,
      action: 'delete',
    });
  });
});
