/**
 * Every reason a PlannedChange or a guard verdict can carry, as a code with parameters (`because`), and the
 * English sentence of each code (`reasonText`). The audit keeps the English text in `reason` and the code in
 * `reason_detail`, so the admin pages render each reason in the reader's language from its own template
 * (src/api/admin/i18n/reason-templates.ts) and show names where the parameters hold ids.
 */
import { englishStatusReasons, statusReasonCodes } from './status-reasons.js';
import type { SetupPolicy } from './types.js';

type MatchOn = SetupPolicy['matchOn'];

/** How a removed member left Entra: soft-deleted (recycle bin), hard-deleted, or deleted without saying which. */
export type EntraDeletion = 'soft' | 'hard' | 'unknown';

/** A parameter: a value, a list of values, or a reason inside a reason (what a held removal was). */
export type ReasonParam = string | number | boolean | null | readonly string[] | Reason;

/** A stored reason: ids stay ids in the parameters; the pages look names up when they show them. */
export interface Reason {
  code: ReasonCode;
  params: Record<string, ReasonParam>;
}

function reason(code: ReasonCode, params: Record<string, ReasonParam> = {}): Reason {
  return { code, params };
}

/** The reasons the planner, the guard and the apply give, by code. */
export const because = {
  // members: link and match
  created: (matchOn: MatchOn, key: string, customerTypeId: string) =>
    reason('created', { matchOn, key, customerTypeId }),
  adoptedByLink: (fields: readonly string[], updateExisting: boolean) =>
    reason('adoptedByLink', { fields, updateExisting }),
  adoptedByMatch: (matchOn: MatchOn, key: string, fields: readonly string[], updateExisting: boolean) =>
    reason('adoptedByMatch', { matchOn, key, fields, updateExisting }),

  // members: linked and managed by this setup
  updated: (fields: readonly string[]) => reason('updated', { fields }),
  reactivated: (fields: readonly string[]) => reason('reactivated', { fields }),
  disabledInEntra: (fields: readonly string[]) => reason('disabledInEntra', { fields }),
  upToDate: reason('upToDate'),
  upToDateAttributesNotWritten: reason('upToDateAttributesNotWritten'),
  staysDeactivated: reason('staysDeactivated'),

  // members: nothing changed for them
  disabledNotManaged: reason('disabledNotManaged'),
  noMatchKey: (matchOn: MatchOn) => reason('noMatchKey', { matchOn }),
  keySharedInBatch: (matchOn: MatchOn, key: string, memberCount: number) =>
    reason('keySharedInBatch', { matchOn, key, memberCount }),
  manyMatches: (matchOn: MatchOn, key: string, userIds: readonly string[]) =>
    reason('manyMatches', { matchOn, key, userIds }),
  linkedUserManagedElsewhere: (managingSetupId: string) => reason('linkedUserManagedElsewhere', { managingSetupId }),
  matchManagedElsewhere: (matchOn: MatchOn, key: string, managingSetupId: string) =>
    reason('matchManagedElsewhere', { matchOn, key, managingSetupId }),
  matchLinkedElsewhere: (matchOn: MatchOn, key: string, externalId: string) =>
    reason('matchLinkedElsewhere', { matchOn, key, externalId }),
  notAdoptedGuest: (matchOn: MatchOn, key: string, userId: string) =>
    reason('notAdoptedGuest', { matchOn, key, userId }),
  notAdoptedUnverifiedDomain: (matchOn: MatchOn, key: string, userId: string, domain: string | null) =>
    reason('notAdoptedUnverifiedDomain', { matchOn, key, userId, domain }),

  // removals
  deletedNoGrace: reason('deletedNoGrace'),
  deactivatedForGrace: (graceDays: number, deleteAt: Date) =>
    reason('deactivatedForGrace', { graceDays, deleteAt: deleteAt.toISOString() }),
  graceStartsNow: (graceDays: number) => reason('graceStartsNow', { graceDays }),
  inGrace: (deleteAt: Date) => reason('inGrace', { deleteAt: deleteAt.toISOString() }),
  deletedGraceOver: (graceDays: number, deleteAt: Date) =>
    reason('deletedGraceOver', { graceDays, deleteAt: deleteAt.toISOString() }),
  /** A removal of a user deleted in Entra: how it left, then what the removal does (one of the reasons above). */
  deletedInEntra: (how: EntraDeletion, removal: Reason) => reason('deletedInEntra', { how, removal }),
  notManagedBySetup: (managingSetupId: string | null) => reason('notManagedBySetup', { managingSetupId }),

  // deletion guard
  memberReadFailed: reason('memberReadFailed'),
  noMembersReturned: (managedCount: number) => reason('noMembersReturned', { managedCount }),
  overCount: (removals: number, count: number) => reason('overCount', { removals, count }),
  overPercent: (removals: number, percent: number, managedCount: number) =>
    reason('overPercent', { removals, percent, managedCount }),
  withinThreshold: (removals: number) => reason('withinThreshold', { removals }),
  approvalTimedOut: (duration: string, guard: Reason) => reason('approvalTimedOut', { duration, guard }),
  removalsRejected: (guard: Reason) => reason('removalsRejected', { guard }),
  /** A removal the guard held back: the guard's reason (coded, or as the workflow stored it) and what it was. */
  removalHeld: (guard: Reason | string, was: Reason | string) => reason('removalHeld', { guard, was }),

  // apply
  /** A planned write that failed: the attempted action, the database's or the writer's error, the plan's reason. */
  applyFailed: (action: string, error: Reason | string, planned: Reason | string) =>
    reason('applyFailed', { action, error, planned }),
} satisfies Record<string, Reason | ((...args: never[]) => Reason)>;

