import { describe, expect, it } from 'vitest';
import {
  indexCandidates,
  planMembers,
  reasons,
  type DirectoryUser,
  type PlannedChange,
  type ProductUser,
  type SetupPolicy,
} from '../../src/sync/index.js';
import {
  ALICE_FIELDS,
  CUSTOMER_TYPE,
  OTHER_COMPANY,
  OTHER_SETUP,
  SETUP,
  daysBefore,
  directoryUser,
  NOW,
  productUser,
  setupPolicy,
} from './builders.js';

function plan(members: DirectoryUser[], users: ProductUser[], overrides: Partial<SetupPolicy> = {}): PlannedChange[] {
  return planMembers(members, indexCandidates(users), setupPolicy(overrides));
}

function planOne(member: DirectoryUser, users: ProductUser[], overrides: Partial<SetupPolicy> = {}): PlannedChange {
  const changes = plan([member], users, overrides);
  expect(changes).toHaveLength(1);
  return changes[0]!;
}

const alice = directoryUser({ id: 'e1' });
const managed = (overrides: Partial<ProductUser> = {}) =>
  productUser({ id: 'p1', externalId: 'e1', managingSetupId: SETUP, ...overrides });

describe('planMembers: linked and managed by this setup', () => {
  it('is unchanged when everything matches', () => {
    expect(planOne(alice, [managed()])).toMatchObject({
      action: 'unchanged',
      externalId: 'e1',
      userId: 'p1',
      before: null,
      after: null,
      reason: reasons.upToDate,
    });
  });

  it('updates only the changed fields with updateExisting on', () => {
    const change = planOne(directoryUser({ id: 'e1', jobTitle: 'Manager', department: 'Sales' }), [managed()]);
    expect(change).toMatchObject({
      action: 'update',
      externalId: 'e1',
      userId: 'p1',
      before: { jobTitle: 'Engineer', department: 'R&D' },
      after: { jobTitle: 'Manager', department: 'Sales' },
      reason: reasons.updated(['department', 'jobTitle']),
    });
    expect(change.reason).toBe('changed in Entra ID: department, jobTitle');
  });

  it('writes no attribute with updateExisting off', () => {
    const change = planOne(directoryUser({ id: 'e1', jobTitle: 'Manager' }), [managed()], { updateExisting: false });
    expect(change).toMatchObject({ action: 'unchanged', reason: reasons.upToDateAttributesNotWritten });
  });

  it('links by Entra id even when the email changed', () => {
    const change = planOne(directoryUser({ id: 'e1', mail: 'alice.new@example.com' }), [
      managed(),
      productUser({ id: 'p2', email: 'alice.new@example.com' }),
    ]);
    expect(change).toMatchObject({ action: 'update', userId: 'p1', after: { email: 'alice.new@example.com' } });
  });

  it('deactivates a user disabled in Entra, keeping the snapshot in before', () => {
    const change = planOne(directoryUser({ id: 'e1', accountEnabled: false }), [managed()]);
    expect(change).toMatchObject({
      action: 'deactivate',
      userId: 'p1',
      after: { active: false },
      reason: 'disabled in Entra ID',
    });
    expect(change.before).toMatchObject({ email: 'alice@example.com', active: true, jobTitle: 'Engineer' });
  });

  it('writes the attribute changes along with the deactivation when updateExisting is on', () => {
    const change = planOne(directoryUser({ id: 'e1', accountEnabled: false, jobTitle: 'Manager' }), [managed()]);
    expect(change).toMatchObject({
      action: 'deactivate',
      after: { active: false, jobTitle: 'Manager' },
      reason: reasons.disabledInEntra(['jobTitle']),
    });
  });

  it('deactivates a disabled user even with updateExisting off, writing only active', () => {
    const change = planOne(directoryUser({ id: 'e1', accountEnabled: false, jobTitle: 'Manager' }), [managed()], {
      updateExisting: false,
    });
    expect(change).toMatchObject({ action: 'deactivate', after: { active: false } });
  });

  it('leaves an already inactive disabled user unchanged', () => {
    const inactive = managed({ active: false, deactivatedAt: daysBefore(NOW, 1), deactivatedBySetupId: SETUP });
    expect(planOne(directoryUser({ id: 'e1', accountEnabled: false }), [inactive])).toMatchObject({
      action: 'unchanged',
      reason: reasons.upToDate,
    });
  });

  it('reactivates a user this sync deactivated once it is enabled again (re-enabled or re-added in its grace period)', () => {
    const inactive = managed({ active: false, deactivatedAt: daysBefore(NOW, 1), deactivatedBySetupId: SETUP });
    const change = planOne(alice, [inactive]);
    expect(change).toMatchObject({
      action: 'update',
      before: { active: false },
      after: { active: true },
      reason: reasons.reactivated([]),
    });
  });

  it('reactivates even with updateExisting off: activation is access control, not an attribute', () => {
    const inactive = managed({ active: false, deactivatedBySetupId: SETUP, jobTitle: 'Old' });
    const change = planOne(alice, [inactive], { updateExisting: false });
    expect(change).toMatchObject({ action: 'update', before: { active: false }, after: { active: true } });
  });

  it('names the attributes it writes along with a reactivation', () => {
    const inactive = managed({ active: false, deactivatedBySetupId: SETUP, jobTitle: 'Old' });
    expect(planOne(alice, [inactive]).reason).toBe(
      'deactivated by this sync and again an enabled member of the group; reactivated; fields updated: jobTitle',
    );
  });

  it('never reactivates a user someone else deactivated', () => {
    const inactive = managed({ active: false, deactivatedAt: daysBefore(NOW, 1), deactivatedBySetupId: null });
    expect(planOne(alice, [inactive])).toMatchObject({ action: 'unchanged', reason: reasons.staysDeactivated });
    const byOther = managed({ active: false, deactivatedBySetupId: OTHER_SETUP, jobTitle: 'Old' });
    expect(planOne(alice, [byOther])).toMatchObject({ action: 'update', after: { jobTitle: 'Engineer' } });
  });

  it('treats accountEnabled null as enabled', () => {
    expect(planOne(directoryUser({ id: 'e1', accountEnabled: null }), [managed()])).toMatchObject({
      action: 'unchanged',
    });
  });
});

