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

/** A new ldap connection in `verifying` (its id chosen by the caller: the encrypted password is bound to it). */
export async function insertLdapConnection(db: Db, input: NewLdapConnection) {
  return db
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
      ldap_url: input.url,
      ldap_bind_dn: input.bindDn,
      ldap_bind_password_encrypted: input.bindPasswordEncrypted,
      ldap_ca_certificate_pem: input.caCertificatePem,
      ldap_base_dn: input.baseDn,
      ldap_allow_unencrypted: input.allowUnencrypted,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A verification that reached the directory: the connection is connected, with what the DC said. */
export async function markLdapConnectionVerified(
  db: Db,
  connectionId: string,
  input: { organizationName: string; domains: string[]; facts: Record<string, unknown> },
) {
  return db
    .updateTable('directory_connections')
    .set({
      status: 'connected',
      status_reason: null,
      organization_name: input.organizationName,
      verified_domains: JSON.stringify(input.domains),
      ldap_verification_facts: JSON.stringify(input.facts),
      ldap_verified_at: sql`now()`,
      connected_at: sql`coalesce(connected_at, now())`,
      updated_at: sql`now()`,
    })
    .where('id', '=', connectionId)
    .where('provider', '=', 'ldap')
    .returningAll()
    .executeTakeFirst();
}

/** A verification that failed: the connection is failed with the reason; the failure's class kept for the pages. */
export async function markLdapConnectionFailed(
  db: Db,
  connectionId: string,
  input: { reason: string; failure: { reason: string; resultCode: number | null } },
) {
  return db
    .updateTable('directory_connections')
    .set({
      status: 'failed',
      status_reason: input.reason,
      ldap_verification_facts: JSON.stringify({ failure: input.failure }),
      updated_at: sql`now()`,
    })
    .where('id', '=', connectionId)
    .where('provider', '=', 'ldap')
    .returningAll()
    .executeTakeFirst();
}
