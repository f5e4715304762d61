import type { Config } from '../config.js';
import { directoryClientFor } from '../connections/directory-client.js';
import { classifyGraphError } from '../graph/errors.js';
import { findGroups, type FoundGroup } from '../graph/members.js';
import type { Logger } from '../logger.js';

export type GroupLookup =
  | { found: true; id: string; displayName: string; userCount: number }
  | { found: false; reason: 'not_found' | 'directory_error'; message: string };

/**
 * Checks that a group exists in the tenant and counts its user members (transitively, nested groups flattened)
 * with Graph's `$count` on the user cast — an advanced query, hence `ConsistencyLevel: eventual`.
 */
export async function lookupGroup(
  config: Config,
  tenantId: string,
  groupId: string,
  logger?: Logger,
): Promise<GroupLookup> {
  const { client } = directoryClientFor(config, tenantId, logger);
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

export async function searchGroups(
  config: Config,
  tenantId: string,
  search: string,
  logger?: Logger,
): Promise<FoundGroup[]> {
  const { client } = directoryClientFor(config, tenantId, logger);
  return findGroups(client, search);
}
