import type { Context } from 'hono';
import { z } from 'zod';
import { findCompanyConnection } from '../../../db/repositories/connections.js';
import { findCompanyRun } from '../../../db/repositories/run-history.js';
import { findCompanySetup } from '../../../db/repositories/setups.js';
import { ApiError } from '../../errors.js';
import type { AdminEnv } from '../env.js';

const uuid = z.uuid();

/**
 * The signed-in company's connection, setup or run by the id in the URL. Another company's id (or no valid id
 * at all) is 404, the same as an id that does not exist, so nothing leaks.
 */
async function own<T>(
  c: Context<AdminEnv>,
  what: string,
  id: string,
  find: (companyId: string, id: string) => Promise<T | undefined>,
): Promise<T> {
  const row = uuid.safeParse(id).success ? await find(c.get('company').id, id) : undefined;
  if (!row) throw ApiError.notFound(what);
  return row;
}

export function ownConnection(c: Context<AdminEnv>, id: string) {
  return own(c, 'connection', id, (companyId, connectionId) =>
    findCompanyConnection(c.get('deps').db, companyId, connectionId),
  );
}

export function ownSetup(c: Context<AdminEnv>, id: string) {
  return own(c, 'setup', id, (companyId, setupId) => findCompanySetup(c.get('deps').db, companyId, setupId));
}

export function ownRun(c: Context<AdminEnv>, id: string) {
  return own(c, 'run', id, (companyId, runId) => findCompanyRun(c.get('deps').db, companyId, runId));
}
