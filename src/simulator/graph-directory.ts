import {
  collectionPage,
  contextUrl,
  linkWith,
  parseSelect,
  parseTop,
  readSkipToken,
  rejectQueryOptions,
  requireObjectId,
  type GraphCall,
  type GraphResult,
} from './graph-call.js';
import { graphErrors } from './graph-errors.js';
import { canReadUsers, findGroup } from './graph-members.js';
import {
  groupSelectableProperties,
  odataType,
  organizationResource,
  selectedGroup,
  userResource,
  userSelectableProperties,
} from './graph-objects.js';
import { containsSorted, pageAfter } from './keyset.js';
import type { SimGroup } from './model.js';

/** `GET /organization` and `/organization/{id}`: the caller's own tenant. */
export function getOrganization(call: GraphCall): GraphResult {
  const full = organizationResource(call.tenant);
  const select = parseSelect(call, (p) => p in full, 'microsoft.graph.organization');
  const organization = select ? Object.fromEntries(['id', ...select].map((p) => [p, full[p]])) : full;
  const id = call.params.id;
  if (id === undefined)
    return { body: { '@odata.context': contextUrl(call, 'organization', select), value: [organization] } };
  if (id !== call.tenant.id) throw graphErrors.notFound(id);
  return { body: { '@odata.context': `${contextUrl(call, 'organization', select)}/$entity`, ...organization } };
}

export function getGroup(call: GraphCall): GraphResult {
  const group = findGroup(call, call.params.id as string);
  const select = parseSelect(call, (p) => groupSelectableProperties.has(p), 'microsoft.graph.group');
  return {
    body: { '@odata.context': `${contextUrl(call, 'groups', select)}/$entity`, ...selectedGroup(group, select) },
  };
}

/** `GET /users/{id | userPrincipalName}`; soft-deleted users are not found, as in Graph. */
export function getUser(call: GraphCall): GraphResult {
  const ref = call.params.id as string;
  if (!ref.includes('@')) requireObjectId(ref);
  const user = call.tenant.activeUser(ref);
  if (!user) throw graphErrors.notFound(ref);
  const select = parseSelect(call, (p) => userSelectableProperties.has(p), 'microsoft.graph.user');
  return {
    body: {
      '@odata.context': `${contextUrl(call, 'users', select)}/$entity`,
      ...userResource(user, select, !canReadUsers(call)),
    },
  };
}

/**
 * `GET /users/{id}/manager`: "Returns the user or organizational contact assigned as the user's manager" (user-list-
 * manager), with `$select`; a user without a manager, or whose manager is deleted, is a 404 (Request_ResourceNotFound).
 */
export function getManager(call: GraphCall): GraphResult {
  const ref = call.params.id as string;
  if (!ref.includes('@')) requireObjectId(ref);
  const user = call.tenant.activeUser(ref);
  if (!user) throw graphErrors.notFound(ref);
  const manager = user.managerId ? call.tenant.activeUser(user.managerId) : undefined;
  if (!manager) throw graphErrors.notFound('manager');
  const select = parseSelect(call, (p) => userSelectableProperties.has(p), 'microsoft.graph.user');
  return {
    body: {
      '@odata.context': `${contextUrl(call, 'directoryObjects', select)}/$entity`,
      '@odata.type': odataType.user,
      ...userResource(manager, select, !canReadUsers(call)),
    },
  };
}

const maxCheckedGroups = 20;

/**
 * `POST /users/{id}/checkMemberGroups` with `{ groupIds }` (at most 20): the ones the user is in,
 * directly or through nesting.
 */
export async function checkMemberGroups(call: GraphCall): Promise<GraphResult> {
  const ref = call.params.id as string;
  if (!ref.includes('@')) requireObjectId(ref);
  const user = call.tenant.activeUser(ref);
  if (!user) throw graphErrors.notFound(ref);
  const groupIds = ((await call.body()) as { groupIds?: unknown } | null)?.groupIds;
  if (!Array.isArray(groupIds) || !groupIds.every((id) => typeof id === 'string'))
    throw graphErrors.badRequest("The request body needs 'groupIds', an array of group ids.");
  if (groupIds.length > maxCheckedGroups)
    throw graphErrors.badRequest(`At most ${maxCheckedGroups} group ids can be checked at once.`);
  const memberOf = (groupIds as string[]).filter((id) => {
    const key = id.toLowerCase();
    return (
      call.tenant.groups.has(key) &&
      !call.world.faults.isVanished(call.tenant.id, key) &&
      containsSorted(call.tenant.memberLists(key, true).users, user.id)
    );
  });
  return { body: { '@odata.context': contextUrl(call, 'Collection(Edm.String)'), value: memberOf } };
}

