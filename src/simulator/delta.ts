import type { Change } from './change-log.js';
import {
  groupSelectableProperties,
  odataType,
  selectedGroup,
  userDefaultProperties,
  userResource,
} from './graph-objects.js';
import { indexAfter, pageAfter } from './keyset.js';
import type { Tenant } from './tenant.js';

/**
 * Delta query rounds for `users/delta` and `groups/delta`. A round is either initial (the full current
 * state) or a replay of the change log between two sequence numbers, netted per object: a member added
 * and removed again in between does not show; a user renamed twice shows once, with today's values.
 */
export interface DeltaQuery {
  resource: 'users' | 'groups';
  /** `$select` as given (groups: `members` turns on `members@delta`); null = Graph's defaults. */
  select: string[] | null;
  /** `$filter=id eq '…' or …`; null = every object. */
  ids: string[] | null;
}

/** Where the next page starts: initial rounds resume after an object id (stable while objects come and go), replays at an index into the netted change list. */
export type DeltaPosition =
  | { phase: 'initial'; key: string | null; memberKey: string | null }
  | { phase: 'replay'; index: number; member: number };

export interface DeltaPage {
  value: Record<string, unknown>[];
  next: DeltaPosition | null;
}

/** One object in a delta page; groups may carry a (possibly long) list of member changes, split across pages. */
interface DeltaEntry {
  id: string;
  header(): Record<string, unknown>;
  members?: { length: number; ref(index: number): Record<string, unknown>; keyAt(index: number): string };
}

const removed = (reason: 'changed' | 'deleted') => ({ '@removed': { reason } });

export function tracksMembers(query: DeltaQuery): boolean {
  return query.resource === 'groups' && (query.select === null || query.select.includes('members'));
}

function groupSelect(query: DeltaQuery): string[] | null {
  return query.select ? query.select.filter((p) => p !== 'members') : null;
}

function trackedProperties(query: DeltaQuery): ReadonlySet<string> {
  if (query.resource === 'users') return new Set(query.select ?? userDefaultProperties);
  return new Set(groupSelect(query) ?? groupSelectableProperties);
}

/** Graph always returns `id` in delta results, whatever `$select` says. */
function userDeltaObject(tenant: Tenant, id: string, query: DeltaQuery): Record<string, unknown> {
  const object = userResource(tenant.users.get(id)!, query.select);
  if (!('id' in object)) object.id = id;
  return object;
}

function memberRefs(
  ids: readonly string[],
  typeOf: (id: string) => 'user' | 'group',
  removedIds?: ReadonlySet<string>,
): NonNullable<DeltaEntry['members']> {
  return {
    length: ids.length,
    keyAt: (index) => ids[index] as string,
    ref: (index) => {
      const id = ids[index] as string;
      const ref: Record<string, unknown> = { '@odata.type': odataType[typeOf(id)], id };
      return removedIds?.has(id) ? { ...ref, ...removed('deleted') } : ref;
    },
  };
}

export function deltaPage(
  tenant: Tenant,
  query: DeltaQuery,
  range: { since: number; upTo: number },
  position: DeltaPosition,
  budget: number,
): DeltaPage {
  if (position.phase === 'replay') {
    const page = assemble(replayEntries(tenant, query, range), position.index, position.member, budget);
    return { value: page.value, next: page.stop && { phase: 'replay', ...page.stop } };
  }
  if (query.resource === 'users') {
    const ids = query.ids ? query.ids.filter((id) => tenant.activeUser(id)).sort() : tenant.sortedActiveUserIds();
    const page = pageAfter(ids, position.key, budget);
    return {
      value: page.ids.map((id) => userDeltaObject(tenant, id, query)),
      next: page.more ? { phase: 'initial', key: page.ids[page.ids.length - 1] as string, memberKey: null } : null,
    };
  }
  return initialGroupsPage(tenant, query, position, budget);
}

function initialGroupsPage(
  tenant: Tenant,
  query: DeltaQuery,
  position: { key: string | null; memberKey: string | null },
  budget: number,
): DeltaPage {
  const ids = query.ids ? query.ids.filter((id) => tenant.groups.has(id)).sort() : tenant.sortedGroupIds();
  const entries: DeltaEntry[] = ids.map((id) => {
    const group = tenant.groups.get(id)!;
    const entry: DeltaEntry = { id, header: () => selectedGroup(group, groupSelect(query)) };
    const members = tenant.memberLists(id, false).all;
    // Graph leaves `members@delta` out entirely for a group without members.
    if (tracksMembers(query) && members.length > 0)
      entry.members = memberRefs(members, (memberId) => tenant.memberType(memberId) ?? 'user');
    return entry;
  });
  // Resume at the group we stopped in (or the next one, if it has gone) and after its last member sent.
  let index = position.key === null ? 0 : indexAfter(ids, position.key);
  let member = 0;
  if (position.key !== null && ids[index - 1] === position.key && position.memberKey !== null) {
    index -= 1;
    const memberIds = tenant.memberLists(position.key, false).all;
    member = indexAfter(memberIds, position.memberKey);
  }
  const page = assemble(entries, index, member, budget);
  const stop = page.stop;
  if (!stop) return { value: page.value, next: null };
  const stoppedIn = entries[stop.index];
  // Translate the index position back into ids: the group to resume in and the last member sent.
  const next: DeltaPosition =
    stop.member > 0 && stoppedIn?.members
      ? { phase: 'initial', key: stoppedIn.id, memberKey: stoppedIn.members.keyAt(stop.member - 1) }
      : { phase: 'initial', key: entries[stop.index - 1]?.id ?? null, memberKey: null };
  return { value: page.value, next };
}

