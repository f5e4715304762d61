/**
 * The stored reasons in Danish, for the Danish pages. Reasons are kept in English in the database — the audit
 * is one record, whatever language its reader uses — and are translated when shown: each rule below matches one
 * sentence of src/sync/reasons.ts (or of the services that set a connection's or setup's reason) and rebuilds it
 * in Danish, translating the sentences nested in it. Values inside a reason (emails, ids, field names, dates) and
 * Microsoft's own texts stay as they are. A reason no rule knows is shown as stored. test/admin/reasons-da.test.ts
 * runs every template of src/sync/reasons.ts through these rules, so a new sentence without Danish fails there.
 */

import { notAMember } from '../../../sync/reasons.js';

type Rule = [RegExp, (m: string[]) => string];

const matchOn = (key: string) => (key === 'initials' ? 'initialerne' : 'e-mailen');
const notAMemberDa = 'ikke længere medlem af gruppen, og sletning af fjernede brugere er slået til';
const removals = (phrase: string) => {
  const count = /^(\d+) removals? (?:is|are)$/.exec(phrase)?.[1] ?? phrase;
  return count === '1' ? '1 fjernelse' : `${count} fjernelser`;
};
const actions: Record<string, string> = {
  create: 'oprettelse',
  update: 'opdatering',
  adopt: 'overtagelse',
  deactivate: 'deaktivering',
  delete: 'sletning',
};

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What an adopt writes besides the link (the tails of reasons.adoptedBy…). */
function adoptTail(tail: string): string {
  if (tail === '') return '';
  if (tail === '; already up to date') return '; allerede opdateret';
  if (tail === '; updateExisting is off, so only the link is written')
    return '; opdatering af eksisterende brugere er slået fra, så kun koblingen skrives';
  const onlyLink = /^; updateExisting is off, so only the link and (.+) are written$/.exec(tail);
  if (onlyLink) return `; opdatering af eksisterende brugere er slået fra, så kun koblingen og ${onlyLink[1]} skrives`;
  return alsoWritten(tail);
}

function alsoWritten(tail: string): string {
  const fields = /^; fields updated: (.+)$/.exec(tail);
  return fields ? `; felter opdateret: ${fields[1]}` : tail;
}

