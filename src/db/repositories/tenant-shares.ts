import type { Db } from '../database.js';

/**
 * Tenants the operator allows a set of companies to share (group companies with one Entra tenant). Without a
 * share, a connected tenant belongs to one company (enforced by a trigger on directory_connections).
 */
export async function listTenantShare(db: Db, tenantGuid: string): Promise<string[]> {
  const rows = await db
    .selectFrom('tenant_shares')
    .select('company_id')
    .where('tenant_guid', '=', tenantGuid)
    .orderBy('company_id')
    .execute();
  return rows.map((r) => r.company_id);
}

/** Replaces the tenant's set of companies, with its audit row, in one transaction. */
export async function setTenantShare(
  db: Db,
  input: { tenantGuid: string; companyIds: string[]; actor: string },
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('tenant_shares').where('tenant_guid', '=', input.tenantGuid).execute();
    const companyIds = [...new Set(input.companyIds.map((id) => id.toLowerCase()))].sort();
    if (companyIds.length > 0) {
      await trx
        .insertInto('tenant_shares')
        .values(companyIds.map((company_id) => ({ tenant_guid: input.tenantGuid, company_id })))
        .execute();
    }
    await trx
      .insertInto('tenant_share_audit')
      .values({
        tenant_guid: input.tenantGuid,
        action: companyIds.length > 0 ? 'set' : 'delete',
        company_ids: companyIds,
        actor: input.actor,
      })
      .execute();
    return companyIds;
  });
}

export async function tenantShareAudit(db: Db, tenantGuid: string) {
  return db.selectFrom('tenant_share_audit').selectAll().where('tenant_guid', '=', tenantGuid).orderBy('id').execute();
}

/**
 * True when another company holds the tenant (a connected connection) and the two do not share it: the same rule
 * the database trigger enforces, asked beforehand so a new connection can be refused with a clear reason.
 */
export async function tenantHeldByAnotherCompany(db: Db, tenantGuid: string, companyId: string): Promise<boolean> {
  const shared = new Set(await listTenantShare(db, tenantGuid));
  const holders = await db
    .selectFrom('directory_connections')
    .select('company_id')
    .where('tenant_guid', '=', tenantGuid)
    .where('status', '=', 'connected')
    .where('company_id', '<>', companyId)
    .execute();
  return holders.some((h) => !(shared.has(companyId) && shared.has(h.company_id)));
}