/** Fills a page with entries from `index` (member offset `member`) until the budget of objects plus member refs is spent. */
function assemble(
  entries: readonly DeltaEntry[],
  index: number,
  member: number,
  budget: number,
): { value: Record<string, unknown>[]; stop: { index: number; member: number } | null } {
  const value: Record<string, unknown>[] = [];
  let units = 0;
  while (index < entries.length) {
    if (units >= budget) return { value, stop: { index, member } };
    const entry = entries[index] as DeltaEntry;
    const object = entry.header();
    units++;
    if (entry.members) {
      const room = Math.max(1, budget - units);
      const end = Math.min(entry.members.length, member + room);
      const refs: Record<string, unknown>[] = [];
      for (let m = member; m < end; m++) refs.push(entry.members.ref(m));
      object['members@delta'] = refs;
      units += refs.length;
      value.push(object);
      if (end < entry.members.length) return { value, stop: { index, member: end } };
    } else {
      value.push(object);
    }
    index++;
    member = 0;
  }
  return { value, stop: null };
}

/** The log between the two sequence numbers, netted per object into delta entries (in order of first change). */
function replayEntries(tenant: Tenant, query: DeltaQuery, range: { since: number; upTo: number }): DeltaEntry[] {
  const wanted = query.ids ? new Set(query.ids) : null;
  const tracked = trackedProperties(query);
  const touched = new Map<
    string,
    {
      properties: Set<string> | 'all';
      last: Change;
      members: Map<string, { before: boolean; after: boolean; type: 'user' | 'group' }>;
    }
  >();
  for (const change of tenant.changes.between(range.since, range.upTo)) {
    const id = change.kind === 'user' ? change.userId : change.groupId;
    if (change.kind === 'user' ? query.resource !== 'users' : query.resource !== 'groups') continue;
    if (change.kind === 'member' && !tracksMembers(query)) continue;
    if (wanted && !wanted.has(id)) continue;
    let state = touched.get(id);
    if (!state) touched.set(id, (state = { properties: new Set(), last: change, members: new Map() }));
    if (change.kind === 'member') {
      const pair = state.members.get(change.memberId);
      if (pair) pair.after = change.present;
      else
        state.members.set(change.memberId, { before: !change.present, after: change.present, type: change.memberType });
      continue;
    }
    state.last = change;
    if (change.properties === 'all' || state.properties === 'all') state.properties = 'all';
    else for (const p of change.properties) state.properties.add(p);
  }

  const entries: DeltaEntry[] = [];
  for (const [id, state] of touched) {
    const last = state.last;
    if (last.kind === 'user' && last.state !== 'active') {
      entries.push({ id, header: () => ({ id, ...removed(last.state === 'softDeleted' ? 'changed' : 'deleted') }) });
      continue;
    }
    if (query.resource === 'groups' && !tenant.groups.has(id)) {
      entries.push({ id, header: () => ({ id, ...removed('deleted') }) });
      continue;
    }
    const propertiesChanged = state.properties === 'all' || [...state.properties].some((p) => tracked.has(p));
    const memberChanges = [...state.members].filter(([, pair]) => pair.before !== pair.after);
    if (query.resource === 'users') {
      if (propertiesChanged && tenant.users.has(id))
        entries.push({ id, header: () => userDeltaObject(tenant, id, query) });
      continue;
    }
    if (!propertiesChanged && memberChanges.length === 0) continue;
    const group = tenant.groups.get(id)!;
    const entry: DeltaEntry = { id, header: () => selectedGroup(group, groupSelect(query)) };
    if (memberChanges.length > 0) {
      const ids = memberChanges.map(([memberId]) => memberId);
      const types = new Map(memberChanges.map(([memberId, pair]) => [memberId, pair.type]));
      entry.members = memberRefs(
        ids,
        (memberId) => types.get(memberId) ?? 'user',
        new Set(memberChanges.filter(([, pair]) => !pair.after).map(([memberId]) => memberId)),
      );
    }
    entries.push(entry);
  }
  return entries;
}
