/**
 * Plans one chunk of directory members against the product users that chunk can touch.
 *
 * Order of the rules for one member:
 * 1. Linked by Entra object id (the immutable link always wins over a match):
 *    managed by another setup → conflict; managed by no setup → adopt (skip when disabled);
 *    managed by this setup → update / deactivate / unchanged.
 * 2. Not linked: disabled → skip; no match key → skip; match key shared with another member of the
 *    chunk → conflict; no candidate → create; several → conflict; the one candidate managed by another
 *    setup or linked to another Entra user → conflict; a guest, or an address outside the tenant's verified
 *    domains → skip (src/sync/adoption.ts); else adopt.
 *
 * Candidates are only as fresh as the orchestrator's read: it must apply one chunk before it reads the
 * candidates of the next, so a user adopted or created by chunk 1 is seen as linked by chunk 2.
 * A match key freed during a run (a removal deletes the user that blocked it, or an update moves a product
 * user's email/initials away) unblocks the waiting member in the next run, not in this one: its plan was
 * made against the candidates as they were. Every other plan is a fixed point after one apply.
 */
import { desiredActive } from './activation.js';
import { adoptionRefusal } from './adoption.js';
import { diffFields, type FieldDiff } from './diff.js';
import { distinctMembers } from './distinct-members.js';
import { directoryEmail, isEnabledInDirectory, mapDirectoryUser, syncedFieldsOf } from './mapping.js';
import { matchKeyOf, type MemberCandidates } from './match-keys.js';
import { because, reasonText, type Reason } from './reasons.js';
import type { ChangeAction, DirectoryUser, PlannedChange, ProductUser, SetupPolicy, SyncedFields } from './types.js';

interface ChunkContext {
  policy: SetupPolicy;
  candidates: MemberCandidates;
  /** How many enabled members of the chunk carry each match key. */
  membersPerKey: Map<string, number>;
}

/** Exactly one PlannedChange per distinct member id, in the order members first appear. */
export function planMembers(
  members: readonly DirectoryUser[],
  candidates: MemberCandidates,
  policy: SetupPolicy,
): PlannedChange[] {
  const distinct = distinctMembers(members);
  const context: ChunkContext = { policy, candidates, membersPerKey: countMembersPerKey(distinct, policy) };
  return distinct.map((member) => planMember(member, context));
}