export const reasonCodes = [
  'created',
  'adoptedByLink',
  'adoptedByMatch',
  'updated',
  'reactivated',
  'disabledInEntra',
  'upToDate',
  'upToDateAttributesNotWritten',
  'staysDeactivated',
  'disabledNotManaged',
  'noMatchKey',
  'keySharedInBatch',
  'manyMatches',
  'linkedUserManagedElsewhere',
  'matchManagedElsewhere',
  'matchLinkedElsewhere',
  'notAdoptedGuest',
  'notAdoptedUnverifiedDomain',
  'deletedNoGrace',
  'deactivatedForGrace',
  'graceStartsNow',
  'inGrace',
  'deletedGraceOver',
  'deletedInEntra',
  'notManagedBySetup',
  'memberReadFailed',
  'noMembersReturned',
  'overCount',
  'overPercent',
  'withinThreshold',
  'approvalTimedOut',
  'removalsRejected',
  'removalHeld',
  'applyFailed',
  // why a connection, setup or run is in its state (./status-reasons.ts)
  ...statusReasonCodes,
] as const;

export type ReasonCode = (typeof reasonCodes)[number];

export function isReason(value: unknown): value is Reason {
  if (typeof value !== 'object' || value === null) return false;
  const { code, params } = value as { code?: unknown; params?: unknown };
  return (
    typeof code === 'string' &&
    (reasonCodes as readonly string[]).includes(code) &&
    typeof params === 'object' &&
    params !== null
  );
}

/** Reads a reason's parameters for a template: typed accessors, so a template never prints "undefined". */
export interface ParamReader {
  str(name: string): string;
  num(name: string): number;
  bool(name: string): boolean;
  list(name: string): readonly string[];
  /** A nested reason rendered in the same language, or a stored text as it is. */
  nested(name: string): string;
  /** Present and not null. */
  has(name: string): boolean;
}

export type ReasonTemplate = (p: ParamReader) => string;
export type ReasonTemplates = Record<ReasonCode, ReasonTemplate>;

/**
 * The reader a template gets: a class rather than closures made per call, because every change of a run renders
 * its reason (100,000 at a first sync) and each closure costs an allocation (and, under tsx, a name).
 */
