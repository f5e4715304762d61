import {
  collectionPage,
  contextUrl,
  hasAnyPermission,
  linkWith,
  parseSelect,
  parseTop,
  readSkipToken,
  rejectQueryOptions,
  requireObjectId,
  type GraphCall,
  type GraphResult,
} from './graph-call.js';
import { graphErrors, GraphHttpError } from './graph-errors.js';
import {
  groupSelectableProperties,
  odataType,
  selectedGroup,
  userResource,
  userSelectableProperties,
} from './graph-objects.js';
import { pageAfter } from './keyset.js';
import type { SimGroup } from './model.js';

/** A group that exists for this caller: vanished-group faults answer exactly like a deleted group. */
export function findGroup(call: GraphCall, id: string): SimGroup {
  requireObjectId(id);
  const group = call.tenant.groups.get(id);
  if (!group || call.world.faults.isVanished(call.tenant.id, id)) throw graphErrors.notFound(id);
  return group;
}

/** Without User.Read.All an app that may list members sees users as id + @odata.type, other values null. */
export function canReadUsers(call: GraphCall): boolean {
  return hasAnyPermission(call, ['User.Read.All', 'Directory.Read.All']);
}

const casts = { 'microsoft.graph.user': 'user', 'microsoft.graph.group': 'group' } as const;

/** What a member list is, with or without an OData cast: which `$select` properties exist, and the names Graph gives it. */
const listKinds = {
  user: {
    selectable: (p: string) => userSelectableProperties.has(p),
    typeName: 'microsoft.graph.user',
    context: 'users',
  },
  group: {
    selectable: (p: string) => groupSelectableProperties.has(p),
    typeName: 'microsoft.graph.group',
    context: 'groups',
  },
  any: {
    selectable: (p: string) => userSelectableProperties.has(p) || groupSelectableProperties.has(p),
    typeName: 'microsoft.graph.directoryObject',
    context: 'directoryObjects',
  },
} as const;

interface MembersSkipToken {
  k: string;
  after: string;
}

/**
 * `GET /groups/{id}/members` and `/transitiveMembers`, optionally cast to users or groups, optionally
 * `/$count`. Pages are slices of the group's cached, sorted member list; the skip token remembers the
 * last id sent. The cast on transitiveMembers and any `$count` need `ConsistencyLevel: eventual`.
 */
export function listMembers(call: GraphCall): GraphResult {
  const group = findGroup(call, call.params.id as string);
  const transitive = call.params.relation === 'transitivemembers';
  const cast = call.params.cast ? casts[call.params.cast as keyof typeof casts] : undefined;
  if (transitive && cast && !call.eventual) {
    throw graphErrors.badRequest(
      "The OData cast on transitiveMembers is an advanced query: it needs the header 'ConsistencyLevel: eventual' and $count=true.",
    );
  }
  const lists = call.tenant.memberLists(group.id, transitive);
  const ids = cast === 'user' ? lists.users : cast === 'group' ? lists.groups : lists.all;

  if (call.params.count !== undefined) {
    if (!call.eventual) throw graphErrors.countNotSupported();
    return { body: String(ids.length), contentType: 'text/plain' };
  }
  rejectQueryOptions(
    call,
    ['$filter', '$search', '$orderby', '$expand'],
    'on member lists are not supported by the simulator.',
  );

  const listKind = listKinds[cast ?? 'any'];
  const select = parseSelect(call, listKind.selectable, listKind.typeName);
  const top = parseTop(call);
  const kind = `members/${group.id}/${call.params.relation}/${cast ?? ''}`;
  const after = readSkipToken<MembersSkipToken>(call, kind)?.after ?? null;
  const context = contextUrl(call, listKind.context, select);
  const linkAfter = (last: string) => linkWith(call, '$skiptoken', call.links.encode({ k: kind, after: last }));

  const empty = call.world.faults.takeEmptyMemberPage(call.tenant.id, call.target);
  if (empty) {
    // The page a flaky backend may send: 200, no members, and either more to come or (worse) nothing.
    return collectionPage(call, {
      context,
      total: after === null ? 0 : null,
      nextLink: empty.keepNextLink ? linkAfter(after ?? '') : null,
      value: [],
    });
  }

  const page = pageAfter(ids, after, top);
  const limitedUsers = !canReadUsers(call);
  const value = page.ids.map((id) => {
    const user = call.tenant.users.get(id);
    if (user) {
      const properties = userResource(
        user,
        select && select.filter((p) => userSelectableProperties.has(p)),
        limitedUsers,
      );
      return cast ? properties : { '@odata.type': odataType.user, ...properties };
    }
    const nested = call.tenant.groups.get(id);
    if (!nested) throw new GraphHttpError(500, 'generalException', `member '${id}' vanished while listing`);
    const properties = selectedGroup(nested, select && select.filter((p) => groupSelectableProperties.has(p)));
    return cast ? properties : { '@odata.type': odataType.group, ...properties };
  });
  return collectionPage(call, {
    context,
    total: after === null ? ids.length : null,
    nextLink: page.more ? linkAfter(page.ids[page.ids.length - 1] as string) : null,
    value,
  });
}
