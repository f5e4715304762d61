import type { Context } from 'hono';
import type { Db } from '../../../db/database.js';
import { findCompanyConnection, findConnection } from '../../../db/repositories/connections.js';
import type { AppEnv } from '../../context.js';
import { connectionJson } from '../../schemas/connection.js';
import { ApiError } from '../../errors.js';
import { requireDirectorySync } from '../../module-gate.js';

/** The caller's connection by id: another company's id is 404, so existence never leaks. */
export async function loadOwnConnection(c: Context<AppEnv>, id: string) {
  const companyId = await requireDirectorySync(c);
  const connection = await findCompanyConnection(c.get('deps').db, companyId, id);
  if (!connection) throw ApiError.notFound('connection');
  return connection;
}

/** A connection as the API answers it now (after a check changed it). */
export async function connectionBody(db: Db, connectionId: string) {
  return connectionJson((await findConnection(db, connectionId))!);
}
