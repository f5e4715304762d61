import { describe, expect, it } from 'vitest';
import { indexCandidates, matchKeyOf, matchKeysFor } from '../../src/sync/index.js';
import { directoryUser, productUser, setupPolicy } from './builders.js';

describe('matchKeyOf', () => {
  it('is the lowercased email when the setup matches on email', () => {
    expect(matchKeyOf(directoryUser({ id: 'e1', mail: 'Alice@Example.com' }), setupPolicy())).toBe('alice@example.com');
  });

  it('is the uppercased initials when the setup matches on initials', () => {
    const policy = setupPolicy({ matchOn: 'initials' });
    expect(matchKeyOf(directoryUser({ id: 'e1', onPremisesSamAccountName: 'aex' }), policy)).toBe('AEX');
    expect(matchKeyOf(directoryUser({ id: 'e1', onPremisesSamAccountName: null, mailNickname: 'alice' }), policy)).toBe(
      'ALICE',
    );
  });

  it('is null when the user lacks the key', () => {
    expect(matchKeyOf(directoryUser({ id: 'e1', mail: null, userPrincipalName: null }), setupPolicy())).toBeNull();
  });
});

describe('matchKeysFor', () => {
  const members = [
    directoryUser({ id: 'e1', mail: 'A@x.com', onPremisesSamAccountName: 'aa' }),
    directoryUser({ id: 'e2', mail: 'a@X.com', onPremisesSamAccountName: 'AA' }),
    directoryUser({
      id: 'e3',
      mail: null,
      userPrincipalName: null,
      onPremisesSamAccountName: null,
      mailNickname: null,
    }),
    directoryUser({ id: 'e1', mail: 'A@x.com', onPremisesSamAccountName: 'aa' }),
  ];

  it('lists distinct ids and distinct emails when matching on email', () => {
    expect(matchKeysFor(members, setupPolicy())).toEqual({
      externalIds: ['e1', 'e2', 'e3'],
      emails: ['a@x.com'],
      initials: [],
    });
  });

  it('lists distinct initials when matching on initials', () => {
    expect(matchKeysFor(members, setupPolicy({ matchOn: 'initials' }))).toEqual({
      externalIds: ['e1', 'e2', 'e3'],
      emails: [],
      initials: ['AA'],
    });
  });

  it("takes a replayed member's keys from its last read, as planMembers does", () => {
    const replayed = [directoryUser({ id: 'e1', mail: 'old@x.com' }), directoryUser({ id: 'e1', mail: 'new@x.com' })];
    expect(matchKeysFor(replayed, setupPolicy()).emails).toEqual(['new@x.com']);
  });
});

describe('indexCandidates', () => {
  it('indexes by external id, lowercased email and uppercased initials', () => {
    const linked = productUser({ id: 'p1', externalId: 'e1', email: 'Alice@Example.com', initials: 'aex' });
    const unlinked = productUser({ id: 'p2', email: 'ALICE@example.com', initials: null });
    const candidates = indexCandidates([linked, unlinked, linked]);
    expect([...candidates.byExternalId]).toEqual([['e1', linked]]);
    expect(candidates.byEmail.get('alice@example.com')).toEqual([linked, unlinked]);
    expect([...candidates.byInitials]).toEqual([['AEX', [linked]]]);
  });

  it('leaves out blank keys', () => {
    const candidates = indexCandidates([productUser({ id: 'p1', email: ' ', initials: '' })]);
    expect(candidates.byEmail.size).toBe(0);
    expect(candidates.byInitials.size).toBe(0);
  });
});