class Params implements ParamReader {
  constructor(
    private readonly templates: ReasonTemplates,
    private readonly params: Reason['params'],
    private readonly name: (param: string, value: string) => string,
  ) {}
  str(n: string): string {
    const value = this.params[n];
    return typeof value === 'string' ? this.name(n, value) : String(value ?? '');
  }
  num(n: string): number {
    return Number(this.params[n] ?? 0);
  }
  bool(n: string): boolean {
    return this.params[n] === true;
  }
  list(n: string): readonly string[] {
    const value = this.params[n];
    return Array.isArray(value) ? value.map(String) : [];
  }
  nested(n: string): string {
    const value = this.params[n];
    return isReason(value) ? renderReason(this.templates, value, this.name) : String(value ?? '');
  }
  has(n: string): boolean {
    return this.params[n] !== undefined && this.params[n] !== null;
  }
}

const valueAsItIs = (_param: string, value: string) => value;

/** Renders a reason with one language's templates; `name` may replace an id parameter by a name it knows. */
export function renderReason(
  templates: ReasonTemplates,
  r: Reason,
  name: (param: string, value: string) => string = valueAsItIs,
): string {
  return templates[r.code](new Params(templates, r.params, name));
}

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

function adoptTail(fields: readonly string[], updateExisting: boolean): string {
  if (!updateExisting) {
    return fields.length === 0
      ? '; updateExisting is off, so only the link is written'
      : `; updateExisting is off, so only the link and ${listed(fields)} are written`;
  }
  return fields.length === 0 ? '; already up to date' : alsoWritten(fields);
}

export const entraDeletion: Record<EntraDeletion, string> = {
  soft: 'deleted in Entra ID (soft-deleted: restorable for 30 days)',
  hard: 'deleted in Entra ID (hard-deleted: gone for good)',
  unknown: 'deleted in Entra ID',
};

/** How every removal's reason begins. */
export const notAMember = 'not a member of the group any more; deleteRemoved is on';