const rules: Rule[] = [
  // members: link and match
  [
    /^not linked and no product user matches (email|initials) (.+); created in customer type (.+)$/,
    (m) => `ikke koblet, og ingen bruger i produktet har ${matchOn(m[1]!)} ${m[2]}; oprettet i kundetypen ${m[3]}`,
  ],
  [
    /^linked by Entra object id to a product user no setup manages; adopted(.*)$/,
    (m) => `koblet via Entra-objekt-id til en bruger, som ingen opsætning styrer; overtaget${adoptTail(m[1]!)}`,
  ],
  [
    /^matched by (email|initials) (.+?) to a product user no setup manages; adopted(.*)$/,
    (m) =>
      `fundet via ${matchOn(m[1]!)} ${m[2]} hos en bruger, som ingen opsætning styrer; overtaget${adoptTail(m[3]!)}`,
  ],
  // members: linked and managed by this setup
  [/^changed in Entra ID: (.+)$/, (m) => `ændret i Entra ID: ${m[1]}`],
  [
    /^deactivated by this sync and again an enabled member of the group; reactivated(.*)$/,
    (m) => `deaktiveret af denne synkronisering og igen et aktivt medlem af gruppen; genaktiveret${alsoWritten(m[1]!)}`,
  ],
  [
    /^disabled in Entra ID and not managed by this setup; neither created nor adopted$/,
    () => 'deaktiveret i Entra ID og ikke styret af denne opsætning; hverken oprettet eller overtaget',
  ],
  [/^disabled in Entra ID(.*)$/, (m) => `deaktiveret i Entra ID${alsoWritten(m[1]!)}`],
  [/^linked and up to date$/, () => 'koblet og opdateret'],
  [
    /^linked; activation state matches Entra ID and updateExisting is off, so attributes are not written$/,
    () =>
      'koblet; aktiveringen svarer til Entra ID, og opdatering af eksisterende brugere er slået fra, så attributterne skrives ikke',
  ],
  [
    /^linked; stays inactive because it was deactivated outside this sync, which the sync never undoes$/,
    () =>
      'koblet; forbliver inaktiv, fordi den blev deaktiveret uden for denne synkronisering, hvilket synkroniseringen aldrig fortryder',
  ],
  // members: nothing changed for them
  [
    /^no email address \(neither mail nor a non-guest userPrincipalName\); cannot be matched or created$/,
    () =>
      'ingen e-mailadresse (hverken mail eller et userPrincipalName for en ikke-gæst); kan hverken matches eller oprettes',
  ],
  [
    /^no initials \(none of the setup's initials attributes has a value\); cannot be matched or created$/,
    () =>
      'ingen initialer (ingen af opsætningens initial-attributter har en værdi); kan hverken matches eller oprettes',
  ],
  [
    /^(\d+) directory users in this batch share (email|initials) (.+); none of them is matched or created$/,
    (m) => `${m[1]} katalogbrugere i denne batch deler ${matchOn(m[2]!)} ${m[3]}; ingen af dem matches eller oprettes`,
  ],
  [
    /^(\d+) product users match (email|initials) (.+?) \((.+)\); none is adopted$/,
    (m) => `${m[1]} brugere i produktet har ${matchOn(m[2]!)} ${m[3]} (${m[4]}); ingen af dem overtages`,
  ],
  [
    /^the product user linked to this Entra user is managed by another setup \((.+)\)$/,
    (m) => `brugeren, der er koblet til denne Entra-bruger, styres af en anden opsætning (${m[1]})`,
  ],
  [
    /^matched by (email|initials) (.+?) to a product user managed by another setup \((.+)\)$/,
    (m) => `fundet via ${matchOn(m[1]!)} ${m[2]} hos en bruger, som en anden opsætning styrer (${m[3]})`,
  ],
  [
    /^matched by (email|initials) (.+?) to a product user linked to another Entra user \((.+)\)$/,
    (m) => `fundet via ${matchOn(m[1]!)} ${m[2]} hos en bruger, der er koblet til en anden Entra-bruger (${m[3]})`,
  ],
  [
    /^matched by (email|initials) (.+?) to product user (\S+), but the directory user is a guest \(userType Guest or #EXT# in its userPrincipalName\) whose address its inviter typed; not adopted, the product user stays as it is$/,
    (m) =>
      `fundet via ${matchOn(m[1]!)} ${m[2]} hos brugeren ${m[3]}, men katalogbrugeren er en gæst (userType Guest eller #EXT# i userPrincipalName), hvis adresse er indtastet af den, der inviterede; ikke overtaget, brugeren forbliver uændret`,
  ],
  [
    /^matched by (email|initials) (.+?) to product user (\S+), but the directory user has no email address; not adopted, the product user stays as it is$/,
    (m) =>
      `fundet via ${matchOn(m[1]!)} ${m[2]} hos brugeren ${m[3]}, men katalogbrugeren har ingen e-mailadresse; ikke overtaget, brugeren forbliver uændret`,
  ],
  [
    /^matched by (email|initials) (.+?) to product user (\S+), but its address domain (\S+) is not one of the tenant's verified domains; not adopted, the product user stays as it is$/,
    (m) =>
      `fundet via ${matchOn(m[1]!)} ${m[2]} hos brugeren ${m[3]}, men adressens domæne ${m[4]} er ikke et af lejerens bekræftede domæner; ikke overtaget, brugeren forbliver uændret`,
  ],
  // removals
  [
    /^deleted in Entra ID \(soft-deleted: restorable for 30 days\), so (.+)$/,
    (m) => `slettet i Entra ID (blød sletning: kan gendannes i 30 dage), så ${translateReasonToDanish(m[1]!)}`,
  ],
  [
    /^deleted in Entra ID \(hard-deleted: gone for good\), so (.+)$/,
    (m) => `slettet i Entra ID (permanent sletning), så ${translateReasonToDanish(m[1]!)}`,
  ],
  [/^deleted in Entra ID, so (.+)$/, (m) => `slettet i Entra ID, så ${translateReasonToDanish(m[1]!)}`],
  [
    new RegExp(`^${escape(notAMember)} and there is no grace period$`),
    () => `${notAMemberDa}, og der er ingen henstandsperiode`,
  ],
  [
    new RegExp(
      `^${escape(notAMember)}; deactivated now and deleted after the grace period of (\\d+) days \\(from (.+)\\)$`,
    ),
    (m) => `${notAMemberDa}; deaktiveret nu og slettes efter henstandsperioden på ${m[1]} dage (fra ${m[2]})`,
  ],
  [
    new RegExp(
      `^${escape(notAMember)}; inactive without a deactivation time, so the grace period of (\\d+) days starts now$`,
    ),
    (m) => `${notAMemberDa}; inaktiv uden deaktiveringstidspunkt, så henstandsperioden på ${m[1]} dage begynder nu`,
  ],
  [
    new RegExp(`^${escape(notAMember)}; deactivated and in the grace period, deleted from (.+)$`),
    (m) => `${notAMemberDa}; deaktiveret og i henstandsperioden, slettes fra ${m[1]}`,
  ],
  [
    new RegExp(`^${escape(notAMember)} and the grace period of (\\d+) days ended at (.+)$`),
    (m) => `${notAMemberDa}, og henstandsperioden på ${m[1]} dage sluttede ${m[2]}`,
  ],
  [
    /^handed to removal but managed by no setup; a removal never touches it$/,
    () => 'sendt til fjernelse, men styres ikke af nogen opsætning; en fjernelse rører den aldrig',
  ],
  [
    /^handed to removal but managed by another setup \((.+)\); a removal never touches it$/,
    (m) => `sendt til fjernelse, men styres af en anden opsætning (${m[1]}); en fjernelse rører den aldrig`,
  ],
  // deletion guard, and what the run does with a held removal
  [
    /^the member read failed, so no one is removed or deactivated$/,
    () => 'læsningen af medlemmerne mislykkedes, så ingen fjernes eller deaktiveres',
  ],
  [
    /^the group returned no members while the setup manages (\d+) users, so no one is removed or deactivated$/,
    (m) =>
      `gruppen returnerede ingen medlemmer, mens opsætningen styrer ${m[1]} brugere, så ingen fjernes eller deaktiveres`,
  ],
  [
    /^(\d+ removals? (?:is|are)) more than the threshold of (\d+)$/,
    (m) => `${removals(m[1]!)} er flere end grænsen på ${m[2]}`,
  ],
  [
    /^(\d+ removals? (?:is|are)) more than (\d+)% of the (\d+) users the setup manages$/,
    (m) => `${removals(m[1]!)} er flere end ${m[2]} % af de ${m[3]} brugere, opsætningen styrer`,
  ],
  [
    /^(\d+ removals? (?:is|are)) within the deletion threshold$/,
    (m) => `${removals(m[1]!)} er inden for grænsen for sletninger`,
  ],
  [
    /^removal held back: (.+) \(was: (.+)\)$/,
    (m) => `fjernelse holdt tilbage: ${translateReasonToDanish(m[1]!)} (var: ${translateReasonToDanish(m[2]!)})`,
  ],
  [/^removal held back: (.+)$/, (m) => `fjernelse holdt tilbage: ${translateReasonToDanish(m[1]!)}`],
  [/^removals rejected: (.+)$/, (m) => `fjernelserne blev afvist: ${translateReasonToDanish(m[1]!)}`],
  [
    /^removals not approved within 7 days: (.+)$/,
    (m) => `fjernelserne blev ikke godkendt inden for 7 dage: ${translateReasonToDanish(m[1]!)}`,
  ],
  // a change the apply could not write
  [
    /^(create|update|adopt|deactivate|delete) failed: (.+) \(planned: (.+)\)$/,
    (m) =>
      `${actions[m[1]!]} mislykkedes: ${translateReasonToDanish(m[2]!)} (planlagt: ${translateReasonToDanish(m[3]!)})`,
  ],
  [
    /^the user no longer exists, or another setup or Entra user took it over since the plan was made$/,
    () =>
      'brugeren findes ikke længere, eller en anden opsætning eller Entra-bruger har overtaget den, siden planen blev lavet',
  ],
  [
    /^another user of the company already has the email (.+) \(users_one_email_per_company\)$/,
    (m) => `en anden bruger i virksomheden har allerede e-mailen ${m[1]} (users_one_email_per_company)`,
  ],
  [
    /^another user of the company already has the initials (.+) \(users_one_initials_per_company\)$/,
    (m) => `en anden bruger i virksomheden har allerede initialerne ${m[1]} (users_one_initials_per_company)`,
  ],
  // connections and setups
  [
    /^no admin consent arrived in time; start a new consent attempt$/,
    () => 'intet administratorsamtykke nåede frem i tide; start et nyt samtykkeforsøg',
  ],
  [/^consent was not granted: (.+)$/, (m) => `samtykke blev ikke givet: ${m[1]}`],
  [/^the sign-in was refused: (.+)$/s, (m) => `login blev afvist: ${translateReasonToDanish(m[1] as string)}`],
  [
    /^(.+) holds no directory role that can grant tenant-wide admin consent \(.+\); ask an admin of the tenant to connect it$/,
    (m) =>
      `${m[1]} har ingen katalogrolle, der kan give administratorsamtykke for hele lejeren (global administrator, administrator for ` +
      'privilegerede roller, cloudprogramadministrator eller programadministrator); bed en administrator for lejeren om at forbinde den',
  ],
  [
    /^you signed in to tenant (.+?), but this connection is for tenant (.+?): sign in with an admin account of that tenant$/,
    (m) =>
      `du loggede ind i lejeren ${m[1]}, men denne forbindelse er til lejeren ${m[2]}: log ind med en administratorkonto i den lejer`,
  ],
  [
    /^tenant (\S+) is already connected to another company in this product; .+$/,
    (m) =>
      `lejeren ${m[1]} er allerede forbundet med en anden virksomhed i produktet; en lejer tilhører én virksomhed, medmindre ` +
      'operatøren deler den mellem virksomheder (spørg operatøren, hvis jeres virksomheder deler én lejer)',
  ],
  [
    /^this connection was never connected through a tenant admin’s sign-in; .+$/,
    () =>
      'denne forbindelse er aldrig blevet forbundet gennem en administrators login; en kontrol kontrollerer kun etablerede ' +
      'forbindelser igen — start et nyt samtykkeforsøg',
  ],
  [
    /^tenant '(.+?)' was not found in Microsoft Entra ID: check the tenant ID \((.+)\)$/,
    (m) => `lejeren '${m[1]}' blev ikke fundet i Microsoft Entra ID: kontrollér lejer-id'et (${m[2]})`,
  ],
  [
    /^the app has no admin consent in tenant '(.+?)' \(it was not granted, was revoked, or the app was removed\): grant consent again \((.+)\)$/,
    (m) =>
      `appen har intet administratorsamtykke i lejeren '${m[1]}' (det blev ikke givet, blev tilbagekaldt, eller appen blev fjernet): giv samtykke igen (${m[2]})`,
  ],
  [/^a permission is missing: (.+)$/, (m) => `en tilladelse mangler: ${m[1]}`],
  [/^paused by an administrator$/, () => 'sat på pause af en administrator'],
];

/** A stored (English) reason in Danish, or as stored when no rule knows it. Semicolon-joined reasons are translated part by part. */
export function translateReasonToDanish(stored: string): string {
  const reason = String(stored);
  for (const [pattern, danish] of rules) {
    const m = pattern.exec(reason);
    if (m) return danish([...m]);
  }
  // Several create conflicts are joined with "; " (explainCreateConflicts).
  if (reason.includes('; another user of the company'))
    return reason.split('; ').map(translateReasonToDanish).join('; ');
  return reason;
}
