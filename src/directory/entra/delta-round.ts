import type { Client } from '@microsoft/microsoft-graph-client';
import type { IncrementalSink, IncrementalState } from '../provider.js';
import {
  groupDeltaFilterLimit,
  isGroupMemberRemoved,
  isGroupObject,
  latestDeltaLink,
  nestedGroupIds,
  pageDelta,
  stillMembers,
} from './delta.js';
import { directoryUserSelect, parseDirectoryUser } from './members.js';
import { classifyGraphError, graphCall, isDeltaResyncRequired } from './errors.js';

/** Entra's incremental state: "from now on" delta links for the group, its nested groups and the tenant's users. */
export interface DeltaLinks {
  groupLinks: { groupIds: string[]; link: string }[];
  usersLink: string;
  trackedGroupIds: string[];
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** The stored state read back (it crossed the database): the links, or null when it is not Entra's shape. */
export function deltaLinksOf(state: IncrementalState): DeltaLinks | null {
  const { groupLinks, usersLink, trackedGroupIds } = state;
  if (typeof usersLink !== 'string' || !isStringArray(trackedGroupIds) || !Array.isArray(groupLinks)) return null;
  const links: DeltaLinks['groupLinks'] = [];
  for (const entry of groupLinks as unknown[]) {
    const { groupIds, link } = (entry ?? {}) as Record<string, unknown>;
    if (!isStringArray(groupIds) || typeof link !== 'string') return null;
    links.push({ groupIds, link });
  }
  return { groupLinks: links, usersLink, trackedGroupIds };
}

/**
 * Incremental sync. A full run records "from now on" delta links for the setup's group, its nested groups
 * and the tenant's users before it reads the members; a delta run follows those links and turns what changed
 * into the same staging a full run produces, so planning and applying are shared. Anything delta cannot
 * express safely — an expired link (410), a nested group added or removed — sends the run back to a full read.
 */
export async function establishDeltaLinks(client: Client, groupId: string): Promise<DeltaLinks> {
  // the users' link does not depend on the groups': both are taken before the read, side by side
  const [groups, usersLink] = await Promise.all([
    groupDeltaLinks(client, groupId),
    latestDeltaLink(client, 'users', { select: directoryUserSelect }),
  ]);
  return { ...groups, usersLink };
}

/** The group and its nested groups, and a latest delta link per filter's worth of them. */
async function groupDeltaLinks(
  client: Client,
  groupId: string,
): Promise<Pick<DeltaLinks, 'groupLinks' | 'trackedGroupIds'>> {
  const trackedGroupIds = await graphCall('group', () => nestedGroupIds(client, groupId));
  const all = [groupId, ...trackedGroupIds];
  const groupLinks: DeltaLinks['groupLinks'] = [];
  for (let i = 0; i < all.length; i += groupDeltaFilterLimit) {
    const groupIds = all.slice(i, i + groupDeltaFilterLimit);
    groupLinks.push({
      groupIds,
      link: await latestDeltaLink(client, 'groups', { select: ['members'], ids: groupIds }),
    });
  }
  return { groupLinks, trackedGroupIds };
}

export type DeltaRoundResult =
  | { fallback: string }
  | { fallback?: undefined; links: DeltaLinks; added: number; removed: number; changedUsers: number };

/**
 * Reads one delta round into the sink (the run's delta tables), page by page, then resolves it:
 * removals are confirmed with checkMemberGroups (a user may still be in another nested group), and added
 * users whose attributes the users round did not carry are read one by one.
 */
export async function readDeltaRound(input: {
  client: Client;
  groupId: string;
  links: DeltaLinks;
  sink: IncrementalSink;
}): Promise<DeltaRoundResult> {
  const { client, sink } = input;
  const tracked = new Set([input.groupId, ...input.links.trackedGroupIds].map((id) => id.toLowerCase()));
  const next: DeltaLinks = {
    groupLinks: [],
    usersLink: input.links.usersLink,
    trackedGroupIds: input.links.trackedGroupIds,
  };
  try {
    for (const { groupIds, link } of input.links.groupLinks) {
      let deltaLink = link;
      for await (const page of pageDelta(client, link)) {
        const changes: { externalId: string; change: 'added' | 'removed' }[] = [];
        for (const group of page.value) {
          if (group['@removed'] !== undefined && tracked.has(String(group.id).toLowerCase()))
            return { fallback: `group ${String(group.id)} was deleted` };
          for (const member of (group['members@delta'] as Record<string, unknown>[] | undefined) ?? []) {
            if (isGroupObject(member)) return { fallback: 'the nested-group structure changed' };
            changes.push({ externalId: String(member.id), change: isGroupMemberRemoved(member) ? 'removed' : 'added' });
          }
        }
        await sink.memberChanges(changes);
        if (page.deltaLink) deltaLink = page.deltaLink;
      }
      next.groupLinks.push({ groupIds, link: deltaLink });
    }
    let changedUsers = 0;
    for await (const page of pageDelta(client, input.links.usersLink)) {
      const users = page.value.map((raw) => {
        const removed = raw['@removed'] as { reason?: string } | undefined;
        return removed
          ? { externalId: String(raw.id), data: null, removedReason: removed.reason ?? 'deleted' }
          : {
              externalId: String(raw.id),
              data: parseDirectoryUser(raw),
              removedReason: null,
            };
      });
      changedUsers += users.length;
      await sink.userChanges(users);
      if (page.deltaLink) next.usersLink = page.deltaLink;
    }

    // A changed user the group delta did not mention is a member exactly when it was one after the last run; the
    // sink leaves out the managed users known to be members, and hands back those it cannot vouch for (one the
    // setup still manages that left while deleteRemoved is off; one it does not manage, maybe skipped while
    // disabled): ask Graph, so the run plans exactly the members a full read would see.
    const changed = await sink.changedOutsideMemberChanges();
    const members = (
      await stillMembers(
        client,
        input.groupId,
        changed.map((c) => c.externalId),
      )
    ).still;
    await sink.forgetUserChanges(changed.filter((c) => !members.has(c.externalId)).map((c) => c.externalId));
    const joined = changed.filter((c) => !c.managed && members.has(c.externalId));
    await sink.memberChanges(joined.map((c) => ({ externalId: c.externalId, change: 'added' as const })));

    const removed = await sink.removedMembers();
    // A removed member may still be in another nested group; or its user object may be gone (deleted in Entra):
    // checkMemberGroups' 404 is about the user, and makes this a removal "deleted in Entra", not a group error.
    const { still, gone } = await stillMembers(client, input.groupId, removed);
    await sink.forgetMemberChanges([...still]);
    await sink.usersGone([...gone]);
    const missing = await sink.addedWithoutData();
    for (const id of missing) {
      try {
        const raw = (await client
          .api(`/users/${encodeURIComponent(id)}`)
          .select(directoryUserSelect.join(','))
          .get()) as Record<string, unknown>;
        await sink.userChanges([{ externalId: id, data: parseDirectoryUser(raw), removedReason: null }]);
      } catch (err) {
        // GET /users/{id}: a 404 means the user was deleted since it was added; nothing to create
        if (classifyGraphError(err, { notFound: 'user' }).notFound !== 'user') throw err;
        await sink.usersGone([id]);
      }
    }
    const added = (await sink.addedMembers()).length;
    return { links: next, added, removed: removed.length - still.size, changedUsers };
  } catch (err) {
    if (isDeltaResyncRequired(err))
      return { fallback: 'the delta link expired or was reset by Microsoft (410 syncStateNotFound)' };
    throw err;
  }
}
