import { describe, expect, it } from 'vitest';
import { da } from '../../src/api/admin/i18n/da.js';
import { en } from '../../src/api/admin/i18n/en.js';
import {
  because,
  reasonCodes,
  reasonText,
  renderReason,
  type Reason,
  type ReasonCode,
  type ReasonTemplates,
} from '../../src/sync/reasons.js';
import { statusBecause } from '../../src/sync/status-reasons.js';
import { shownReason } from '../../src/api/admin/stored-reason.js';

// One reason or more of every code, with values that are not English words.
const date = new Date('2026-12-01T00:00:00.000Z');
const samples: Record<ReasonCode, Reason[]> = {
  created: [because.created('email', 'anna@contoso.example', 'ct-1'), because.created('initials', 'AB', 'ct-1')],
  adoptedByLink: [
    because.adoptedByLink([], true),
    because.adoptedByLink(['jobTitle'], true),
    because.adoptedByLink([], false),
    because.adoptedByLink(['active'], false),
  ],
  adoptedByMatch: [
    because.adoptedByMatch('email', 'anna@contoso.example', ['department', 'jobTitle'], true),
    because.adoptedByMatch('initials', 'AB', [], false),
  ],
  updated: [because.updated(['email', 'jobTitle'])],
  reactivated: [because.reactivated([]), because.reactivated(['department'])],
  disabledInEntra: [because.disabledInEntra([]), because.disabledInEntra(['mobile'])],
  upToDate: [because.upToDate],
  upToDateAttributesNotWritten: [because.upToDateAttributesNotWritten],
  staysDeactivated: [because.staysDeactivated],
  disabledNotManaged: [because.disabledNotManaged],
  noMatchKey: [because.noMatchKey('email'), because.noMatchKey('initials')],
  keySharedInBatch: [because.keySharedInBatch('email', 'anna@contoso.example', 2)],
  manyMatches: [because.manyMatches('initials', 'AB', ['u-1', 'u-2'])],
  linkedUserManagedElsewhere: [because.linkedUserManagedElsewhere('s-2')],
  matchManagedElsewhere: [because.matchManagedElsewhere('email', 'anna@contoso.example', 's-2')],
  matchLinkedElsewhere: [because.matchLinkedElsewhere('initials', 'AB', 'e-9')],
  notAdoptedGuest: [because.notAdoptedGuest('email', 'anna@contoso.example', 'u-1')],
  notAdoptedUnverifiedDomain: [
    because.notAdoptedUnverifiedDomain('email', 'anna@contoso.example', 'u-1', 'contoso.example'),
    because.notAdoptedUnverifiedDomain('initials', 'AB', 'u-1', null),
  ],
  deletedNoGrace: [because.deletedNoGrace],
  deactivatedForGrace: [because.deactivatedForGrace(30, date)],
  graceStartsNow: [because.graceStartsNow(30)],
  inGrace: [because.inGrace(date)],
  deletedGraceOver: [because.deletedGraceOver(30, date)],
  deletedInEntra: [
    because.deletedInEntra('soft', because.deletedNoGrace),
    because.deletedInEntra('hard', because.deactivatedForGrace(30, date)),
    because.deletedInEntra('unknown', because.inGrace(date)),
  ],
  notManagedBySetup: [because.notManagedBySetup(null), because.notManagedBySetup('s-2')],
  memberReadFailed: [because.memberReadFailed],
  noMembersReturned: [because.noMembersReturned(12)],
  overCount: [because.overCount(1, 0), because.overCount(600, 500)],
  overPercent: [because.overPercent(30, 20, 100)],
  withinThreshold: [because.withinThreshold(3)],
  approvalTimedOut: [because.approvalTimedOut('7d', because.overCount(600, 500))],
  removalsRejected: [because.removalsRejected(because.overPercent(30, 20, 100))],
  removalHeld: [
    because.removalHeld(because.overCount(600, 500), because.deletedNoGrace),
    because.removalHeld(because.approvalTimedOut('1500ms', because.overCount(1, 0)), because.graceStartsNow(3)),
  ],
  applyFailed: [
    because.applyFailed(
      'create',
      statusBecause.emailTaken('anna@contoso.example'),
      because.created('email', 'anna@contoso.example', 'ct-1'),
    ),
    because.applyFailed('update', statusBecause.userVanished, because.updated(['jobTitle'])),
    because.applyFailed('create', statusBecause.initialsTaken('AB'), because.created('initials', 'AB', 'ct-1')),
  ],
  // connections, setups and runs (src/sync/status-reasons.ts); Microsoft's texts are values: not English words
  consentTimedOut: [statusBecause.consentTimedOut],
  consentNotGranted: [statusBecause.consentNotGranted('AADSTS65004')],
  signInRefused: [
    statusBecause.signInRefused(statusBecause.adminRoleMissing('anna@contoso.example')),
    statusBecause.signInRefused(statusBecause.wrongTenantSignIn('t-1', 't-2')),
    statusBecause.signInRefused('AADSTS50020'),
  ],
  adminRoleMissing: [statusBecause.adminRoleMissing('anna@contoso.example')],
  wrongTenantSignIn: [statusBecause.wrongTenantSignIn('t-1', 't-2')],
  tenantNotFoundAtSignIn: [statusBecause.tenantNotFoundAtSignIn('contoso.example', 'AADSTS90002')],
  noAdminSignIn: [statusBecause.noAdminSignIn],
  stateMissing: [statusBecause.stateMissing],
  stateUnknown: [statusBecause.stateUnknown],
  stateUsed: [statusBecause.stateUsed],
  stateExpired: [statusBecause.stateExpired],
  attemptConnectionGone: [statusBecause.attemptConnectionGone],
  notAwaitingConsent: [statusBecause.notAwaitingConsent('consent_denied')],
  appIdentityMissing: [statusBecause.appIdentityMissing],
  responseSpent: [statusBecause.responseSpent],
  consentResponseUnclear: [statusBecause.consentResponseUnclear],
  consentTenantMissing: [statusBecause.consentTenantMissing],
  consentWrongTenant: [statusBecause.consentWrongTenant('t-1', 't-2')],
  tenantTaken: [statusBecause.tenantTaken('0c1d2e3f-0000-4000-8000-000000000001')],
  tenantConnectedTwice: [statusBecause.tenantConnectedTwice('0c1d2e3f-0000-4000-8000-000000000001', 'Contoso')],
  neverConnected: [statusBecause.neverConnected],
  tenantNotFound: [statusBecause.tenantNotFound('contoso.example', 'AADSTS90002')],
  consentMissing: [statusBecause.consentMissing('contoso.example', 'AADSTS7000229')],
  invalidClient: [statusBecause.invalidClient('AADSTS7000215')],
  permissionMissing: [statusBecause.permissionMissing('GroupMember.Read.All')],
  consentRevoked: [
    statusBecause.consentRevoked(statusBecause.permissionMissing('User.Read.All')),
    statusBecause.consentRevoked('HTTP 403'),
  ],
  directoryAccessLost: [statusBecause.directoryAccessLost('Authorization_RequestDenied')],
  pausedByAdmin: [statusBecause.pausedByAdmin],
  pausedWithConnection: [
    statusBecause.pausedWithConnection(statusBecause.directoryAccessLost('Authorization_RequestDenied')),
  ],
  groupGone: [statusBecause.groupGone('6a1b2c3d-0000-4000-8000-00000000000a')],
  directoryConfiguration: [statusBecause.directoryConfiguration('AADSTS700016')],
  runStartFailed: [statusBecause.runStartFailed('ECONNREFUSED')],
  userVanished: [statusBecause.userVanished],
  emailTaken: [statusBecause.emailTaken('anna@contoso.example')],
  initialsTaken: [statusBecause.initialsTaken('AB')],
};

