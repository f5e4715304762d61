import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { ConnectionStatus } from '../schema.js';
import type { DirectoryKind } from '../../directory/provider.js';

export async function insertConnection(
  db: Db,
  input: { companyId: string; provider: DirectoryKind; tenantId: string; designation: string | null },
) {
  return db
    .insertInto('directory_connections')
    .values({
      company_id: input.companyId,
      provider: input.provider,
      tenant_id: input.tenantId,
      tenant_guid: null,
      designation: input.designation,
      status_reason: null,
      organization_name: null,
      connected_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A company's connection; another company's id finds nothing (the API answers 404, never 403). */
export async function findCompanyConnection(db: Db, companyId: string, connectionId: string) {
  return db
    .selectFrom('directory_connections')
    .selectAll()
    .where('id', '=', connectionId)
    .where('company_id', '=', companyId)
    .executeTakeFirst();
}

export async function findConnection(db: Db, connectionId: string) {
  return db.selectFrom('directory_connections').selectAll().where('id', '=', connectionId).executeTakeFirst();
}

export async function listCompanyConnections(db: Db, companyId: string) {
  return db
    .selectFrom('directory_connections')
    .selectAll()
    .where('company_id', '=', companyId)
    .orderBy('created_at')
    .execute();
}

export async function setConnectionStatus(
  db: Db,
  connectionId: string,
  status: ConnectionStatus,
  reason: string | null,
  options: { onlyFrom?: ConnectionStatus[] } = {},
) {
  let query = db
    .updateTable('directory_connections')
    .set({ status, status_reason: reason, updated_at: sql`now()` })
    .where('id', '=', connectionId);
  if (options.onlyFrom) query = query.where('status', 'in', options.onlyFrom);
  return query.returningAll().executeTakeFirst();
}

/**
 * Marks a connection connected. `admin` is the tenant admin who proved it by signing in (a new connection); a
 * re-check passes none and only succeeds for a connection that has such a proof (`undefined` = no such row).
 * A tenant held by another company fails with the unique violation `directory_connections_one_company_per_tenant`.
 */
export async function markConnectionConnected(
  db: Db,
  connectionId: string,
  input: { tenantGuid: string; organizationName: string; verifiedDomains: string[] },
  admin?: { upn: string; objectId: string },
) {
  let query = db
    .updateTable('directory_connections')
    .set({
      ...(admin ? { admin_upn: admin.upn, admin_object_id: admin.objectId, admin_verified_at: sql`now()` } : {}),
      status: 'connected',
      status_reason: null,
      tenant_guid: input.tenantGuid,
      // normalised to the GUID Microsoft confirmed; the verified domains keep the names
      tenant_id: input.tenantGuid,
      organization_name: input.organizationName,
      verified_domains: JSON.stringify(input.verifiedDomains),
      connected_at: sql`coalesce(connected_at, now())`,
      updated_at: sql`now()`,
    })
    .where('id', '=', connectionId);
  if (!admin) query = query.where('admin_verified_at', 'is not', null);
  return query.returningAll().executeTakeFirst();
}

export async function countSetupsUsingConnection(db: Db, connectionId: string): Promise<number> {
  const row = await db
    .selectFrom('sync_setups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('connection_id', '=', connectionId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteConnection(db: Db, connectionId: string) {
  await db.deleteFrom('directory_connections').where('id', '=', connectionId).execute();
}
