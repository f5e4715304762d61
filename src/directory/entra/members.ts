import { ResponseType, type Client, type GraphRequest } from '@microsoft/microsoft-graph-client';
// the client's own error handling, for pages read as bytes (it is not exported from the package's index)
import { GraphErrorHandler } from '@microsoft/microsoft-graph-client/lib/src/GraphErrorHandler.js';
import { GraphResponseHandler } from '@microsoft/microsoft-graph-client/lib/src/GraphResponseHandler.js';
import {
  directoryUserSelect,
  graphUserObject,
  parseDirectoryUser,
  type DirectoryUser,
  type GraphUserObject,
} from './directory-user.js';
import { checkedLink } from './links.js';
import { scanUserPage, type ScannedUser } from './user-page-scan.js';

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

/** The first page's URL, or the stored cursor's when it is one of Graph's. */
function firstPageUrl(client: Client, groupId: string, options: PageGroupUsersOptions): string {
  const select = (options.select ?? directoryUserSelect).join(',');
  return (
    checkedLink(client, options.cursor) ??
    `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=${select}&$top=${options.top ?? 999}`
  );
}

/** The page's own fields: nextLink (checked before it is stored — the caller heartbeats it — or followed) and count. */
function pageFields(client: Client, response: Record<string, unknown>): { nextLink: string | null; count?: number } {
  const nextLink = checkedLink(client, response['@odata.nextLink']);
  const count = response['@odata.count'];
  return typeof count === 'number' ? { nextLink, count } : { nextLink };
}

/** The group's pages one after another: each fetched (`fetch`) from where the one before links to. */
async function* followPages<Page extends { nextLink: string | null }>(
  client: Client,
  groupId: string,
  options: PageGroupUsersOptions,
  fetch: (request: GraphRequest) => Promise<Page>,
): AsyncGenerator<Page> {
  let url: string | null = firstPageUrl(client, groupId, options);
  while (url) {
    const page = await fetch(client.api(withCount(url)).headers(advancedQuery));
    yield page;
    url = page.nextLink;
  }
}

/**
 * All users in a group, nested groups flattened (`/transitiveMembers/microsoft.graph.user`), page by page, as
 * Graph sent them. Each page is requested with `ConsistencyLevel: eventual` and `$count=true`, so a caller retrying
 * from a stored `nextLink` sends the same advanced query. Pages may be empty yet still have a nextLink.
 */
export function pageGroupUserObjects(
  client: Client,
  groupId: string,
  options: PageGroupUsersOptions = {},
): AsyncGenerator<GroupUserObjectsPage> {
  return followPages(client, groupId, options, async (request) =>
    objectsPage(client, (await request.get()) as Record<string, unknown>),
  );
}

/** A parsed page: its users checked as Graph users, its own fields (pageFields). */
function objectsPage(client: Client, response: Record<string, unknown>): GroupUserObjectsPage {
  const objects = ((response.value as unknown[] | undefined) ?? []).map(graphUserObject);
  return { objects, ...pageFields(client, response) };
}

/** One page of a group's users as Graph sent them: as bytes when the page could be cut apart (user-page-scan.ts). */
export interface GroupUserBytesPage {
  /** Each user's id and where its bytes are; absent when the page was parsed whole instead (then `objects`). */
  scanned?: ScannedUser[];
  objects?: GraphUserObject[];
  nextLink: string | null;
  count?: number;
}

/**
 * The same pages as pageGroupUserObjects, each read as bytes and cut into users without parsing them
 * (user-page-scan.ts): for a reader that parses only the users it needs. A page the scanner does not answer for
 * is parsed whole, with the same checks as pageGroupUserObjects; a failed request fails as the client's would.
 */
export function pageGroupUserBytes(
  client: Client,
  groupId: string,
  options: PageGroupUsersOptions = {},
): AsyncGenerator<GroupUserBytesPage> {
  return followPages(client, groupId, options, async (request) => {
    const raw = (await request.responseType(ResponseType.RAW).get()) as Response;
    if (!raw.ok) throw await graphErrorOf(raw);
    const bytes = new Uint8Array(await raw.arrayBuffer());
    const scanned = scanUserPage(bytes);
    if (scanned) return { scanned: scanned.users, ...pageFields(client, scanned.envelope) };
    return objectsPage(client, JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>);
  });
}

/** What the client throws for an answer that is not 2xx: its GraphError, made from the body the way it makes it. */
async function graphErrorOf(raw: Response): Promise<unknown> {
  // for an answer that is not 2xx the handler throws the body it parsed
  const body = await GraphResponseHandler.getResponse(raw).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  return GraphErrorHandler.getError(body, raw.status, undefined, raw);
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
