import type { Client } from '@microsoft/microsoft-graph-client';
import type { Db } from '../db/database.js';
import {
  addedWithoutData,
  changedUsersOutsideGroupDelta,
  forgetUserChanges,
  forgetMemberChanges,
  memberChanges,
  recordMemberChanges,
  recordUsersGone,
  recordUserChanges,
  stageDeltaMembers,
} from '../db/repositories/sync-delta.js';
import type { DeltaLinks } from '../db/schema.js';
import {
  groupDeltaFilterLimit,
  isGroupMemberRemoved,
  isGroupObject,
  latestDeltaLink,
  nestedGroupIds,
  pageDelta,
  stillMembers,
} from '../graph/delta.js';
import { directoryUserSelect, parseDirectoryUser } from '../graph/members.js';
import { classifyGraphError, graphCall, isDeltaResyncRequired } from '../graph/errors.js';

/**
 * Incremental sync. A full run records "from now on" delta links for the setup's group, its nested groups
 * and the tenant's users before it reads the members; a delta run follows those links and turns what changed
 * into the same staging a full run produces, so planning and applying are shared. Anything delta cannot
 * express safely — an expired link (410), a nested group added or removed — sends the run back to a full read.
 */
export async function establishDeltaLinks(client: Client, groupId: string): Promise<DeltaLinks> {
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
  const usersLink = await latestDeltaLink(client, 'users', { select: directoryUserSelect });
  return { groupLinks, usersLink, trackedGroupIds };
}

export type DeltaRoundResult =
  | { fallback: string }
  | { fallback?: undefined; links: DeltaLinks; added: number; removed: number; changedUsers: number; staged: number };

/**
 * Reads one delta round into the run's delta tables, page by page, then resolves it into staging:
 * removals are confirmed with checkMemberGroups (a user may still be in another nested group), and added
 * users whose attributes the users round did not carry are read one by one.
 */
export async function readDeltaRound(input: {
  db: Db;
  client: Client;
  runId: string;
  setupId: string;
  groupId: string;
  links: DeltaLinks;
}): Promise<DeltaRoundResult> {
  const { db, client, runId } = input;
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
        await recordMemberChanges(db, runId, changes);
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
      await recordUserChanges(db, runId, users);
      if (page.deltaLink) next.usersLink = page.deltaLink;
    }

    // A changed user the group delta did not mention may or may not be a member (one the setup still manages may
    // have left while deleteRemoved is off; one it does not manage may have been skipped while disabled): ask
    // Graph, so the run plans exactly the members a full read would see.
    const changed = await changedUsersOutsideGroupDelta(db, { runId, setupId: input.setupId });
    const members = (
      await stillMembers(
        client,
        input.groupId,
        changed.map((c) => c.externalId),
      )
    ).still;
    await forgetUserChanges(
      db,
      runId,
      changed.filter((c) => !members.has(c.externalId)).map((c) => c.externalId),
    );
    const joined = changed.filter((c) => !c.managed && members.has(c.externalId));
    await recordMemberChanges(
      db,
      runId,
      joined.map((c) => ({ externalId: c.externalId, change: 'added' as const })),
    );

    const removed = await memberChanges(db, runId, 'removed');
    // A removed member may still be in another nested group; or its user object may be gone (deleted in Entra):
    // checkMemberGroups' 404 is about the user, and makes this a removal "deleted in Entra", not a group error.
    const { still, gone } = await stillMembers(client, input.groupId, removed);
    await forgetMemberChanges(db, runId, [...still]);
    await recordUsersGone(db, runId, [...gone]);
    const missing = await addedWithoutData(db, runId);
    for (const id of missing) {
      try {
        const raw = (await client
          .api(`/users/${encodeURIComponent(id)}`)
          .select(directoryUserSelect.join(','))
          .get()) as Record<string, unknown>;
        await recordUserChanges(db, runId, [{ externalId: id, data: parseDirectoryUser(raw), removedReason: null }]);
      } catch (err) {
        // GET /users/{id}: a 404 means the user was deleted since it was added; nothing to create
        if (classifyGraphError(err, { notFound: 'user' }).notFound !== 'user') throw err;
        await recordUsersGone(db, runId, [id]);
      }
    }
    const staged = await stageDeltaMembers(db, { runId, setupId: input.setupId });
    const added = (await memberChanges(db, runId, 'added')).length;
    return { links: next, added, removed: removed.length - still.size, changedUsers, staged };
  } catch (err) {
    if (isDeltaResyncRequired(err))
      return { fallback: 'the delta link expired or was reset by Microsoft (410 syncStateNotFound)' };
    throw err;
  }
}
