/**
 * The Danish sentence of every status reason code (src/sync/status-reasons.ts): why a connection, a setup or a
 * run is in its state. Values inside (tenant ids, addresses, Microsoft's own texts) stay as they are.
 */
import type { StatusReasonCode } from '../../../sync/status-reasons.js';
import type { ReasonTemplate } from '../../../sync/reasons.js';

export const danishStatusReasons: Record<StatusReasonCode, ReasonTemplate> = {
  consentTimedOut: () => 'intet administratorsamtykke nåede frem i tide; start et nyt samtykkeforsøg',
  consentNotGranted: (p) => `samtykke blev ikke givet: ${p.str('description')}`,
  signInRefused: (p) => `login blev afvist: ${p.nested('refusal')}`,
  adminRoleMissing: (p) =>
    `${p.str('upn')} har ingen katalogrolle, der kan give administratorsamtykke for hele lejeren (global administrator, administrator for ` +
    'privilegerede roller, cloudprogramadministrator eller programadministrator); bed en administrator for lejeren om at forbinde den',
  wrongTenantSignIn: (p) =>
    `du loggede ind i lejeren ${p.str('signedInTenant')}, men denne forbindelse er til lejeren ${p.str('tenantId')}: log ind med en administratorkonto i den lejer`,
  tenantNotFoundAtSignIn: (p) =>
    `lejeren '${p.str('tenantId')}' blev ikke fundet i Microsoft Entra ID: kontrollér lejer-id'et (${p.str('detail')})`,
  noAdminSignIn: () =>
    'ingen administrator for lejeren loggede ind for dette samtykke; start et nyt samtykkeforsøg, og log ind som administrator for lejeren',
  stateMissing: () => 'svaret har ingen state; start forbindelsen igen fra administrationssiden',
  stateUnknown: () => 'svaret hører ikke til noget forbindelsesforsøg (ukendt state)',
  stateUsed: () => 'svaret er allerede brugt; start et nyt samtykkeforsøg, hvis det er nødvendigt',
  stateExpired: () => 'samtykkeforsøget er udløbet; start et nyt samtykkeforsøg',
  attemptConnectionGone: () => 'forbindelsen for dette samtykkeforsøg findes ikke længere',
  notAwaitingConsent: (p) =>
    `forbindelsen har status ${p.str('status')} og venter ikke på samtykke; start et nyt samtykkeforsøg`,
  appIdentityMissing: () => 'Azure-appens identitet er ikke konfigureret på denne tjeneste (AZURE_CLIENT_ID)',
  responseSpent: () => 'svaret er allerede brugt eller er udløbet',
  consentResponseUnclear: () => 'samtykkesvaret siger hverken admin_consent=True eller error',
  consentTenantMissing: () => 'samtykkesvaret angiver ingen gyldig lejer',
  consentWrongTenant: (p) =>
    `samtykket blev givet i lejeren ${p.str('consentTenant')}, men denne forbindelse er til lejeren ${p.str('tenantId')}; log ind i den rigtige lejer`,
  tenantTaken: (p) =>
    `lejeren ${p.str('tenantId')} er allerede forbundet med en anden virksomhed i produktet; en lejer tilhører én virksomhed, medmindre ` +
    'operatøren deler den mellem virksomheder (spørg operatøren, hvis jeres virksomheder deler én lejer)',
  tenantConnectedTwice: (p) =>
    `lejeren ${p.str('tenantId')} (${p.str('organizationName')}) er allerede forbundet i en anden forbindelse i denne virksomhed`,
  neverConnected: () =>
    'denne forbindelse er aldrig blevet forbundet gennem en administrators login; en kontrol kontrollerer kun etablerede ' +
    'forbindelser igen — start et nyt samtykkeforsøg',
  tenantNotFound: (p) =>
    `lejeren '${p.str('tenantId')}' blev ikke fundet i Microsoft Entra ID: kontrollér lejer-id'et (${p.str('detail')})`,
  consentMissing: (p) =>
    `appen har intet administratorsamtykke i lejeren '${p.str('tenantId')}' (det blev ikke givet, blev tilbagekaldt, eller appen blev fjernet): giv samtykke igen (${p.str('detail')})`,
  invalidClient: (p) =>
    `Microsoft afviste tjenestens app-legitimationsoplysninger: kontrollér AZURE_CLIENT_ID og dens hemmelighed eller certifikat (${p.str('detail')})`,
  permissionMissing: (p) => `en tilladelse mangler: ${p.str('permission')}`,
  consentRevoked: (p) =>
    `administratorsamtykket blev tilbagekaldt, eller appens tilladelser blev fjernet: ${p.nested('check')}`,
  directoryAccessLost: (p) => `adgangen til kataloget er mistet: ${p.str('detail')}`,
  pausedByAdmin: () => 'sat på pause af en administrator',
  pausedWithConnection: (p) => `sat på pause: ${p.nested('cause')}`,
  groupGone: (p) => `gruppen ${p.str('groupId')} blev ikke fundet i lejeren (slettet, eller id'et er forkert)`,
  directoryConfiguration: (p) => `katalogkonfiguration: ${p.str('detail')}`,
  runStartFailed: (p) => `kørslen kunne ikke startes: ${p.str('detail')}`,
  userVanished: () =>
    'brugeren findes ikke længere, eller en anden opsætning eller Entra-bruger har overtaget den, siden planen blev lavet',
  emailTaken: (p) =>
    `en anden bruger i virksomheden har allerede e-mailen ${p.str('email')} (users_one_email_per_company)`,
  initialsTaken: (p) =>
    `en anden bruger i virksomheden har allerede initialerne ${p.str('initials')} (users_one_initials_per_company)`,
};
