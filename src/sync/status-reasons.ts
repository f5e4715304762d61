/**
 * Why a connection, a setup or a run is in the state it is in, as codes with parameters (`statusBecause`), and
 * the English sentence of each code. Stored beside the English text (`status_reason_detail`, `error_detail`), so
 * the admin pages render them in the reader's language (templates in src/api/admin/i18n/) with names looked
 * up for the ids they hold; the API and the audit keep the English text. Part of the one catalogue of reason
 * codes in ./reasons.ts (`reasonCodes`), so a code without a template in either language does not compile.
 */
import type { Reason, ReasonParam, ReasonTemplate } from './reasons.js';

export const statusReasonCodes = [
  // connections: consent and sign-in
  'consentTimedOut',
  'consentNotGranted',
  'signInRefused',
  'adminRoleMissing',
  'wrongTenantSignIn',
  'tenantNotFoundAtSignIn',
  'noAdminSignIn',
  // consent and sign-in responses we refuse (the message page, not stored)
  'stateMissing',
  'stateUnknown',
  'stateUsed',
  'stateExpired',
  'attemptConnectionGone',
  'notAwaitingConsent',
  'appIdentityMissing',
  'responseSpent',
  'consentResponseUnclear',
  'consentTenantMissing',
  'consentWrongTenant',
  // connections: verification and later checks
  'tenantTaken',
  'tenantConnectedTwice',
  'neverConnected',
  'tenantNotFound',
  'consentMissing',
  'invalidClient',
  'permissionMissing',
  'consentRevoked',
  'directoryAccessLost',
  // setups
  'pausedByAdmin',
  'pausedWithConnection',
  'groupGone',
  'directoryConfiguration',
  // runs and writes
  'runStartFailed',
  'userVanished',
  'emailTaken',
  'initialsTaken',
] as const;

export type StatusReasonCode = (typeof statusReasonCodes)[number];

function reason(code: StatusReasonCode, params: Record<string, ReasonParam> = {}): Reason {
  return { code, params };
}

/** The reasons the onboarding, the connection checks, the setup service and the runs give, by code. */
export const statusBecause = {
  consentTimedOut: reason('consentTimedOut'),
  /** Microsoft's description of the denial stays as Microsoft wrote it. */
  consentNotGranted: (description: string) => reason('consentNotGranted', { description }),
  signInRefused: (refusal: Reason | string) => reason('signInRefused', { refusal }),
  adminRoleMissing: (upn: string) => reason('adminRoleMissing', { upn }),
  wrongTenantSignIn: (signedInTenant: string, tenantId: string) =>
    reason('wrongTenantSignIn', { signedInTenant, tenantId }),
  tenantNotFoundAtSignIn: (tenantId: string, detail: string) => reason('tenantNotFoundAtSignIn', { tenantId, detail }),
  noAdminSignIn: reason('noAdminSignIn'),
  stateMissing: reason('stateMissing'),
  stateUnknown: reason('stateUnknown'),
  stateUsed: reason('stateUsed'),
  stateExpired: reason('stateExpired'),
  attemptConnectionGone: reason('attemptConnectionGone'),
  notAwaitingConsent: (status: string) => reason('notAwaitingConsent', { status }),
  appIdentityMissing: reason('appIdentityMissing'),
  responseSpent: reason('responseSpent'),
  consentResponseUnclear: reason('consentResponseUnclear'),
  consentTenantMissing: reason('consentTenantMissing'),
  consentWrongTenant: (consentTenant: string, tenantId: string) =>
    reason('consentWrongTenant', { consentTenant, tenantId }),
  tenantTaken: (tenantId: string) => reason('tenantTaken', { tenantId }),
  tenantConnectedTwice: (tenantId: string, organizationName: string) =>
    reason('tenantConnectedTwice', { tenantId, organizationName }),
  neverConnected: reason('neverConnected'),
  tenantNotFound: (tenantId: string, detail: string) => reason('tenantNotFound', { tenantId, detail }),
  consentMissing: (tenantId: string, detail: string) => reason('consentMissing', { tenantId, detail }),
  invalidClient: (detail: string) => reason('invalidClient', { detail }),
  permissionMissing: (permission: string) => reason('permissionMissing', { permission }),
  consentRevoked: (check: Reason | string) => reason('consentRevoked', { check }),
  directoryAccessLost: (detail: string) => reason('directoryAccessLost', { detail }),
  pausedByAdmin: reason('pausedByAdmin'),
  pausedWithConnection: (cause: Reason | string) => reason('pausedWithConnection', { cause }),
  groupGone: (groupId: string) => reason('groupGone', { groupId }),
  directoryConfiguration: (detail: string) => reason('directoryConfiguration', { detail }),
  runStartFailed: (detail: string) => reason('runStartFailed', { detail }),
  userVanished: reason('userVanished'),
  emailTaken: (email: string) => reason('emailTaken', { email }),
  initialsTaken: (initials: string) => reason('initialsTaken', { initials }),
} satisfies Record<StatusReasonCode, Reason | ((...args: never[]) => Reason)>;

