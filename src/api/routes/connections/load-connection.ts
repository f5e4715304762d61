import type { Context } from 'hono';
import { findCompanyConnection } from '../../../db/repositories/connections.js';
import type { AppEnv } from '../../context.js';
import { ApiError } from '../../errors.js';
import { requireDirectorySync } from '../../module-gate.js';

/** The caller's connection by id: another company's id is 404, so existence never leaks. */
export async function loadOwnConnection(c: Context<AppEnv>, id: string) {
  const companyId = await requireDirectorySync(c);
  const connection = await findCompanyConnection(c.get('deps').db, companyId, id);
  if (!connection) throw ApiError.notFound('connection');
  return connection;
}
