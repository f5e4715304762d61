import type { Client } from '@microsoft/microsoft-graph-client';
import {
  directoryUserSelect,
  graphUserObject,
  parseDirectoryUser,
  type DirectoryUser,
  type GraphUserObject,
} from './directory-user.js';
import { checkedLink } from './links.js';

export { directoryUserSelect, parseDirectoryUser, type DirectoryUser } from './directory-user.js';

export interface GroupUsersPage {
  users: DirectoryUser[];
  /** Where the next page is; store it to resume after a failure. null on the last page. */
  nextLink: string | null;
  /** `@odata.count`: all user members, transitively. Graph sends it on the first page only. */
  count?: number;
}

export interface PageGroupUsersOptions {
  select?: readonly string[];
  /** Page size, at most 999. */
  top?: number;
  /** A nextLink stored from an earlier page: paging resumes there. */
  cursor?: string;
}

/** Advanced query (the cast on transitiveMembers and $count) needs this header on every page: Graph does not carry it over. */
const advancedQuery = { ConsistencyLevel: 'eventual' } as const;

function withCount(url: string): string {
  return /[?&](\$|%24)count=true/i.test(url) ? url : `${url}${url.includes('?') ? '&' : '?'}$count=true`;
}

/** One page of a group's users as Graph sent them: checked as users (an id, the user type), not mapped yet. */
export interface GroupUserObjectsPage {
  objects: GraphUserObject[];
  /** Where the next page is; store it to resume after a failure. null on the last page. */
  nextLink: string | null;
  /** `@odata.count`: all user members, transitively. Graph sends it on the first page only. */
  count?: number;
}

/**
 * All users in a group, nested groups flattened (`/transitiveMembers/microsoft.graph.user`), page by page, as
 * Graph sent them. Each page is requested with `ConsistencyLevel: eventual` and `$count=true`, so a caller retrying
 * from a stored `nextLink` sends the same advanced query. Pages may be empty yet still have a nextLink.
 */
export async function* pageGroupUserObjects(
  client: Client,
  groupId: string,
  options: PageGroupUsersOptions = {},
): AsyncGenerator<GroupUserObjectsPage> {
  const select = (options.select ?? directoryUserSelect).join(',');
  let url: string | null =
    checkedLink(client, options.cursor) ??
    `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=${select}&$top=${options.top ?? 999}`;
  while (url) {
    const response = (await client.api(withCount(url)).headers(advancedQuery).get()) as {
      value?: unknown[];
      '@odata.nextLink'?: string;
      '@odata.count'?: number;
    };
    // Checked before it is stored (the caller heartbeats it) or followed.
    const nextLink: string | null = checkedLink(client, response['@odata.nextLink']);
    const page: GroupUserObjectsPage = { objects: (response.value ?? []).map(graphUserObject), nextLink };
    if (typeof response['@odata.count'] === 'number') page.count = response['@odata.count'];
    yield page;
    url = nextLink;
  }
}

/** The same pages with each user mapped (parseDirectoryUser). */
export async function* pageGroupUsers(
  client: Client,
  groupId: string,
  options: PageGroupUsersOptions = {},
): AsyncGenerator<GroupUsersPage> {
  for await (const page of pageGroupUserObjects(client, groupId, options)) {
    const mapped: GroupUsersPage = { users: page.objects.map(parseDirectoryUser), nextLink: page.nextLink };
    if (page.count !== undefined) mapped.count = page.count;
    yield mapped;
  }
}

export interface FoundGroup {
  id: string;
  displayName: string;
  description: string | null;
  mail: string | null;
}

/**
 * Groups whose display name has a word starting with `search` (Graph's `$search`, an advanced query),
 * ordered by name; an empty search lists the first groups. For a picker: one page, at most `top`.
 */
export async function findGroups(
  client: Client,
  search: string,
  options: { top?: number } = {},
): Promise<FoundGroup[]> {
  const term = search.trim();
  let request = client
    .api('/groups')
    .headers(advancedQuery)
    .select('id,displayName,description,mail')
    .top(options.top ?? 25)
    .orderby('displayName')
    .query({ $count: 'true' });
  // The Graph client puts query values into the URL as they are: encode the quoted $search clause ourselves.
  if (term) request = request.query({ $search: encodeURIComponent(`"displayName:${term.replace(/["\\]/g, '\\$&')}"`) });
  const response = (await request.get()) as { value?: Record<string, unknown>[] };
  return (response.value ?? []).map((group) => ({
    id: String(group.id),
    displayName: String(group.displayName ?? ''),
    description: typeof group.description === 'string' ? group.description : null,
    mail: typeof group.mail === 'string' ? group.mail : null,
  }));
}