function countMembersPerKey(members: readonly DirectoryUser[], policy: SetupPolicy): Map<string, number> {
  const counts = new Map<string, number>();
  for (const member of members) {
    const key = isEnabledInDirectory(member) ? matchKeyOf(member, policy) : null;
    if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Product users of other companies are never candidates, whatever the orchestrator hands in. */
function ofCompany(user: ProductUser | undefined, policy: SetupPolicy): user is ProductUser {
  return user !== undefined && user.companyId === policy.companyId;
}

function managedByAnotherSetup(
  user: ProductUser,
  policy: SetupPolicy,
): user is ProductUser & { managingSetupId: string } {
  return user.managingSetupId !== null && user.managingSetupId !== policy.setupId;
}

function planMember(member: DirectoryUser, context: ChunkContext): PlannedChange {
  const linked = context.candidates.byExternalId.get(member.id);
  return ofCompany(linked, context.policy) ? planLinked(member, linked, context.policy) : planUnlinked(member, context);
}

function planLinked(member: DirectoryUser, linked: ProductUser, policy: SetupPolicy): PlannedChange {
  if (managedByAnotherSetup(linked, policy))
    return noWrite('conflict', member, linked.id, because.linkedUserManagedElsewhere(linked.managingSetupId));
  if (linked.managingSetupId === policy.setupId) return planManaged(member, linked, policy);
  // The sync never takes ownership of an account Entra has switched off.
  if (!isEnabledInDirectory(member)) return noWrite('skip', member, linked.id, because.disabledNotManaged);
  return adopt(member, linked, policy, (fields) => because.adoptedByLink(fields, policy.updateExisting));
}

function planUnlinked(member: DirectoryUser, context: ChunkContext): PlannedChange {
  const { policy } = context;
  if (!isEnabledInDirectory(member)) return noWrite('skip', member, null, because.disabledNotManaged);
  const key = matchKeyOf(member, policy);
  if (key === null) return noWrite('skip', member, null, because.noMatchKey(policy.matchOn));
  const sharing = context.membersPerKey.get(key) ?? 0;
  if (sharing > 1) return noWrite('conflict', member, null, because.keySharedInBatch(policy.matchOn, key, sharing));

  const matches = matchesFor(key, context);
  const [match] = matches;
  if (match === undefined) return create(member, policy, because.created(policy.matchOn, key, policy.customerTypeId));
  if (matches.length > 1)
    return noWrite(
      'conflict',
      member,
      null,
      because.manyMatches(
        policy.matchOn,
        key,
        matches.map((user) => user.id),
      ),
    );
  if (managedByAnotherSetup(match, policy))
    return noWrite(
      'conflict',
      member,
      match.id,
      because.matchManagedElsewhere(policy.matchOn, key, match.managingSetupId),
    );
  if (match.externalId !== null && match.externalId !== member.id) {
    return noWrite('conflict', member, match.id, because.matchLinkedElsewhere(policy.matchOn, key, match.externalId));
  }
  // Taking over an existing account needs an address the tenant owns, of a user that is not a guest.
  const refusal = adoptionRefusal(member, policy, { key, userId: match.id });
  if (refusal !== null) return noWrite('skip', member, match.id, refusal);
  return adopt(member, match, policy, (fields) =>
    because.adoptedByMatch(policy.matchOn, key, fields, policy.updateExisting),
  );
}

function matchesFor(key: string, { candidates, policy }: ChunkContext): ProductUser[] {
  const listed = (policy.matchOn === 'email' ? candidates.byEmail : candidates.byInitials).get(key) ?? [];
  const unique = new Map(listed.filter((user) => ofCompany(user, policy)).map((user) => [user.id, user]));
  return [...unique.values()];
}

/** What the sync writes on a linked user: activation always, attributes only with updateExisting. */
function desiredFields(member: DirectoryUser, current: ProductUser, policy: SetupPolicy): Partial<SyncedFields> {
  const active = desiredActive(member, current, policy.setupId);
  return policy.updateExisting ? { ...mapDirectoryUser(member, policy), active } : { active };
}

function attributeNames(diff: FieldDiff | null): string[] {
  return diff ? Object.keys(diff.after).filter((field) => field !== 'active') : [];
}

function planManaged(member: DirectoryUser, current: ProductUser, policy: SetupPolicy): PlannedChange {
  const diff = diffFields(syncedFieldsOf(current), desiredFields(member, current, policy));
  if (diff === null) return noWrite('unchanged', member, current.id, unchangedReason(member, current, policy));
  const attributes = attributeNames(diff);
  const base = { externalId: member.id, userId: current.id, after: diff.after };
  if (diff.after.active === false) {
    // A deactivation keeps the whole snapshot in `before`, so an operator can see what was switched off.
    return {
      ...base,
      action: 'deactivate',
      before: syncedFieldsOf(current),
      ...explained(because.disabledInEntra(attributes)),
    };
  }
  const reason = diff.after.active === true ? because.reactivated(attributes) : because.updated(attributes);
  return { ...base, action: 'update', before: diff.before, ...explained(reason) };
}

function unchangedReason(member: DirectoryUser, current: ProductUser, policy: SetupPolicy): Reason {
  if (!current.active && isEnabledInDirectory(member)) return because.staysDeactivated;
  return policy.updateExisting ? because.upToDate : because.upToDateAttributesNotWritten;
}

function adopt(
  member: DirectoryUser,
  user: ProductUser,
  policy: SetupPolicy,
  reason: (fields: string[]) => Reason,
): PlannedChange {
  const diff = diffFields(syncedFieldsOf(user), desiredFields(member, user, policy));
  return {
    action: 'adopt',
    externalId: member.id,
    userId: user.id,
    before: diff?.before ?? {},
    after: diff?.after ?? {},
    ...explained(reason(diff ? Object.keys(diff.after) : [])),
  };
}

/** The English text and the code of a reason, as a PlannedChange carries them. */
function explained(reason: Reason): Pick<PlannedChange, 'reason' | 'reasonDetail'> {
  return { reason: reasonText(reason), reasonDetail: reason };
}

function create(member: DirectoryUser, policy: SetupPolicy, reason: Reason): PlannedChange {
  return {
    action: 'create',
    externalId: member.id,
    userId: null,
    before: null,
    after: mapDirectoryUser(member, policy),
    ...explained(reason),
  };
}

/**
 * A change that writes nothing has no before/after to name its member by, so its reason carries the member's
 * display name and address (the run page shows them instead of the Entra object id).
 */
function noWrite(action: ChangeAction, member: DirectoryUser, userId: string | null, reason: Reason): PlannedChange {
  const subject = { memberName: member.displayName ?? null, memberEmail: directoryEmail(member) };
  return {
    action,
    externalId: member.id,
    userId,
    before: null,
    after: null,
    reason: reasonText(reason),
    reasonDetail: { ...reason, params: { ...reason.params, ...subject } },
  };
}