/** The English sentence of every status code: what the `status_reason` / `error` text columns hold. */
export const englishStatusReasons: Record<StatusReasonCode, ReasonTemplate> = {
  consentTimedOut: () => 'no admin consent arrived in time; start a new consent attempt',
  consentNotGranted: (p) => `consent was not granted: ${p.str('description')}`,
  signInRefused: (p) => `the sign-in was refused: ${p.nested('refusal')}`,
  adminRoleMissing: (p) =>
    `${p.str('upn')} holds no directory role that can grant tenant-wide admin consent (Global Administrator, Privileged Role Administrator, ` +
    'Cloud Application Administrator or Application Administrator); ask an admin of the tenant to connect it',
  wrongTenantSignIn: (p) =>
    `you signed in to tenant ${p.str('signedInTenant')}, but this connection is for tenant ${p.str('tenantId')}: sign in with an admin account of that tenant`,
  tenantNotFoundAtSignIn: (p) =>
    `tenant '${p.str('tenantId')}' was not found in Microsoft Entra ID: check the tenant ID (${p.str('detail')})`,
  noAdminSignIn: () =>
    'no tenant admin signed in for this consent; start a new consent attempt and sign in as an admin of the tenant',
  stateMissing: () => 'the response has no state; start the connection again from the admin page',
  stateUnknown: () => 'this response does not belong to any connection attempt (unknown state)',
  stateUsed: () => 'this response was already used; start a new consent attempt if needed',
  stateExpired: () => 'this consent attempt has expired; start a new consent attempt',
  attemptConnectionGone: () => 'the connection of this consent attempt no longer exists',
  notAwaitingConsent: (p) =>
    `this connection is ${p.str('status')}, not waiting for consent; start a new consent attempt`,
  appIdentityMissing: () => 'the Azure app identity is not configured on this service (AZURE_CLIENT_ID)',
  responseSpent: () => 'this response was already used or has expired',
  consentResponseUnclear: () => 'the consent response says neither admin_consent=True nor error',
  consentTenantMissing: () => 'the consent response names no valid tenant',
  consentWrongTenant: (p) =>
    `consent was given in tenant ${p.str('consentTenant')}, but this connection is for tenant ${p.str('tenantId')}; sign in to the right tenant`,
  tenantTaken: (p) =>
    `tenant ${p.str('tenantId')} is already connected to another company in this product; a tenant belongs to one company ` +
    'unless the operator shares it between companies (ask the operator if your companies share one tenant)',
  tenantConnectedTwice: (p) =>
    `tenant ${p.str('tenantId')} (${p.str('organizationName')}) is already connected in another connection of this company`,
  neverConnected: () =>
    'this connection was never connected through a tenant admin’s sign-in; a check only re-checks established connections — start a new consent attempt',
  tenantNotFound: (p) =>
    `tenant '${p.str('tenantId')}' was not found in Microsoft Entra ID: check the tenant ID (${p.str('detail')})`,
  consentMissing: (p) =>
    `the app has no admin consent in tenant '${p.str('tenantId')}' (it was not granted, was revoked, or the app was removed): grant consent again (${p.str('detail')})`,
  invalidClient: (p) =>
    `Microsoft rejected this service's app credentials: check AZURE_CLIENT_ID and its secret or certificate (${p.str('detail')})`,
  permissionMissing: (p) => `a permission is missing: ${p.str('permission')}`,
  consentRevoked: (p) => `admin consent was revoked or the app's permissions were removed: ${p.nested('check')}`,
  directoryAccessLost: (p) => `directory access lost: ${p.str('detail')}`,
  pausedByAdmin: () => 'paused by an administrator',
  pausedWithConnection: (p) => `paused: ${p.nested('cause')}`,
  groupGone: (p) => `group ${p.str('groupId')} was not found in the tenant (deleted, or the id is wrong)`,
  directoryConfiguration: (p) => `directory configuration: ${p.str('detail')}`,
  runStartFailed: (p) => `could not start the run: ${p.str('detail')}`,
  userVanished: () => 'the user no longer exists, or another setup or Entra user took it over since the plan was made',
  emailTaken: (p) =>
    `another user of the company already has the email ${p.str('email')} (users_one_email_per_company)`,
  initialsTaken: (p) =>
    `another user of the company already has the initials ${p.str('initials')} (users_one_initials_per_company)`,
};
