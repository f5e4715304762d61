import { randomUUID } from 'node:crypto';
import { ChangeLog } from './change-log.js';
import { graphDateTime, type SimulatedClock } from './clock.js';
import {
  groupPropertyNames,
  userPropertyNames,
  type GroupInput,
  type GroupPatch,
  type SimGroup,
  type SimUser,
  type UserInput,
  type UserPatch,
  type VerifiedDomain,
} from './model.js';
import { notFound, SimulatorError } from './simulator-error.js';

/**
 * Member ids of a group as Graph lists them: visible objects only (soft-deleted users are hidden),
 * sorted by object id so a page cursor can resume after the last id it delivered — members added or
 * removed while a client pages never shift the ones it has not read yet.
 */
export interface MemberLists {
  all: readonly string[];
  users: readonly string[];
  groups: readonly string[];
}

const noPhones: readonly string[] = Object.freeze([]);
const mutableUserProperties = new Set<string>(
  userPropertyNames.filter((p) => !['id', 'createdDateTime', 'deletedDateTime'].includes(p)),
);
const mutableGroupProperties = new Set<string>(
  groupPropertyNames.filter((p) => !['id', 'createdDateTime'].includes(p)),
);

export function mailNicknameFrom(text: string): string {
  const folded = foldToAscii(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
  return folded || 'user';
}

/** ASCII form of a name for mail addresses and sAMAccountNames: Søren Ærø → Soren Aeroe-ish, Zoë → Zoe. */
export function foldToAscii(text: string): string {
  const special: Record<string, string> = {
    ø: 'o',
    Ø: 'O',
    æ: 'ae',
    Æ: 'AE',
    ß: 'ss',
    ł: 'l',
    Ł: 'L',
    þ: 'th',
    Þ: 'TH',
    ð: 'd',
    Ð: 'D',
    œ: 'oe',
    Œ: 'OE',
    đ: 'd',
    Đ: 'D',
    ı: 'i',
  };
  return text
    .replace(/[øØæÆßłŁþÞðÐœŒđĐı]/g, (ch) => special[ch] ?? ch)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '');
}

function sameValue(a: unknown, b: unknown): boolean {
  return Array.isArray(a) || Array.isArray(b) ? JSON.stringify(a) === JSON.stringify(b) : a === b;
}

/** Writes the patch's values that differ into the object; returns the names of the properties that changed. */
function applyPatch(target: object, patch: object, mutable: ReadonlySet<string>, kind: string): string[] {
  const record = target as Record<string, unknown>;
  const changed: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (!mutable.has(key)) throw new SimulatorError(`${kind} property '${key}' cannot be changed`);
    if (value === undefined || sameValue(record[key], value)) continue;
    record[key] = value;
    changed.push(key);
  }
  return changed;
}

/**
 * One Entra tenant: its users and groups, the change log that feeds delta queries, and cached member
 * lists. The caches are why paging a 500,000-member group costs a slice per page, not a copy of the group:
 * they are rebuilt on the first read after any membership or visibility change.
 */
export class Tenant {
  readonly users = new Map<string, SimUser>();
  readonly groups = new Map<string, SimGroup>();
  changes = new ChangeLog();
  private readonly transitiveCache = new Map<string, MemberLists>();
  private readonly directCache = new Map<string, MemberLists>();
  private activeUserIds: string[] | null = null;

  constructor(
    readonly id: string,
    public displayName: string,
    readonly verifiedDomains: VerifiedDomain[],
    readonly createdDateTime: string,
    private readonly clock: SimulatedClock,
  ) {}

  get defaultDomain(): string {
    return (
      (this.verifiedDomains.find((d) => d.isDefault) ?? this.verifiedDomains[0])?.name ?? `${this.id}.onmicrosoft.com`
    );
  }

  /** Throws away the change history: every delta token issued so far must resync (410). */
  resetDeltaState(): void {
    this.changes = new ChangeLog();
  }

  // ---- reads -------------------------------------------------------------------------------------

  /** An active (not soft-deleted) user by object id or userPrincipalName. */
  activeUser(ref: string): SimUser | undefined {
    const key = ref.toLowerCase();
    const byId = this.users.get(key);
    const user = byId ?? [...this.users.values()].find((u) => u.userPrincipalName.toLowerCase() === key);
    return user && !user.deletedDateTime ? user : undefined;
  }

  isVisible(objectId: string): boolean {
    const user = this.users.get(objectId);
    return user ? !user.deletedDateTime : this.groups.has(objectId);
  }

  memberType(objectId: string): 'user' | 'group' | undefined {
    return this.users.has(objectId) ? 'user' : this.groups.has(objectId) ? 'group' : undefined;
  }

  memberLists(groupId: string, transitive: boolean): MemberLists {
    const cache = transitive ? this.transitiveCache : this.directCache;
    let lists = cache.get(groupId);
    if (!lists) {
      lists = transitive ? this.flattenTransitive(groupId) : this.listDirect(groupId);
      for (const ids of Object.values(lists) as string[][]) ids.sort();
      cache.set(groupId, lists);
    }
    return lists;
  }

