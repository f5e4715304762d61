/**
 * The Danish sentence of every reason code (src/sync/reasons.ts): what the run page shows for an audited change
 * that carries its reason as a code. One template per code; a code without one does not compile, and
 * test/admin/reason-templates.test.ts renders every code in both languages. A nested reason stored as text
 * (a run held before reasons had codes) is shown as stored.
 */
import type { ParamReader, ReasonTemplates } from '../../../sync/reasons.js';
import { danishStatusReasons } from './status-reason-templates-da.js';

const matchOn = (p: ParamReader) => (p.str('matchOn') === 'initials' ? 'initialerne' : 'e-mailen');
const notAMember = 'ikke længere medlem af gruppen, og sletning af fjernede brugere er slået til';
const listed = (fields: readonly string[]) => fields.join(', ');
const alsoWritten = (fields: readonly string[]) => (fields.length === 0 ? '' : `; felter opdateret: ${listed(fields)}`);
const removals = (count: number) => (count === 1 ? '1 fjernelse' : `${count} fjernelser`);
const actions: Record<string, string> = {
  create: 'oprettelse',
  update: 'opdatering',
  adopt: 'overtagelse',
  deactivate: 'deaktivering',
  delete: 'sletning',
};
const deletion: Record<string, string> = {
  soft: 'slettet i Entra ID (blød sletning: kan gendannes i 30 dage)',
  hard: 'slettet i Entra ID (permanent sletning)',
  unknown: 'slettet i Entra ID',
};

function adoptTail(p: ParamReader): string {
  const fields = p.list('fields');
  if (!p.bool('updateExisting')) {
    return fields.length === 0
      ? '; opdatering af eksisterende brugere er slået fra, så kun koblingen skrives'
      : `; opdatering af eksisterende brugere er slået fra, så kun koblingen og ${listed(fields)} skrives`;
  }
  return fields.length === 0 ? '; allerede opdateret' : alsoWritten(fields);
}

