import type { Context } from 'hono';
import { z } from 'zod';
import { findCompanyConnection } from '../../../db/repositories/connections.js';
import { classifyGraphError } from '../../../graph/errors.js';
import { searchGroups } from '../../../setups/directory-groups.js';
import type { AdminEnv } from '../env.js';
import type { GroupSearchResult } from '../pages/setup-form.js';
import { limits } from '../../../domain/rules.js';

export type GroupSearchOutcome = { search: GroupSearchResult } | { fieldError: string } | { failure: string };

/** Groups of the connection's tenant whose name starts with the query (Graph $search), for the setup form. */
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
  try {
    return {
      search: {
        query,
        groups: await searchGroups(deps.config, connection.tenant_id, query.slice(0, limits.groupSearch), deps.logger),
      },
    };
  } catch (err) {
    return { failure: t.errors.upstream(classifyGraphError(err).message) };
  }
}