// Words that give away an untranslated English sentence (values in the samples avoid them).
const english =
  /\b(the|and|not|is|are|of|to|by|no|none|setup|member|group|linked|user|users|product|removal|removals|deleted|created|adopted|failed|planned|was|days|undefined|null)\b/;

const rendered = Object.entries(samples).flatMap(([code, list]) => list.map((reason) => [code, reason] as const));

describe('reason codes rendered from templates', () => {
  it('has a sample of every code', () => {
    expect(Object.keys(samples).sort()).toEqual([...reasonCodes].sort());
  });

  it('fails on a code without a template', () => {
    const { created: _created, ...incomplete } = da.reasonTemplates;
    expect(() =>
      renderReason(incomplete as ReasonTemplates, because.created('email', 'a@b.example', 'ct-1')),
    ).toThrow();
  });

  it.each(rendered)('renders %s in English, the text the audit stores', (_code, reason) => {
    const text = renderReason(en.reasonTemplates, reason);
    expect(text).toBe(reasonText(reason));
    expect(text).not.toMatch(/undefined|\[object Object\]/);
  });

  it.each(rendered)('renders %s in Danish without English words', (_code, reason) => {
    const danish = renderReason(da.reasonTemplates, reason);
    expect(danish).not.toBe(reasonText(reason));
    expect(danish).not.toMatch(english);
    expect(danish).not.toMatch(/\[object Object\]/);
  });

  it('shows a stored reason by its code in the page language, and a row stored without a code as its text', () => {
    const paused = statusBecause.pausedByAdmin;
    expect(shownReason(da, reasonText(paused), paused)).toBe('sat på pause af en administrator');
    expect(shownReason(en, reasonText(paused), paused)).toBe('paused by an administrator');
    // rows written before codes keep the English they were stored with, in both languages
    expect(shownReason(da, 'paused by an administrator', null)).toBe('paused by an administrator');
    expect(shownReason(da, 'group x was not found', { code: 'noSuchCode', params: {} })).toBe('group x was not found');
    expect(shownReason(da, null, null)).toBe('');
  });

  it('shows a group’s name where a setup reason holds its id', () => {
    const gone = statusBecause.groupGone('6a1b2c3d-0000-4000-8000-00000000000a');
    const names = (param: string, value: string) => (param === 'groupId' ? 'Salg' : value);
    expect(shownReason(da, reasonText(gone), gone, names)).toBe(
      "gruppen Salg blev ikke fundet i lejeren (slettet, eller id'et er forkert)",
    );
  });

  it('shows a name for an id where the page knows one, in both languages', () => {
    const reason = because.created('email', 'anna@contoso.example', 'f24aab56-0000-4000-8000-000000000001');
    const names = (param: string, value: string) => (param === 'customerTypeId' ? 'Medarbejdere' : value);
    expect(renderReason(da.reasonTemplates, reason, names)).toContain('oprettet i kundetypen Medarbejdere');
    expect(renderReason(en.reasonTemplates, reason, names)).toContain('created in customer type Medarbejdere');
    expect(renderReason(da.reasonTemplates, because.deletedInEntra('soft', reason), names)).toContain('Medarbejdere');
  });
});