export function listUsers(call: GraphCall): GraphResult {
  rejectQueryOptions(
    call,
    ['$filter', '$search', '$orderby', '$expand'],
    'on /users are not supported by the simulator.',
  );
  const select = parseSelect(call, (p) => userSelectableProperties.has(p), 'microsoft.graph.user');
  const ids = call.tenant.sortedActiveUserIds();
  const after = readSkipToken<{ k: string; after: string }>(call, 'users')?.after ?? null;
  const page = pageAfter(ids, after, parseTop(call));
  return collectionPage(call, {
    context: contextUrl(call, 'users', select),
    total: after === null ? ids.length : null,
    nextLink: page.more
      ? linkWith(call, '$skiptoken', call.links.encode({ k: 'users', after: page.ids[page.ids.length - 1] }))
      : null,
    value: page.ids.map((id) => userResource(call.tenant.users.get(id)!, select)),
  });
}

interface GroupListToken {
  k: 'groups';
  offset: number;
}

/**
 * `GET /groups`, with `$search="displayName:…"` (needs ConsistencyLevel: eventual, as in Graph) and
 * `$orderby=displayName`. Search matches word prefixes, case-insensitively; quoted clauses may be
 * joined with OR / AND.
 */
export function listGroups(call: GraphCall): GraphResult {
  rejectQueryOptions(call, ['$filter', '$expand'], 'on /groups are not supported by the simulator.');
  const search = call.query.get('$search');
  if (search !== undefined && !call.eventual) throw graphErrors.searchNeedsEventual();
  const orderBy = call.query.get('$orderby');
  if (orderBy !== undefined && !/^displayName( asc| desc)?$/i.test(orderBy.trim()))
    throw graphErrors.unsupportedQuery(`$orderby=${orderBy} is not supported by the simulator (displayName only).`);
  const select = parseSelect(call, (p) => groupSelectableProperties.has(p), 'microsoft.graph.group');

  let groups = call.tenant.sortedGroupIds().map((id) => call.tenant.groups.get(id) as SimGroup);
  groups = groups.filter((g) => !call.world.faults.isVanished(call.tenant.id, g.id));
  if (search !== undefined) groups = groups.filter(searchMatcher(search));
  if (orderBy !== undefined) {
    groups.sort((a, b) => a.displayName.localeCompare(b.displayName));
    if (/desc$/i.test(orderBy.trim())) groups.reverse();
  }
  const offset = readSkipToken<GroupListToken>(call, 'groups')?.offset ?? 0;
  const top = parseTop(call);
  return collectionPage(call, {
    context: contextUrl(call, 'groups', select),
    total: offset === 0 ? groups.length : null,
    nextLink:
      offset + top < groups.length
        ? linkWith(call, '$skiptoken', call.links.encode({ k: 'groups', offset: offset + top }))
        : null,
    value: groups.slice(offset, offset + top).map((g) => selectedGroup(g, select)),
  });
}

const searchableGroupProperties = new Set(['displayName', 'description', 'mail', 'mailNickname']);

function searchMatcher(search: string): (group: SimGroup) => boolean {
  const clauses = search.split(/\s+(OR|AND)\s+/);
  const terms: { property: string; words: string[] }[] = [];
  const operators: string[] = [];
  clauses.forEach((clause, index) => {
    if (index % 2 === 1) {
      operators.push(clause);
      return;
    }
    const match = /^"([A-Za-z]+):(.*)"$/s.exec(clause.trim());
    if (!match || !searchableGroupProperties.has(match[1] as string)) {
      throw graphErrors.badRequest(
        `Syntax error: '${clause}' is not a valid $search clause; use "property:text" with property one of ${[...searchableGroupProperties].join(', ')}.`,
      );
    }
    terms.push({ property: match[1] as string, words: words((match[2] as string).replace(/\\"/g, '"')) });
  });
  const termMatches = (group: SimGroup, term: (typeof terms)[number]): boolean => {
    const valueWords = words(String((group as unknown as Record<string, unknown>)[term.property] ?? ''));
    return term.words.every((w) => valueWords.some((v) => v.startsWith(w)));
  };
  return (group) => {
    let result = termMatches(group, terms[0]!);
    for (let i = 0; i < operators.length; i++) {
      const next = termMatches(group, terms[i + 1]!);
      result = operators[i] === 'AND' ? result && next : result || next;
    }
    return result;
  };
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[\s\-_.·,;:/()]+/u)
    .filter(Boolean);
}
