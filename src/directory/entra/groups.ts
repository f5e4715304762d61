import type { Client } from '@microsoft/microsoft-graph-client';
import type { DirectoryGroup, GroupLookup } from '../provider.js';
import { classifyGraphError } from './errors.js';
import { findGroups } from './members.js';

/**
 * Checks that a group exists in the tenant and counts its user members (transitively, nested groups flattened)
 * with Graph's `$count` on the user cast — an advanced query, hence `ConsistencyLevel: eventual`.
 */
export async function lookupGroup(client: Client, groupId: string): Promise<GroupLookup> {
  try {
    const group = (await client
      .api(`/groups/${encodeURIComponent(groupId)}`)
      .select('id,displayName')
      .get()) as { id: string; displayName?: string };
    const firstPage = (await client
      .api(`/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user`)
      .headers({ ConsistencyLevel: 'eventual' })
      .query({ $count: 'true' })
      .select('id')
      .top(1)
      .get()) as { '@odata.count'?: number };
    return {
      found: true,
      id: group.id,
      displayName: group.displayName ?? group.id,
      userCount: Number(firstPage['@odata.count'] ?? 0),
    };
  } catch (err) {
    const classified = classifyGraphError(err);
    if (classified.kind === 'not_found')
      return { found: false, reason: 'not_found', message: `group ${groupId} does not exist in the tenant` };
    return { found: false, reason: 'directory_error', message: classified.message };
  }
}

/** Groups whose display name has a word starting with `search`, for the setup form's picker. */
export async function searchGroups(client: Client, search: string): Promise<DirectoryGroup[]> {
  return findGroups(client, search);
}