  /** Ids of all active users, sorted (the order Graph lists and delta-syncs them in here). */
  sortedActiveUserIds(): readonly string[] {
    this.activeUserIds ??= [...this.users.values()]
      .filter((u) => !u.deletedDateTime)
      .map((u) => u.id)
      .sort();
    return this.activeUserIds;
  }

  sortedGroupIds(): readonly string[] {
    return [...this.groups.keys()].sort();
  }

  private listDirect(groupId: string): MemberLists {
    const lists = { all: [] as string[], users: [] as string[], groups: [] as string[] };
    for (const id of this.requireGroup(groupId).members) this.collect(id, lists);
    return lists;
  }

  /** Depth-first, each object once, the root itself never: cycles in nesting cannot loop. */
  private flattenTransitive(groupId: string): MemberLists {
    const lists = { all: [] as string[], users: [] as string[], groups: [] as string[] };
    const seen = new Set<string>([groupId]);
    const stack: Iterator<string>[] = [this.requireGroup(groupId).members.values()];
    while (stack.length > 0) {
      const step = (stack[stack.length - 1] as Iterator<string>).next();
      if (step.done) {
        stack.pop();
        continue;
      }
      const id = step.value;
      if (seen.has(id) || !this.collect(id, lists)) continue;
      seen.add(id);
      const nested = this.groups.get(id);
      if (nested) stack.push(nested.members.values());
    }
    return lists;
  }

  private collect(id: string, lists: { all: string[]; users: string[]; groups: string[] }): boolean {
    if (!this.isVisible(id)) return false;
    lists.all.push(id);
    (this.users.has(id) ? lists.users : lists.groups).push(id);
    return true;
  }

  /** Groups that list this object as a direct member. */
  parentGroups(objectId: string): SimGroup[] {
    return [...this.groups.values()].filter((g) => g.members.has(objectId));
  }

  requireUser(id: string): SimUser {
    const user = this.users.get(id.toLowerCase());
    if (!user) throw notFound('user', id);
    return user;
  }

  requireGroup(id: string): SimGroup {
    const group = this.groups.get(id.toLowerCase());
    if (!group) throw notFound('group', id);
    return group;
  }

  // ---- writes: each one logs its change and drops the member caches it affects ------------------

  addUser(input: UserInput): SimUser {
    const mailNickname = input.mailNickname ?? mailNicknameFrom(input.displayName);
    const user: SimUser = {
      id: (input.id ?? randomUUID()).toLowerCase(),
      displayName: input.displayName,
      givenName: input.givenName ?? null,
      surname: input.surname ?? null,
      mail: input.mail === undefined ? `${mailNickname}@${this.defaultDomain}` : input.mail,
      userPrincipalName: input.userPrincipalName ?? `${mailNickname}@${this.defaultDomain}`,
      mailNickname,
      jobTitle: input.jobTitle ?? null,
      department: input.department ?? null,
      mobilePhone: input.mobilePhone ?? null,
      businessPhones: input.businessPhones ?? noPhones,
      officeLocation: input.officeLocation ?? null,
      employeeId: input.employeeId ?? null,
      onPremisesSamAccountName: input.onPremisesSamAccountName ?? null,
      accountEnabled: input.accountEnabled ?? true,
      userType: input.userType ?? (input.userPrincipalName?.includes('#EXT#') ? 'Guest' : 'Member'),
      preferredLanguage: input.preferredLanguage ?? null,
      companyName: input.companyName ?? null,
      onPremisesExtensionAttributes: input.onPremisesExtensionAttributes ?? {},
      employeeOrgData: input.employeeOrgData ?? null,
      managerId: null,
      createdDateTime: graphDateTime(this.clock.now()),
      deletedDateTime: null,
    };
    if (this.users.has(user.id) || this.groups.has(user.id))
      throw new SimulatorError(`object '${user.id}' already exists`, 409);
    this.users.set(user.id, user);
    this.activeUserIds = null;
    this.changes.append({ kind: 'user', userId: user.id, state: 'active', properties: 'all' });
    return user;
  }

  updateUser(id: string, patch: UserPatch): SimUser {
    const user = this.requireUser(id);
    const changed = applyPatch(user, patch, mutableUserProperties, 'user');
    if (changed.length > 0 && !user.deletedDateTime) {
      this.changes.append({ kind: 'user', userId: user.id, state: 'active', properties: changed });
    }
    return user;
  }

  /**
   * Sets (or with null, removes) the user's manager. Graph's delta reports a manager change as a change of the
   * user when `manager` is selected; the change log records it as the property `manager`.
   */
  setManager(id: string, managerId: string | null): SimUser {
    const user = this.requireUser(id);
    if (managerId !== null) {
      const manager = this.requireUser(managerId);
      if (manager.id === user.id) throw new SimulatorError('a user cannot be their own manager');
    }
    const next = managerId?.toLowerCase() ?? null;
    if ((user.managerId ?? null) !== next) {
      user.managerId = next;
      if (!user.deletedDateTime)
        this.changes.append({ kind: 'user', userId: user.id, state: 'active', properties: ['manager'] });
    }
    return user;
  }

