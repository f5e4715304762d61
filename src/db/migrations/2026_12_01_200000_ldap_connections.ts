import { sql, type Kysely } from 'kysely';

/**
 * Connections to an on-prem Active Directory over LDAP (issue 13): provider 'ldap', with its settings on the
 * connection row (so whoever holds a connection row — the directory-provider factory — can reach the directory):
 * - the URL (ldaps://, or ldap:// with StartTLS; plain LDAP only with ldap_allow_unencrypted), the bind DN or UPN,
 *   the bind password encrypted with SECRETS_KEY (AES-256-GCM, src/crypto/secret-box.ts, bound to the connection
 *   id, so a value copied to another row does not decrypt), an optional CA certificate (PEM) and the base DN;
 * - what the last verification read from the DC (rootDSE facts, users under the base DN) or why it failed.
 *
 * For an ldap connection `tenant_id` holds the base DN, normalised (lower-case, no spaces around separators):
 * "the directory this connection reaches", so the existing unique index keeps one connection per base DN and
 * company. `tenant_guid` stays null (there is no Entra tenant), so the one-company-per-tenant trigger never fires.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table directory_connections drop constraint directory_connections_provider_check;
    alter table directory_connections
      add column ldap_url text,
      add column ldap_bind_dn text,
      add column ldap_bind_password_encrypted text check (ldap_bind_password_encrypted like 'dsx1.%'),
      add column ldap_ca_certificate_pem text,
      add column ldap_base_dn text,
      add column ldap_allow_unencrypted boolean not null default false,
      add column ldap_verification_facts jsonb,
      add column ldap_verified_at timestamptz,
      add constraint directory_connections_provider_check check (provider in ('azure', 'ldap')),
      add constraint directory_connections_ldap_settings check (
        provider <> 'ldap'
        or (ldap_url is not null and ldap_bind_dn is not null and ldap_bind_password_encrypted is not null
            and ldap_base_dn is not null)
      );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from directory_connections where provider = 'ldap';
    alter table directory_connections
      drop constraint directory_connections_ldap_settings,
      drop constraint directory_connections_provider_check,
      drop column ldap_url, drop column ldap_bind_dn, drop column ldap_bind_password_encrypted,
      drop column ldap_ca_certificate_pem, drop column ldap_base_dn, drop column ldap_allow_unencrypted,
      drop column ldap_verification_facts, drop column ldap_verified_at,
      add constraint directory_connections_provider_check check (provider in ('azure'));
  `.execute(db);
}
