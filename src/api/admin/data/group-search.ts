import type { Context } from 'hono';
import { z } from 'zod';
import { findCompanyConnection } from '../../../db/repositories/connections.js';
import { directoryProviderFor } from '../../../directory/factory.js';
import type { AdminEnv } from '../env.js';
import type { GroupSearchResult } from '../pages/setup-form.js';

export type GroupSearchOutcome = { search: GroupSearchResult } | { fieldError: string } | { failure: string };

/** Groups of the connection's directory whose name starts with the query, for the setup form. */
export async function searchTenantGroups(
  c: Context<AdminEnv>,
  connectionId: string,
  query: string,
): Promise<GroupSearchOutcome> {
  const t = c.get('t');
  const deps = c.get('deps');
  const connection = z.uuid().safeParse(connectionId).success
    ? await findCompanyConnection(deps.db, c.get('company').id, connectionId)
    : undefined;
  if (connection?.status !== 'connected') return { fieldError: t.setupForm.errors.searchNeedsConnection };
  const directory = directoryProviderFor(deps, connection);
  try {
    return { search: { query, groups: await directory.searchGroups(query.slice(0, 100)) } };
  } catch (err) {
    return { failure: t.errors.upstream(directory.classify(err).message) };
  }
}