  /** Moves the user to the recycle bin: hidden from member lists, reported by delta as `@removed: changed`. */
  softDeleteUser(id: string): SimUser {
    const user = this.requireUser(id);
    if (user.deletedDateTime) return user;
    this.logMembershipVisibility(user.id, false);
    user.deletedDateTime = graphDateTime(this.clock.now());
    this.changes.append({ kind: 'user', userId: user.id, state: 'softDeleted', properties: [] });
    this.dropMemberCaches();
    return user;
  }

  /** Brings a soft-deleted user back, with the group memberships it had. */
  restoreUser(id: string): SimUser {
    const user = this.requireUser(id);
    if (!user.deletedDateTime) throw new SimulatorError(`user '${id}' is not deleted`, 409);
    user.deletedDateTime = null;
    this.changes.append({ kind: 'user', userId: user.id, state: 'active', properties: 'all' });
    this.logMembershipVisibility(user.id, true);
    this.dropMemberCaches();
    return user;
  }

  /** Permanent deletion (straight away, or out of the recycle bin): delta reports `@removed: deleted`. */
  hardDeleteUser(id: string): void {
    const user = this.requireUser(id);
    if (!user.deletedDateTime) this.logMembershipVisibility(user.id, false);
    for (const group of this.parentGroups(user.id)) group.members.delete(user.id);
    this.users.delete(user.id);
    this.changes.append({ kind: 'user', userId: user.id, state: 'hardDeleted', properties: [] });
    this.dropMemberCaches();
  }

  addGroup(input: GroupInput): SimGroup {
    const mailNickname = input.mailNickname ?? mailNicknameFrom(input.displayName);
    const group: SimGroup = {
      id: (input.id ?? randomUUID()).toLowerCase(),
      displayName: input.displayName,
      description: input.description ?? null,
      mail: input.mail ?? null,
      mailNickname,
      mailEnabled: input.mailEnabled ?? false,
      securityEnabled: input.securityEnabled ?? true,
      groupTypes: input.groupTypes ?? [],
      visibility: input.visibility ?? null,
      createdDateTime: graphDateTime(this.clock.now()),
      members: new Set(),
    };
    if (this.users.has(group.id) || this.groups.has(group.id))
      throw new SimulatorError(`object '${group.id}' already exists`, 409);
    this.groups.set(group.id, group);
    this.changes.append({ kind: 'group', groupId: group.id, deleted: false, properties: 'all' });
    return group;
  }

  updateGroup(id: string, patch: GroupPatch): SimGroup {
    const group = this.requireGroup(id);
    const changed = applyPatch(group, patch, mutableGroupProperties, 'group');
    if (changed.length > 0)
      this.changes.append({ kind: 'group', groupId: group.id, deleted: false, properties: changed });
    return group;
  }

  removeGroup(id: string): void {
    const group = this.requireGroup(id);
    for (const parent of this.parentGroups(group.id)) this.removeMember(parent.id, group.id);
    this.groups.delete(group.id);
    this.changes.append({ kind: 'group', groupId: group.id, deleted: true, properties: [] });
    this.dropMemberCaches();
  }

  addMember(groupId: string, memberId: string): void {
    const group = this.requireGroup(groupId);
    const id = memberId.toLowerCase();
    const memberType = this.memberType(id);
    if (!memberType) throw notFound('directory object', memberId);
    if (id === group.id) throw new SimulatorError('a group cannot be a member of itself');
    if (this.users.get(id)?.deletedDateTime) throw new SimulatorError(`user '${memberId}' is deleted`, 409);
    if (group.members.has(id)) return;
    group.members.add(id);
    this.changes.append({ kind: 'member', groupId: group.id, memberId: id, memberType, present: true });
    this.dropMemberCaches();
  }

  removeMember(groupId: string, memberId: string): void {
    const group = this.requireGroup(groupId);
    const id = memberId.toLowerCase();
    if (!group.members.delete(id)) throw new SimulatorError(`'${memberId}' is not a member of group '${groupId}'`, 404);
    const memberType = this.memberType(id);
    if (memberType && this.isVisible(id))
      this.changes.append({ kind: 'member', groupId: group.id, memberId: id, memberType, present: false });
    this.dropMemberCaches();
  }

  private logMembershipVisibility(userId: string, present: boolean): void {
    for (const group of this.parentGroups(userId)) {
      this.changes.append({ kind: 'member', groupId: group.id, memberId: userId, memberType: 'user', present });
    }
  }

  /** Nesting makes one change reach any ancestor, so all lists go; the next read rebuilds what it needs. */
  private dropMemberCaches(): void {
    this.transitiveCache.clear();
    this.directCache.clear();
    this.activeUserIds = null;
  }
}