describe('planMembers: linked to a user it does not manage', () => {
  it('conflicts when the linked user is managed by another setup', () => {
    const change = planOne(alice, [managed({ managingSetupId: OTHER_SETUP })]);
    expect(change).toMatchObject({
      action: 'conflict',
      externalId: 'e1',
      userId: 'p1',
      before: null,
      after: null,
      reason: reasons.linkedUserManagedElsewhere(OTHER_SETUP),
    });
  });

  it('conflicts with another setup even when disabled', () => {
    expect(
      planOne(directoryUser({ id: 'e1', accountEnabled: false }), [managed({ managingSetupId: OTHER_SETUP })]).action,
    ).toBe('conflict');
  });

  it('adopts a linked user no setup manages', () => {
    const change = planOne(directoryUser({ id: 'e1', jobTitle: 'Manager' }), [managed({ managingSetupId: null })]);
    expect(change).toMatchObject({
      action: 'adopt',
      externalId: 'e1',
      userId: 'p1',
      before: { jobTitle: 'Engineer' },
      after: { jobTitle: 'Manager' },
      reason: reasons.adoptedByLink(['jobTitle'], true),
    });
  });

  it('skips a disabled linked user no setup manages: the sync never takes ownership of a disabled account', () => {
    const change = planOne(directoryUser({ id: 'e1', accountEnabled: false }), [managed({ managingSetupId: null })]);
    expect(change).toMatchObject({ action: 'skip', userId: 'p1', reason: reasons.disabledNotManaged });
  });

  it('ignores a linked user of another company', () => {
    const change = planOne(alice, [managed({ companyId: OTHER_COMPANY })]);
    expect(change.action).toBe('create');
  });
});

