import type { Client } from '@microsoft/microsoft-graph-client';
import { checkedLink } from './links.js';

/**
 * Graph delta queries (users and groups). Query parameters are fixed by the first call and carried inside the
 * opaque tokens, so a stored link is all that is needed to resume. `$deltatoken=latest` yields a "from now on"
 * link without reading the current state (we read that ourselves, with transitiveMembers).
 */
export interface DeltaPage {
  value: Record<string, unknown>[];
  nextLink: string | null;
  deltaLink: string | null;
}

/** Follows a delta link (or a first request) through its nextLinks to the new deltaLink, page by page. */
export async function* pageDelta(client: Client, url: string): AsyncGenerator<DeltaPage> {
  // A stored link is absolute (Graph's own); a first request is a path of ours.
  let next: string | null = /^[a-z][a-z0-9+.-]*:/i.test(url) ? checkedLink(client, url) : url;
  while (next) {
    const response = (await client.api(next).get()) as { value?: Record<string, unknown>[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
    // Both links are checked before they are followed or stored as the next delta state.
    const page: DeltaPage = { value: response.value ?? [], nextLink: checkedLink(client, response['@odata.nextLink']), deltaLink: checkedLink(client, response['@odata.deltaLink']) };
    yield page;
    next = page.nextLink;
  }
}

/** `/groups/delta` accepts at most 50 ids in `$filter=id eq '…' or …`. */
export const groupDeltaFilterLimit = 50;

function idFilter(ids: readonly string[]): string {
  return ids.map((id) => `id eq '${id.replace(/'/g, "''")}'`).join(' or ');
}

export async function latestDeltaLink(client: Client, resource: 'users' | 'groups', options: { select: readonly string[]; ids?: readonly string[] }): Promise<string> {
  let request = client.api(`/${resource}/delta`).select(options.select.join(',')).query({ $deltatoken: 'latest' });
  if (options.ids?.length) request = request.filter(idFilter(options.ids));
  const response = (await request.get()) as { '@odata.deltaLink'?: string };
  const link = checkedLink(client, response['@odata.deltaLink']);
  if (!link) throw new Error(`/${resource}/delta with $deltatoken=latest returned no deltaLink`);
  return link;
}

/** The ids of every group nested (at any depth) in a group. */
export async function nestedGroupIds(client: Client, groupId: string): Promise<string[]> {
  const ids: string[] = [];
  let url: string | null = `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.group?$select=id&$top=999&$count=true`;
  while (url) {
    const response = (await client.api(url).headers({ ConsistencyLevel: 'eventual' }).get()) as { value?: { id: string }[]; '@odata.nextLink'?: string };
    ids.push(...(response.value ?? []).map((g) => g.id));
    url = checkedLink(client, response['@odata.nextLink']);
  }
  return ids;
}

/** Which of these users are still (transitively) members of the group: Graph's checkMemberGroups, one call each. */
export async function stillMembers(client: Client, groupId: string, userIds: readonly string[]): Promise<Set<string>> {
  const still = new Set<string>();
  for (const userId of userIds) {
    const response = (await client.api(`/users/${encodeURIComponent(userId)}/checkMemberGroups`).post({ groupIds: [groupId] })) as { value?: string[] };
    if ((response.value ?? []).map((v) => v.toLowerCase()).includes(groupId.toLowerCase())) still.add(userId);
  }
  return still;
}

export function isGroupMemberRemoved(member: Record<string, unknown>): boolean {
  return member['@removed'] !== undefined;
}

export function isGroupObject(member: Record<string, unknown>): boolean {
  return String(member['@odata.type'] ?? '').toLowerCase().endsWith('.group');
}