/** The English sentence of every code: what the audit's `reason` text holds. */
export const englishReasons: ReasonTemplates = {
  created: (p) =>
    `not linked and no product user matches ${p.str('matchOn')} ${p.str('key')}; created in customer type ${p.str('customerTypeId')}`,
  adoptedByLink: (p) =>
    `linked by Entra object id to a product user no setup manages; adopted${adoptTail(p.list('fields'), p.bool('updateExisting'))}`,
  adoptedByMatch: (p) =>
    `matched by ${p.str('matchOn')} ${p.str('key')} to a product user no setup manages; adopted${adoptTail(p.list('fields'), p.bool('updateExisting'))}`,
  updated: (p) => `changed in Entra ID: ${listed(p.list('fields'))}`,
  reactivated: (p) =>
    `deactivated by this sync and again an enabled member of the group; reactivated${alsoWritten(p.list('fields'))}`,
  disabledInEntra: (p) => `disabled in Entra ID${alsoWritten(p.list('fields'))}`,
  upToDate: () => 'linked and up to date',
  upToDateAttributesNotWritten: () =>
    'linked; activation state matches Entra ID and updateExisting is off, so attributes are not written',
  staysDeactivated: () =>
    'linked; stays inactive because it was deactivated outside this sync, which the sync never undoes',
  disabledNotManaged: () => 'disabled in Entra ID and not managed by this setup; neither created nor adopted',
  noMatchKey: (p) =>
    p.str('matchOn') === 'email'
      ? 'no email address (neither mail nor a non-guest userPrincipalName); cannot be matched or created'
      : "no initials (none of the setup's initials attributes has a value); cannot be matched or created",
  keySharedInBatch: (p) =>
    `${p.num('memberCount')} directory users in this batch share ${p.str('matchOn')} ${p.str('key')}; none of them is matched or created`,
  manyMatches: (p) =>
    `${p.list('userIds').length} product users match ${p.str('matchOn')} ${p.str('key')} (${listed(p.list('userIds'))}); none is adopted`,
  linkedUserManagedElsewhere: (p) =>
    `the product user linked to this Entra user is managed by another setup (${p.str('managingSetupId')})`,
  matchManagedElsewhere: (p) =>
    `matched by ${p.str('matchOn')} ${p.str('key')} to a product user managed by another setup (${p.str('managingSetupId')})`,
  matchLinkedElsewhere: (p) =>
    `matched by ${p.str('matchOn')} ${p.str('key')} to a product user linked to another Entra user (${p.str('externalId')})`,
  notAdoptedGuest: (p) =>
    `matched by ${p.str('matchOn')} ${p.str('key')} to product user ${p.str('userId')}, but the directory user is a guest ` +
    '(userType Guest or #EXT# in its userPrincipalName) whose address its inviter typed; not adopted, the product user stays as it is',
  notAdoptedUnverifiedDomain: (p) =>
    `matched by ${p.str('matchOn')} ${p.str('key')} to product user ${p.str('userId')}, but ` +
    (p.has('domain')
      ? `its address domain ${p.str('domain')} is not one of the tenant's verified domains`
      : 'the directory user has no email address') +
    '; not adopted, the product user stays as it is',
  deletedNoGrace: () => `${notAMember} and there is no grace period`,
  deactivatedForGrace: (p) =>
    `${notAMember}; deactivated now and deleted after the grace period of ${p.num('graceDays')} days (from ${p.str('deleteAt')})`,
  graceStartsNow: (p) =>
    `${notAMember}; inactive without a deactivation time, so the grace period of ${p.num('graceDays')} days starts now`,
  inGrace: (p) => `${notAMember}; deactivated and in the grace period, deleted from ${p.str('deleteAt')}`,
  deletedGraceOver: (p) =>
    `${notAMember} and the grace period of ${p.num('graceDays')} days ended at ${p.str('deleteAt')}`,
  deletedInEntra: (p) =>
    `${entraDeletion[p.str('how') as EntraDeletion] ?? entraDeletion.unknown}, so ${p.nested('removal')}`,
  notManagedBySetup: (p) =>
    `handed to removal but managed by ${p.has('managingSetupId') ? `another setup (${p.str('managingSetupId')})` : 'no setup'}; a removal never touches it`,
  memberReadFailed: () => 'the member read failed, so no one is removed or deactivated',
  noMembersReturned: (p) =>
    `the group returned no members while the setup manages ${p.num('managedCount')} users, so no one is removed or deactivated`,
  overCount: (p) => `${removalsAre(p.num('removals'))} more than the threshold of ${p.num('count')}`,
  overPercent: (p) =>
    `${removalsAre(p.num('removals'))} more than ${p.num('percent')}% of the ${p.num('managedCount')} users the setup manages`,
  withinThreshold: (p) => `${removalsAre(p.num('removals'))} within the deletion threshold`,
  approvalTimedOut: (p) => `removals not approved within ${p.str('duration')}: ${p.nested('guard')}`,
  removalsRejected: (p) => `removals rejected: ${p.nested('guard')}`,
  removalHeld: (p) => `removal held back: ${p.nested('guard')} (was: ${p.nested('was')})`,
  applyFailed: (p) => `${p.str('action')} failed: ${p.nested('error')} (planned: ${p.nested('planned')})`,
  ...englishStatusReasons,
};

/** The English text of a reason, as the audit's `reason` column and the API carry it. */
export function reasonText(r: Reason): string {
  return renderReason(englishReasons, r);
}

type Texts<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Reason ? (...args: A) => string : string;
};

/**
 * The English sentences, by the same names as `because` (tests and docs name the text they expect). A nested
 * reason may be given as its text here.
 */
export const reasons = Object.fromEntries(
  Object.entries(because).map(([key, value]) => [
    key,
    typeof value === 'function'
      ? (...args: unknown[]) => reasonText((value as (...a: unknown[]) => Reason)(...args))
      : reasonText(value),
  ]),
) as unknown as Texts<typeof because>;
