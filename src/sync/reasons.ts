/**
 * Every sentence a PlannedChange or a guard verdict can carry, in one place so the run report and the
 * docs speak the same language and tests can name the reason they expect.
 */
import type { SetupPolicy } from './types.js';

type MatchOn = SetupPolicy['matchOn'];

function listed(fields: readonly string[]): string {
  return fields.join(', ');
}

/** "; fields updated: a, b" — what an adopt, a reactivation or a deactivation writes besides its main purpose. */
function alsoWritten(fields: readonly string[]): string {
  return fields.length === 0 ? '' : `; fields updated: ${listed(fields)}`;
}

function removalsAre(count: number): string {
  return count === 1 ? '1 removal is' : `${count} removals are`;
}

function formatDate(date: Date): string {
  return date.toISOString();
}

/** How a removed member left Entra: soft-deleted (recycle bin), hard-deleted, or deleted without saying which. */
export type EntraDeletion = 'soft' | 'hard' | 'unknown';

export const entraDeletion: Record<EntraDeletion, string> = {
  soft: 'deleted in Entra ID (soft-deleted: restorable for 30 days)',
  hard: 'deleted in Entra ID (hard-deleted: gone for good)',
  unknown: 'deleted in Entra ID',
};

/** How every removal's reason begins (also the anchor the Danish pages translate removal reasons by). */
export const notAMember = 'not a member of the group any more; deleteRemoved is on';

export const reasons = {
  // members: link and match
  created: (matchOn: MatchOn, key: string, customerTypeId: string) =>
    `not linked and no product user matches ${matchOn} ${key}; created in customer type ${customerTypeId}`,
  adoptedByLink: (fields: readonly string[], updateExisting: boolean) =>
    `linked by Entra object id to a product user no setup manages; adopted${adoptTail(fields, updateExisting)}`,
  adoptedByMatch: (matchOn: MatchOn, key: string, fields: readonly string[], updateExisting: boolean) =>
    `matched by ${matchOn} ${key} to a product user no setup manages; adopted${adoptTail(fields, updateExisting)}`,

  // members: linked and managed by this setup
  updated: (fields: readonly string[]) => `changed in Entra ID: ${listed(fields)}`,
  reactivated: (fields: readonly string[]) =>
    `deactivated by this sync and again an enabled member of the group; reactivated${alsoWritten(fields)}`,
  disabledInEntra: (fields: readonly string[]) => `disabled in Entra ID${alsoWritten(fields)}`,
  upToDate: 'linked and up to date',
  upToDateAttributesNotWritten:
    'linked; activation state matches Entra ID and updateExisting is off, so attributes are not written',
  staysDeactivated: 'linked; stays inactive because it was deactivated outside this sync, which the sync never undoes',

  // members: nothing changed for them
  disabledNotManaged: 'disabled in Entra ID and not managed by this setup; neither created nor adopted',
  noMatchKey: (matchOn: MatchOn) =>
    matchOn === 'email'
      ? 'no email address (neither mail nor a non-guest userPrincipalName); cannot be matched or created'
      : "no initials (none of the setup's initials attributes has a value); cannot be matched or created",
  keySharedInBatch: (matchOn: MatchOn, key: string, memberCount: number) =>
    `${memberCount} directory users in this batch share ${matchOn} ${key}; none of them is matched or created`,
  manyMatches: (matchOn: MatchOn, key: string, userIds: readonly string[]) =>
    `${userIds.length} product users match ${matchOn} ${key} (${listed(userIds)}); none is adopted`,
  linkedUserManagedElsewhere: (managingSetupId: string) =>
    `the product user linked to this Entra user is managed by another setup (${managingSetupId})`,
  matchManagedElsewhere: (matchOn: MatchOn, key: string, managingSetupId: string) =>
    `matched by ${matchOn} ${key} to a product user managed by another setup (${managingSetupId})`,
  matchLinkedElsewhere: (matchOn: MatchOn, key: string, externalId: string) =>
    `matched by ${matchOn} ${key} to a product user linked to another Entra user (${externalId})`,
  notAdoptedGuest: (matchOn: MatchOn, key: string, userId: string) =>
    `matched by ${matchOn} ${key} to product user ${userId}, but the directory user is a guest ` +
    '(userType Guest or #EXT# in its userPrincipalName) whose address its inviter typed; not adopted, the product user stays as it is',
  notAdoptedUnverifiedDomain: (matchOn: MatchOn, key: string, userId: string, domain: string | null) =>
    `matched by ${matchOn} ${key} to product user ${userId}, but ` +
    (domain === null
      ? 'the directory user has no email address'
      : `its address domain ${domain} is not one of the tenant's verified domains`) +
    '; not adopted, the product user stays as it is',

  // removals
  deletedNoGrace: `${notAMember} and there is no grace period`,
  deactivatedForGrace: (graceDays: number, deleteAt: Date) =>
    `${notAMember}; deactivated now and deleted after the grace period of ${graceDays} days (from ${formatDate(deleteAt)})`,
  graceStartsNow: (graceDays: number) =>
    `${notAMember}; inactive without a deactivation time, so the grace period of ${graceDays} days starts now`,
  inGrace: (deleteAt: Date) =>
    `${notAMember}; deactivated and in the grace period, deleted from ${formatDate(deleteAt)}`,
  deletedGraceOver: (graceDays: number, deleteAt: Date) =>
    `${notAMember} and the grace period of ${graceDays} days ended at ${formatDate(deleteAt)}`,
  /** A removal of a user deleted in Entra: why it left, then what the removal does (one of the sentences above). */
  deletedInEntra: (how: EntraDeletion, removal: string) => `${entraDeletion[how]}, so ${removal}`,
  notManagedBySetup: (managingSetupId: string | null) =>
    `handed to removal but managed by ${managingSetupId === null ? 'no setup' : `another setup (${managingSetupId})`}; a removal never touches it`,

  // deletion guard
  memberReadFailed: 'the member read failed, so no one is removed or deactivated',
  noMembersReturned: (managedCount: number) =>
    `the group returned no members while the setup manages ${managedCount} users, so no one is removed or deactivated`,
  overCount: (removals: number, count: number) => `${removalsAre(removals)} more than the threshold of ${count}`,
  overPercent: (removals: number, percent: number, managedCount: number) =>
    `${removalsAre(removals)} more than ${percent}% of the ${managedCount} users the setup manages`,
  withinThreshold: (removals: number) => `${removalsAre(removals)} within the deletion threshold`,
  removalHeld: (guardReason: string) => `removal held back: ${guardReason}`,
};

function adoptTail(fields: readonly string[], updateExisting: boolean): string {
  if (!updateExisting) {
    return fields.length === 0
      ? '; updateExisting is off, so only the link is written'
      : `; updateExisting is off, so only the link and ${listed(fields)} are written`;
  }
  return fields.length === 0 ? '; already up to date' : alsoWritten(fields);
}