describe('planMembers: unlinked, matched by email', () => {
  it('creates when no product user matches, with every field', () => {
    const change = planOne(alice, []);
    expect(change).toMatchObject({
      action: 'create',
      externalId: 'e1',
      userId: null,
      before: null,
      after: ALICE_FIELDS,
      reason: reasons.created('email', 'alice@example.com', CUSTOMER_TYPE),
    });
    expect(change.reason).toBe(
      `not linked and no product user matches email alice@example.com; created in customer type ${CUSTOMER_TYPE}`,
    );
  });

  it('adopts the one unmanaged user whose email matches, case-insensitively', () => {
    const change = planOne(directoryUser({ id: 'e1', mail: 'ALICE@example.com' }), [
      productUser({ id: 'p9', email: 'Alice@Example.com' }),
    ]);
    expect(change).toMatchObject({
      action: 'adopt',
      userId: 'p9',
      before: {},
      after: {},
      reason: reasons.adoptedByMatch('email', 'alice@example.com', [], true),
    });
    expect(change.reason).toBe(
      'matched by email alice@example.com to a product user no setup manages; adopted; already up to date',
    );
  });

  it('adopts and updates attributes with updateExisting on', () => {
    const change = planOne(directoryUser({ id: 'e1', jobTitle: 'Manager' }), [productUser({ id: 'p9' })]);
    expect(change).toMatchObject({ action: 'adopt', before: { jobTitle: 'Engineer' }, after: { jobTitle: 'Manager' } });
    expect(change.reason).toBe(
      'matched by email alice@example.com to a product user no setup manages; adopted; fields updated: jobTitle',
    );
  });

  it('adopts writing only the link with updateExisting off', () => {
    const change = planOne(directoryUser({ id: 'e1', jobTitle: 'Manager' }), [productUser({ id: 'p9' })], {
      updateExisting: false,
    });
    expect(change).toMatchObject({ action: 'adopt', before: {}, after: {} });
    expect(change.reason).toBe(
      'matched by email alice@example.com to a product user no setup manages; adopted; updateExisting is off, so only the link is written',
    );
  });

  it('adopts and reactivates a user this sync deactivated, even with updateExisting off', () => {
    const change = planOne(alice, [productUser({ id: 'p9', active: false, deactivatedBySetupId: SETUP })], {
      updateExisting: false,
    });
    expect(change).toMatchObject({ action: 'adopt', before: { active: false }, after: { active: true } });
    expect(change.reason).toBe(
      'matched by email alice@example.com to a product user no setup manages; adopted; updateExisting is off, so only the link and active are written',
    );
  });

  it('adopts a matched user this setup manages whose link was lost', () => {
    expect(planOne(alice, [productUser({ id: 'p9', managingSetupId: SETUP })])).toMatchObject({
      action: 'adopt',
      userId: 'p9',
    });
  });

  it('adopts an inactive user without reactivating it when someone else deactivated it', () => {
    const change = planOne(alice, [productUser({ id: 'p9', active: false, deactivatedBySetupId: null })]);
    expect(change).toMatchObject({ action: 'adopt', after: {} });
  });

  it('conflicts when several product users match', () => {
    const change = planOne(alice, [productUser({ id: 'p8' }), productUser({ id: 'p9', email: 'ALICE@example.com' })]);
    expect(change).toMatchObject({
      action: 'conflict',
      userId: null,
      reason: reasons.manyMatches('email', 'alice@example.com', ['p8', 'p9']),
    });
    expect(change.reason).toBe('2 product users match email alice@example.com (p8, p9); none is adopted');
  });

  it('conflicts when the match is managed by another setup', () => {
    const change = planOne(alice, [productUser({ id: 'p9', managingSetupId: OTHER_SETUP })]);
    expect(change).toMatchObject({
      action: 'conflict',
      userId: 'p9',
      reason: reasons.matchManagedElsewhere('email', 'alice@example.com', OTHER_SETUP),
    });
  });

  it('conflicts when the match is linked to another Entra user', () => {
    const change = planOne(alice, [productUser({ id: 'p9', externalId: 'e-other' })]);
    expect(change).toMatchObject({
      action: 'conflict',
      userId: 'p9',
      reason: reasons.matchLinkedElsewhere('email', 'alice@example.com', 'e-other'),
    });
  });

  it('ignores candidates of another company', () => {
    expect(planOne(alice, [productUser({ id: 'p9', companyId: OTHER_COMPANY })]).action).toBe('create');
  });

  it('skips a member without an email address', () => {
    const change = planOne(
      directoryUser({ id: 'e1', mail: null, userPrincipalName: 'x_y.com#EXT#@t.onmicrosoft.com' }),
      [],
    );
    expect(change).toMatchObject({
      action: 'skip',
      externalId: 'e1',
      userId: null,
      before: null,
      after: null,
      reason: reasons.noMatchKey('email'),
    });
  });

  it('skips an unlinked member disabled in Entra, matched or not', () => {
    const disabled = directoryUser({ id: 'e1', accountEnabled: false });
    expect(planOne(disabled, [])).toMatchObject({ action: 'skip', userId: null, reason: reasons.disabledNotManaged });
    expect(planOne(disabled, [productUser({ id: 'p9' })])).toMatchObject({
      action: 'skip',
      reason: reasons.disabledNotManaged,
    });
  });
});