export const danishReasons: ReasonTemplates = {
  created: (p) =>
    `ikke koblet, og ingen bruger i produktet har ${matchOn(p)} ${p.str('key')}; oprettet i kundetypen ${p.str('customerTypeId')}`,
  adoptedByLink: (p) =>
    `koblet via Entra-objekt-id til en bruger, som ingen opsætning styrer; overtaget${adoptTail(p)}`,
  adoptedByMatch: (p) =>
    `fundet via ${matchOn(p)} ${p.str('key')} hos en bruger, som ingen opsætning styrer; overtaget${adoptTail(p)}`,
  updated: (p) => `ændret i Entra ID: ${listed(p.list('fields'))}`,
  reactivated: (p) =>
    `deaktiveret af denne synkronisering og igen et aktivt medlem af gruppen; genaktiveret${alsoWritten(p.list('fields'))}`,
  disabledInEntra: (p) => `deaktiveret i Entra ID${alsoWritten(p.list('fields'))}`,
  upToDate: () => 'koblet og opdateret',
  upToDateAttributesNotWritten: () =>
    'koblet; aktiveringen svarer til Entra ID, og opdatering af eksisterende brugere er slået fra, så attributterne skrives ikke',
  staysDeactivated: () =>
    'koblet; forbliver inaktiv, fordi den blev deaktiveret uden for denne synkronisering, hvilket synkroniseringen aldrig fortryder',
  disabledNotManaged: () =>
    'deaktiveret i Entra ID og ikke styret af denne opsætning; hverken oprettet eller overtaget',
  noMatchKey: (p) =>
    p.str('matchOn') === 'email'
      ? 'ingen e-mailadresse (hverken mail eller et userPrincipalName for en ikke-gæst); kan hverken matches eller oprettes'
      : 'ingen initialer (ingen af opsætningens initial-attributter har en værdi); kan hverken matches eller oprettes',
  keySharedInBatch: (p) =>
    `${p.num('memberCount')} katalogbrugere i denne batch deler ${matchOn(p)} ${p.str('key')}; ingen af dem matches eller oprettes`,
  manyMatches: (p) =>
    `${p.list('userIds').length} brugere i produktet har ${matchOn(p)} ${p.str('key')} (${listed(p.list('userIds'))}); ingen af dem overtages`,
  linkedUserManagedElsewhere: (p) =>
    `brugeren, der er koblet til denne Entra-bruger, styres af en anden opsætning (${p.str('managingSetupId')})`,
  matchManagedElsewhere: (p) =>
    `fundet via ${matchOn(p)} ${p.str('key')} hos en bruger, som en anden opsætning styrer (${p.str('managingSetupId')})`,
  matchLinkedElsewhere: (p) =>
    `fundet via ${matchOn(p)} ${p.str('key')} hos en bruger, der er koblet til en anden Entra-bruger (${p.str('externalId')})`,
  notAdoptedGuest: (p) =>
    `fundet via ${matchOn(p)} ${p.str('key')} hos brugeren ${p.str('userId')}, men katalogbrugeren er en gæst ` +
    '(userType Guest eller #EXT# i userPrincipalName), hvis adresse er indtastet af den, der inviterede; ikke overtaget, brugeren forbliver uændret',
  notAdoptedUnverifiedDomain: (p) =>
    `fundet via ${matchOn(p)} ${p.str('key')} hos brugeren ${p.str('userId')}, men ` +
    (p.has('domain')
      ? `adressens domæne ${p.str('domain')} er ikke et af lejerens bekræftede domæner`
      : 'katalogbrugeren har ingen e-mailadresse') +
    '; ikke overtaget, brugeren forbliver uændret',
  deletedNoGrace: () => `${notAMember}, og der er ingen henstandsperiode`,
  deactivatedForGrace: (p) =>
    `${notAMember}; deaktiveret nu og slettes efter henstandsperioden på ${p.num('graceDays')} dage (fra ${p.str('deleteAt')})`,
  graceStartsNow: (p) =>
    `${notAMember}; inaktiv uden deaktiveringstidspunkt, så henstandsperioden på ${p.num('graceDays')} dage begynder nu`,
  inGrace: (p) => `${notAMember}; deaktiveret og i henstandsperioden, slettes fra ${p.str('deleteAt')}`,
  deletedGraceOver: (p) =>
    `${notAMember}, og henstandsperioden på ${p.num('graceDays')} dage sluttede ${p.str('deleteAt')}`,
  deletedInEntra: (p) => `${deletion[p.str('how')] ?? deletion.unknown}, så ${p.nested('removal')}`,
  notManagedBySetup: (p) =>
    p.has('managingSetupId')
      ? `sendt til fjernelse, men styres af en anden opsætning (${p.str('managingSetupId')}); en fjernelse rører den aldrig`
      : 'sendt til fjernelse, men styres ikke af nogen opsætning; en fjernelse rører den aldrig',
  memberReadFailed: () => 'læsningen af medlemmerne mislykkedes, så ingen fjernes eller deaktiveres',
  noMembersReturned: (p) =>
    `gruppen returnerede ingen medlemmer, mens opsætningen styrer ${p.num('managedCount')} brugere, så ingen fjernes eller deaktiveres`,
  overCount: (p) => `${removals(p.num('removals'))} er flere end grænsen på ${p.num('count')}`,
  overPercent: (p) =>
    `${removals(p.num('removals'))} er flere end ${p.num('percent')} % af de ${p.num('managedCount')} brugere, opsætningen styrer`,
  withinThreshold: (p) => `${removals(p.num('removals'))} er inden for grænsen for sletninger`,
  approvalTimedOut: (p) =>
    `fjernelserne blev ikke godkendt inden for ${danishDuration(p.str('duration'))}: ${p.nested('guard')}`,
  removalsRejected: (p) => `fjernelserne blev afvist: ${p.nested('guard')}`,
  removalHeld: (p) => `fjernelse holdt tilbage: ${p.nested('guard')} (var: ${p.nested('was')})`,
  applyFailed: (p) =>
    `${actions[p.str('action')] ?? p.str('action')} mislykkedes: ${p.nested('error')} (planlagt: ${p.nested('planned')})`,
  ...danishStatusReasons,
};

const units: Record<string, string> = { d: 'dage', h: 'timer', m: 'minutter', s: 'sekunder', ms: 'millisekunder' };

/** "7d", "1500ms" (the workflow's describeDuration) in Danish: "7 dage". */
function danishDuration(duration: string): string {
  const m = /^(\d+)(ms|d|h|m|s)$/.exec(duration);
  return m ? `${m[1]} ${units[m[2]!]}` : duration;
}
