import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEntraGuest } from '../../src/directory/entra/directory-user.js';
import { adoptionRefusal, domainOf } from '../../src/sync/adoption.js';
import {
  directoryEmail,
  indexCandidates,
  planMembers,
  reasons,
  type DirectoryUser,
  type ProductUser,
  type SetupPolicy,
} from '../../src/sync/index.js';
import { directoryUser, productUser, setupPolicy } from './builders.js';

/** An unlinked product user no setup manages, matching alice@example.com / AEX: what an adoption would take over. */
const existing = productUser({ id: 'p1' });

function planOne(member: DirectoryUser, policy: Partial<SetupPolicy> = {}, users: ProductUser[] = [existing]) {
  const [change] = planMembers([member], indexCandidates(users), setupPolicy(policy));
  return change!;
}

describe('adoption needs a verified domain and a member that is not a guest', () => {
  it('adopts a member whose address is in a verified domain (case does not matter)', () => {
    expect(planOne(directoryUser({ id: 'e1' })).action).toBe('adopt');
    expect(
      planOne(directoryUser({ id: 'e1', mail: 'Alice@EXAMPLE.com' }), { verifiedDomains: ['Example.COM'] }).action,
    ).toBe('adopt');
  });

  it('skips a guest (userType Guest) with its reason, however well its typed address matches', () => {
    const guest = directoryUser({ id: 'e1', userType: 'Guest' });
    const change = planOne(guest);
    expect(change).toMatchObject({
      action: 'skip',
      externalId: 'e1',
      userId: 'p1',
      before: null,
      after: null,
      reason: reasons.notAdoptedGuest('email', 'alice@example.com', 'p1'),
    });
    expect(change.reason).toMatch(/guest .*not adopted, the product user stays as it is$/);
  });

  it('skips a guest recognised by its #EXT# userPrincipalName even when userType was not read', () => {
    const guest = directoryUser({
      id: 'e1',
      userType: null,
      userPrincipalName: 'alice_example.com#EXT#@contoso.onmicrosoft.com',
    });
    expect(planOne(guest).reason).toBe(reasons.notAdoptedGuest('email', 'alice@example.com', 'p1'));
    expect(planOne(guest, { matchOn: 'initials' }).reason).toBe(reasons.notAdoptedGuest('initials', 'AEX', 'p1'));
  });

  it('skips a member whose address is outside the tenant’s verified domains, and when none are known', () => {
    const outsider = directoryUser({ id: 'e1', mail: 'alice@example.com' });
    expect(planOne(outsider, { verifiedDomains: ['contoso.com'] })).toMatchObject({
      action: 'skip',
      userId: 'p1',
      reason: reasons.notAdoptedUnverifiedDomain('email', 'alice@example.com', 'p1', 'example.com'),
    });
    expect(planOne(outsider, { verifiedDomains: [] }).action).toBe('skip');
    // A subdomain is another domain.
    expect(planOne(directoryUser({ id: 'e1', mail: 'alice@mail.example.com' }), { matchOn: 'initials' }).reason).toBe(
      reasons.notAdoptedUnverifiedDomain('initials', 'AEX', 'p1', 'mail.example.com'),
    );
    // Initials matching: a member without any address cannot prove its domain.
    expect(
      planOne(directoryUser({ id: 'e1', mail: null, userPrincipalName: null }), { matchOn: 'initials' }).reason,
    ).toBe(reasons.notAdoptedUnverifiedDomain('initials', 'AEX', 'p1', null));
  });

  it('still creates a guest no product user matches (nothing existing is taken over)', () => {
    const guest = directoryUser({ id: 'e1', userType: 'Guest', mail: 'new.person@partner.example' });
    expect(planOne(guest).action).toBe('create');
  });

  it('keeps the link rule: a member linked by object id is not a match and is not affected', () => {
    const linked = productUser({ id: 'p1', externalId: 'e1' });
    expect(planOne(directoryUser({ id: 'e1', userType: 'Guest' }), { verifiedDomains: [] }, [linked]).action).toBe(
      'adopt',
    );
  });

  it('isEntraGuest (the Entra mapper rule) and domainOf', () => {
    expect(isEntraGuest('Guest', 'a@b.c')).toBe(true);
    expect(isEntraGuest('guest', null)).toBe(true);
    expect(isEntraGuest('Member', 'a_b.c#ext#@t.onmicrosoft.com')).toBe(true);
    expect(isEntraGuest('Member', 'a@b.c')).toBe(false);
    expect(isEntraGuest(null, null)).toBe(false);
    expect(domainOf('a@B.Example')).toBe('b.example');
    expect(domainOf('a@')).toBeNull();
    expect(domainOf('nope')).toBeNull();
  });
});

