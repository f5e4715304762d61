import type { Context } from 'hono';
import type { Db } from '../../../db/database.js';
import { findCompanyConnection, findConnection } from '../../../db/repositories/connections.js';
import { ldapSettingsByConnection } from '../../../db/repositories/ldap-connections.js';
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

/** A connection as the API answers it, with an ldap connection's settings (never its password). */
export async function connectionBody(db: Db, connectionId: string) {
  const connection = (await findConnection(db, connectionId))!;
  return connectionJson(connection, (await ldapSettingsByConnection(db, [connection])).get(connection.id));
}
