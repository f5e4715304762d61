import { sql } from 'kysely';
import type { Db } from '../database.js';

export interface NewLdapConnection {
  id: string;
  companyId: string;
  designation: string | null;
  /** The base DN normalised: stored as the connection's tenant_id (one connection per base DN and company). */
  directoryKey: string;
  url: string;
  bindDn: string;
  bindPasswordEncrypted: string;
  caCertificatePem: string | null;
  baseDn: string;
  allowUnencrypted: boolean;
}

/** The connection (status `verifying`) and its settings, in one transaction. */
export async function insertLdapConnection(db: Db, input: NewLdapConnection) {
  return db.transaction().execute(async (trx) => {
    const connection = await trx
      .insertInto('directory_connections')
      .values({
        id: input.id,
        company_id: input.companyId,
        provider: 'ldap',
        tenant_id: input.directoryKey,
        tenant_guid: null,
        designation: input.designation,
        status: 'verifying',
        status_reason: null,
        organization_name: null,
        connected_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('ldap_connection_settings')
      .values({
        connection_id: input.id,
        url: input.url,
        bind_dn: input.bindDn,
        bind_password_encrypted: input.bindPasswordEncrypted,
        ca_certificate_pem: input.caCertificatePem,
        base_dn: input.baseDn,
        allow_unencrypted: input.allowUnencrypted,
      })
      .execute();
    return connection;
  });
}

export async function findLdapSettings(db: Db, connectionId: string) {
  return db
    .selectFrom('ldap_connection_settings')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
}

/** A verification that reached the directory: the connection is connected, with what the DC said. */
export async function markLdapConnectionVerified(
  db: Db,
  connectionId: string,
  input: { organizationName: string; domains: string[]; facts: Record<string, unknown> },
) {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('ldap_connection_settings')
      .set({ verification_facts: JSON.stringify(input.facts), verified_at: sql`now()`, updated_at: sql`now()` })
      .where('connection_id', '=', connectionId)
      .execute();
    return trx
      .updateTable('directory_connections')
      .set({
        status: 'connected',
        status_reason: null,
        organization_name: input.organizationName,
        verified_domains: JSON.stringify(input.domains),
        connected_at: sql`coalesce(connected_at, now())`,
        updated_at: sql`now()`,
      })
      .where('id', '=', connectionId)
      .where('provider', '=', 'ldap')
      .returningAll()
      .executeTakeFirst();
  });
}

/** A verification that failed: the connection is failed with the reason; the failure's class kept for the API. */
export async function markLdapConnectionFailed(
  db: Db,
  connectionId: string,
  input: { reason: string; failure: { reason: string; resultCode: number | null } },
) {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('ldap_connection_settings')
      .set({ verification_facts: JSON.stringify({ failure: input.failure }), updated_at: sql`now()` })
      .where('connection_id', '=', connectionId)
      .execute();
    return trx
      .updateTable('directory_connections')
      .set({ status: 'failed', status_reason: input.reason, updated_at: sql`now()` })
      .where('id', '=', connectionId)
      .returningAll()
      .executeTakeFirst();
  });
}

/** The settings of those of `connections` that are ldap connections, by connection id. */
export async function ldapSettingsByConnection(db: Db, connections: readonly { id: string; provider: string }[]) {
  const ids = connections.filter((c) => c.provider === 'ldap').map((c) => c.id);
  if (ids.length === 0) return new Map<string, Awaited<ReturnType<typeof findLdapSettings>> & object>();
  const rows = await db.selectFrom('ldap_connection_settings').selectAll().where('connection_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.connection_id, r]));
}
