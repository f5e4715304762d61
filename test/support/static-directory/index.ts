/**
 * A second directory provider, for tests only: a directory held in memory that a test edits, served through the
 * directory-provider port like Entra. It is the proof that a provider is a folder and one line in the providers
 * registry: `{ ...directoryProviders, [staticKind]: staticDirectoryProvider(directory) }`.
 *
 * Incremental reads keep a change log with a version number: the state is `{ version }`, and a round replays the
 * changes after it into the engine's sink, the way Entra replays its delta pages.
 */
import { randomUUID } from 'node:crypto';
import type { DirectoryProviderFactory } from '../../../src/directory/factory.js';
import type {
  DirectoryFailure,
  DirectoryKind,
  DirectoryProvider,
  IncrementalState,
  MemberPage,
} from '../../../src/directory/provider.js';
import type { DirectoryUser } from '../../../src/sync/directory-user.js';

/** A kind the service does not ship: only a test's own database lets a connection name it. */
export const staticKind = 'static' as DirectoryKind;

interface Change {
  version: number;
  groupId: string | null;
  userId: string;
  change: 'added' | 'removed' | 'changed';
}

export class StaticDirectory {
  private readonly groups = new Map<string, { displayName: string; members: Set<string> }>();
  private readonly users = new Map<string, DirectoryUser>();
  private readonly log: Change[] = [];
  private version = 0;

  get currentVersion(): number {
    return this.version;
  }

  addGroup(displayName: string): string {
    const id = randomUUID();
    this.groups.set(id, { displayName, members: new Set() });
    return id;
  }

  /** Adds or replaces a user (by id) and records the change. */
  putUser(user: DirectoryUser): DirectoryUser {
    this.users.set(user.id, user);
    this.record(null, user.id, 'changed');
    return user;
  }

  updateUser(id: string, fields: Partial<Omit<DirectoryUser, 'id'>>): DirectoryUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`no user ${id} in the static directory`);
    return this.putUser({ ...user, ...fields });
  }

  addMember(groupId: string, userId: string): void {
    this.group(groupId).members.add(userId);
    this.record(groupId, userId, 'added');
  }

  removeMember(groupId: string, userId: string): void {
    this.group(groupId).members.delete(userId);
    this.record(groupId, userId, 'removed');
  }

  members(groupId: string): DirectoryUser[] {
    return [...this.group(groupId).members].sort().map((id) => this.users.get(id)!);
  }

  findGroup(groupId: string): { displayName: string; members: Set<string> } | undefined {
    return this.groups.get(groupId);
  }

  searchGroups(search: string): { id: string; displayName: string }[] {
    const term = search.trim().toLowerCase();
    return [...this.groups]
      .filter(([, g]) => g.displayName.toLowerCase().includes(term))
      .map(([id, g]) => ({ id, displayName: g.displayName }));
  }

  changesSince(version: number): Change[] {
    return this.log.filter((c) => c.version > version);
  }

  hasUser(id: string): boolean {
    return this.users.has(id);
  }

  user(id: string): DirectoryUser | undefined {
    return this.users.get(id);
  }

  private group(groupId: string) {
    const group = this.groups.get(groupId);
    if (!group) throw new StaticDirectoryError(`group ${groupId} is not in the static directory`, 'group');
    return group;
  }

  private record(groupId: string | null, userId: string, change: Change['change']) {
    this.version += 1;
    this.log.push({ version: this.version, groupId, userId, change });
  }
}

export class StaticDirectoryError extends Error {
  constructor(
    message: string,
    readonly about: 'group' | 'user',
  ) {
    super(message);
    this.name = 'StaticDirectoryError';
  }
}

function versionOf(state: IncrementalState): number | null {
  return typeof state.version === 'number' && Number.isInteger(state.version) ? state.version : null;
}

export function staticDirectoryProvider(directory: StaticDirectory): DirectoryProviderFactory {
  return (): DirectoryProvider => ({
    kind: staticKind,
    verify: async () => ({ ok: true, facts: { groups: directory.searchGroups('').length } }),
    async lookupGroup(groupId) {
      const group = directory.findGroup(groupId);
      if (!group) return { found: false, reason: 'not_found', message: `group ${groupId} is not in the directory` };
      return { found: true, id: groupId, displayName: group.displayName, userCount: group.members.size };
    },
    searchGroups: async (search) => directory.searchGroups(search),
    async *pageMembers(scope, { pageSize, resume }): AsyncGenerator<MemberPage> {
      const all = directory.members(scope.groupId);
      for (let at = Number(resume ?? 0); at < all.length || at === 0; at += pageSize) {
        const next = at + pageSize < all.length ? String(at + pageSize) : null;
        yield { users: all.slice(at, at + pageSize), next, ...(at === 0 ? { count: all.length } : {}) };
        if (next === null) return;
      }
    },
    startIncremental: async () => ({ version: directory.currentVersion }),
    async readIncremental(scope, state, sink) {
      const since = versionOf(state);
      if (since === null) return { fallback: 'the stored state has no version' };
      const version = directory.currentVersion;
      const changes = directory.changesSince(since);
      const membership = changes.filter((c) => c.groupId === scope.groupId && c.change !== 'changed');
      await sink.memberChanges(
        membership.map((c) => ({ externalId: c.userId, change: c.change as 'added' | 'removed' })),
      );
      const touched = [...new Set(changes.filter((c) => c.change !== 'removed').map((c) => c.userId))];
      await sink.userChanges(
        touched.map((id) => ({ externalId: id, data: directory.user(id) ?? null, removedReason: null })),
      );
      // A changed user no membership change mentioned: planned only while it is a member.
      const members = new Set(directory.members(scope.groupId).map((u) => u.id));
      const outside = await sink.changedOutsideMemberChanges();
      await sink.forgetUserChanges(outside.filter((c) => !members.has(c.externalId)).map((c) => c.externalId));
      await sink.memberChanges(
        outside
          .filter((c) => !c.managed && members.has(c.externalId))
          .map((c) => ({ externalId: c.externalId, change: 'added' as const })),
      );
      return {
        state: { version },
        added: (await sink.addedMembers()).length,
        removed: (await sink.removedMembers()).length,
        changedUsers: touched.length,
      };
    },
    async confirmMembers(scope, externalIds) {
      const members = new Set(directory.members(scope.groupId).map((u) => u.id));
      return {
        still: new Set(externalIds.filter((id) => members.has(id))),
        gone: new Set(externalIds.filter((id) => !directory.hasUser(id))),
      };
    },
    classify(err): DirectoryFailure {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof StaticDirectoryError) return { kind: 'not_found', about: err.about, message };
      return { kind: 'request_failed', message };
    },
  });
}
