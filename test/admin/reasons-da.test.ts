import { neverConnected, tenantTakenReason } from '../../src/connections/ownership.js';
import { describe, expect, it } from 'vitest';
import { da } from '../../src/api/admin/i18n/da.js';
import { en } from '../../src/api/admin/i18n/en.js';
import { because, reasons } from '../../src/sync/reasons.js';

// Every sentence the planner and the guard can store, with values that are not English words.
const date = new Date('2026-12-01T00:00:00.000Z');
const samples: Record<keyof typeof reasons, string[]> = {
  created: [reasons.created('email', 'anna@contoso.example', 'ct-1'), reasons.created('initials', 'AB', 'ct-1')],
  adoptedByLink: [
    reasons.adoptedByLink([], true),
    reasons.adoptedByLink(['jobTitle'], true),
    reasons.adoptedByLink([], false),
    reasons.adoptedByLink(['active'], false),
  ],
  adoptedByMatch: [
    reasons.adoptedByMatch('email', 'anna@contoso.example', ['department', 'jobTitle'], true),
    reasons.adoptedByMatch('initials', 'AB', [], false),
  ],
  updated: [reasons.updated(['email', 'jobTitle'])],
  reactivated: [reasons.reactivated([]), reasons.reactivated(['department'])],
  disabledInEntra: [reasons.disabledInEntra([]), reasons.disabledInEntra(['mobile'])],
  upToDate: [reasons.upToDate],
  upToDateAttributesNotWritten: [reasons.upToDateAttributesNotWritten],
  staysDeactivated: [reasons.staysDeactivated],
  disabledNotManaged: [reasons.disabledNotManaged],
  noMatchKey: [reasons.noMatchKey('email'), reasons.noMatchKey('initials')],
  keySharedInBatch: [reasons.keySharedInBatch('email', 'anna@contoso.example', 2)],
  manyMatches: [reasons.manyMatches('initials', 'AB', ['u-1', 'u-2'])],
  linkedUserManagedElsewhere: [reasons.linkedUserManagedElsewhere('s-2')],
  matchManagedElsewhere: [reasons.matchManagedElsewhere('email', 'anna@contoso.example', 's-2')],
  matchLinkedElsewhere: [reasons.matchLinkedElsewhere('initials', 'AB', 'e-9')],
  notAdoptedGuest: [reasons.notAdoptedGuest('email', 'anna@contoso.example', 'u-1')],
  notAdoptedUnverifiedDomain: [
    reasons.notAdoptedUnverifiedDomain('email', 'anna@contoso.example', 'u-1', 'contoso.example'),
    reasons.notAdoptedUnverifiedDomain('initials', 'AB', 'u-1', null),
  ],
  deletedNoGrace: [reasons.deletedNoGrace],
  deactivatedForGrace: [reasons.deactivatedForGrace(30, date)],
  graceStartsNow: [reasons.graceStartsNow(30)],
  inGrace: [reasons.inGrace(date)],
  deletedGraceOver: [reasons.deletedGraceOver(30, date)],
  deletedInEntra: [
    reasons.deletedInEntra('soft', because.deletedNoGrace),
    reasons.deletedInEntra('hard', because.deactivatedForGrace(30, date)),
    reasons.deletedInEntra('unknown', because.inGrace(date)),
  ],
  notManagedBySetup: [reasons.notManagedBySetup(null), reasons.notManagedBySetup('s-2')],
  memberReadFailed: [reasons.memberReadFailed],
  noMembersReturned: [reasons.noMembersReturned(12)],
  overCount: [reasons.overCount(1, 0), reasons.overCount(600, 500)],
  overPercent: [reasons.overPercent(30, 20, 100)],
  withinThreshold: [reasons.withinThreshold(3)],
  removalHeld: [reasons.removalHeld(because.overCount(600, 500), because.deletedNoGrace)],
  approvalTimedOut: [reasons.approvalTimedOut('7 days', because.overCount(600, 500))],
  removalsRejected: [reasons.removalsRejected(because.overPercent(30, 20, 100))],
  applyFailed: [],
};

// What the apply, the workflow and the onboarding store around or beside those sentences.
const wrapped = [
  `removals rejected: ${reasons.overPercent(30, 20, 100)}`,
  `removals not approved within 7 days: ${reasons.overCount(600, 500)}`,
  `create failed: another user of the company already has the email anna@contoso.example (users_one_email_per_company); another user of the company already has the initials AB (users_one_initials_per_company) (planned: ${reasons.created('email', 'anna@contoso.example', 'ct-1')})`,
  `update failed: the user no longer exists, or another setup or Entra user took it over since the plan was made (planned: ${reasons.updated(['jobTitle'])})`,
  'no admin consent arrived in time; start a new consent attempt',
  'consent was not granted: AADSTS65004: User declined to consent to access the app.',
  "tenant 'ghost.example' was not found in Microsoft Entra ID: check the tenant ID (AADSTS90002)",
  'paused by an administrator',
  // issue 10: the admin sign-in and tenant ownership
  'the sign-in was refused: clerk@fabrikam.example holds no directory role that can grant tenant-wide admin consent (Global Administrator, Privileged Role Administrator, Cloud Application Administrator or Application Administrator); ask an admin of the tenant to connect it',
  'the sign-in was refused: you signed in to tenant 0c1d2e3f-0000-4000-8000-000000000001, but this connection is for tenant 0c1d2e3f-0000-4000-8000-000000000002: sign in with an admin account of that tenant',
  `${tenantTakenReason('0c1d2e3f-0000-4000-8000-000000000001')}`,
  neverConnected,
];

// Words that give away an untranslated English sentence (values in the samples avoid them).
const english =
  /\b(the|and|not|is|are|of|to|by|no|none|setup|member|group|linked|user|users|product|removal|removals|deleted|created|adopted|failed|planned|was)\b/;

describe('stored reasons on the Danish pages', () => {
  it('has a sample of every sentence the planner and the guard can store', () => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(reasons).sort());
  });

  it.each(Object.entries(samples).flatMap(([key, texts]) => texts.map((text) => [key, text])))(
    'translates %s: %s',
    (_key, text) => {
      const danish = da.reason(text);
      expect(danish).not.toBe(text);
      expect(danish).not.toMatch(english);
    },
  );

  it.each(wrapped)('translates what is stored around them: %s', (text) => {
    const danish = da.reason(text);
    expect(danish).not.toBe(text);
    // Microsoft's own words stay as Microsoft wrote them
    expect(danish.replace(/AADSTS\d+: .*$/, '')).not.toMatch(english);
  });

  it('keeps values, ids and Microsoft’s texts as they are, and shows an unknown reason as stored', () => {
    expect(da.reason(reasons.created('email', 'anna@contoso.example', 'ct-1'))).toBe(
      'ikke koblet, og ingen bruger i produktet har e-mailen anna@contoso.example; oprettet i kundetypen ct-1',
    );
    expect(da.reason(reasons.removalHeld(because.overCount(1, 0), because.deletedNoGrace))).toBe(
      'fjernelse holdt tilbage: 1 fjernelse er flere end grænsen på 0 (var: ikke længere medlem af gruppen, og sletning af fjernede brugere er slået til, og der er ingen henstandsperiode)',
    );
    expect(da.reason('consent was not granted: AADSTS65004: User declined.')).toBe(
      'samtykke blev ikke givet: AADSTS65004: User declined.',
    );
    expect(da.reason('something new')).toBe('something new');
    expect(en.reason(reasons.upToDate)).toBe(reasons.upToDate);
  });
});