describe('planMembers: unlinked, matched by initials', () => {
  const byInitials = { matchOn: 'initials' as const };

  it('adopts the user with the same initials, case-insensitively', () => {
    const change = planOne(
      directoryUser({ id: 'e1', onPremisesSamAccountName: 'aex' }),
      [productUser({ id: 'p9', email: 'other@x.com', initials: 'Aex' })],
      byInitials,
    );
    expect(change).toMatchObject({ action: 'adopt', userId: 'p9', after: { email: 'alice@example.com' } });
    expect(change.reason).toMatch(/^matched by initials AEX /);
  });

  it('falls back to the next initials attribute', () => {
    const member = directoryUser({ id: 'e1', onPremisesSamAccountName: null, mailNickname: 'alice' });
    expect(planOne(member, [productUser({ id: 'p9', initials: 'ALICE' })], byInitials)).toMatchObject({
      action: 'adopt',
      userId: 'p9',
    });
  });

  it('creates without an email address: only the match key is needed', () => {
    const change = planOne(directoryUser({ id: 'e1', mail: null, userPrincipalName: null }), [], byInitials);
    expect(change).toMatchObject({
      action: 'create',
      after: { email: null, initials: 'AEX' },
      reason: reasons.created('initials', 'AEX', CUSTOMER_TYPE),
    });
  });

  it('skips a member without initials', () => {
    const change = planOne(
      directoryUser({ id: 'e1', onPremisesSamAccountName: null, mailNickname: null }),
      [],
      byInitials,
    );
    expect(change).toMatchObject({ action: 'skip', reason: reasons.noMatchKey('initials') });
    expect(change.reason).toBe(
      "no initials (none of the setup's initials attributes has a value); cannot be matched or created",
    );
  });

  it('ignores emails when matching on initials', () => {
    const change = planOne(
      directoryUser({ id: 'e1', onPremisesSamAccountName: 'ZZ' }),
      [productUser({ id: 'p9', initials: 'AEX' })],
      byInitials,
    );
    expect(change.action).toBe('create');
  });
});

describe('planMembers: a chunk', () => {
  it('conflicts every member sharing a match key, whether a product user matches or not', () => {
    const members = [
      directoryUser({ id: 'e1' }),
      directoryUser({ id: 'e2', mail: 'ALICE@example.com' }),
      directoryUser({ id: 'e3', mail: 'bob@example.com' }),
    ];
    for (const users of [[], [productUser({ id: 'p9' })]]) {
      const changes = plan(members, users);
      expect(changes.map((change) => change.action)).toEqual(['conflict', 'conflict', 'create']);
      expect(changes[0]!.reason).toBe(
        '2 directory users in this batch share email alice@example.com; none of them is matched or created',
      );
    }
  });

  it('conflicts an unlinked member whose key a linked member of the chunk carries, but not the linked one', () => {
    const changes = plan(
      [directoryUser({ id: 'e1' }), directoryUser({ id: 'e2' })],
      [managed({ email: 'alice.old@example.com' })],
    );
    expect(changes.map((change) => change.action)).toEqual(['update', 'conflict']);
  });

  it('does not count disabled members as sharing a key', () => {
    const changes = plan([directoryUser({ id: 'e1', accountEnabled: false }), directoryUser({ id: 'e2' })], []);
    expect(changes.map((change) => change.action)).toEqual(['skip', 'create']);
  });

  it('plans a member replayed by Graph once, from its last read', () => {
    const changes = plan(
      [
        directoryUser({ id: 'e1', jobTitle: 'Old' }),
        directoryUser({ id: 'e2', mail: 'bob@x.com' }),
        directoryUser({ id: 'e1', jobTitle: 'Manager' }),
      ],
      [managed()],
    );
    expect(changes.map((change) => [change.externalId, change.action])).toEqual([
      ['e1', 'update'],
      ['e2', 'create'],
    ]);
    expect(changes[0]!.after).toEqual({ jobTitle: 'Manager' });
  });

  it('plans nothing for no members', () => {
    expect(plan([], [managed()])).toEqual([]);
  });
});