// Properties over many members, product users and policies.
const value = <T>(...values: T[]) => fc.constantFrom<T>(...values);
const memberArb: fc.Arbitrary<DirectoryUser> = fc
  .record({
    id: value('e1', 'e2', 'e3', 'e4'),
    mail: value<string | null>('a@x.com', 'A@X.COM', 'b@y.com', 'c@sub.x.com', 'nomail', null),
    userPrincipalName: value<string | null>(
      'a@x.com',
      'b@y.com',
      'a_x.com#EXT#@t.onmicrosoft.com',
      'z@t.onmicrosoft.com',
      null,
    ),
    userType: value<string | null>('Member', 'Member', 'Guest', null),
    onPremisesSamAccountName: value<string | null>('AB', 'CD', null),
    accountEnabled: value<boolean | null>(true, true, false),
  })
  .map((fields) => directoryUser(fields));
const usersArb: fc.Arbitrary<ProductUser[]> = fc
  .array(
    fc.record({
      email: value<string | null>('a@x.com', 'b@y.com', 'z@t.onmicrosoft.com', 'c@sub.x.com', null),
      initials: value<string | null>('AB', 'CD', null),
      externalId: value<string | null>(null, null, null, 'e3'),
    }),
    { maxLength: 5 },
  )
  .map((rows) =>
    rows.map((row, i) => productUser({ id: `p${i}`, ...row, externalId: i === 0 ? row.externalId : null })),
  );
const policyArb = fc.record({
  matchOn: value<'email' | 'initials'>('email', 'initials'),
  verifiedDomains: value<string[]>(['x.com'], ['Y.com', 'x.com'], [], ['t.onmicrosoft.com'], ['sub.x.com']),
});

describe('adoption properties (fast-check)', () => {
  it('every adoption by match is of a non-guest whose address is in a verified domain', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { maxLength: 6 }), usersArb, policyArb, (members, users, overrides) => {
        const policy = setupPolicy(overrides);
        const byId = new Map(members.map((m) => [m.id, m]));
        for (const change of planMembers(members, indexCandidates(users), policy)) {
          const linkedBefore = users.some((u) => u.externalId === change.externalId);
          if (change.action !== 'adopt' || linkedBefore) continue;
          const member = byId.get(change.externalId!)!;
          expect(member.guest).toBe(false);
          const domain = domainOf(directoryEmail(member) ?? '');
          expect(policy.verifiedDomains.map((d) => d.toLowerCase())).toContain(domain);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a refused adoption is a skip with the refusal as its reason, naming the product user, and writes nothing', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { maxLength: 6 }), usersArb, policyArb, (members, users, overrides) => {
        const policy = setupPolicy(overrides);
        for (const change of planMembers(members, indexCandidates(users), policy)) {
          if (!/not adopted, the product user stays as it is$/.test(change.reason)) continue;
          expect(change).toMatchObject({ action: 'skip', before: null, after: null });
          expect(change.userId).not.toBeNull();
          expect(change.reason).toContain(`product user ${change.userId}`);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refusal is exactly: guest, or address domain not verified', () => {
    fc.assert(
      fc.property(memberArb, policyArb, (member, overrides) => {
        const policy = setupPolicy(overrides);
        const refusal = adoptionRefusal(member, policy, { key: 'k', userId: 'p0' });
        const domain = domainOf(directoryEmail(member) ?? '');
        const allowed =
          !member.guest && domain !== null && policy.verifiedDomains.some((d) => d.toLowerCase() === domain);
        expect(refusal === null).toBe(allowed);
      }),
      { numRuns: 1000 },
    );
  });
});
