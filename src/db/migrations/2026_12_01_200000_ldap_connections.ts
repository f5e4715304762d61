import { sql, type Kysely } from 'kysely';

/**
 * Connections to an on-prem Active Directory over LDAP (issue 13). A connection row keeps what every provider
 * has (company, status and its reason, when it was connected); what only LDAP has lives in
 * `ldap_connection_settings`, one row per ldap connection:
 * - the URL (ldaps://, or ldap:// with StartTLS; plain LDAP only with allow_unencrypted), the bind DN or UPN,
 *   the bind password encrypted with SECRETS_KEY (AES-256-GCM, src/crypto/secret-box.ts, bound to the connection
 *   id, so a value copied to another row does not decrypt), an optional CA certificate (PEM) and the base DN;
 * - what the last verification read from the DC (rootDSE facts, users under the base DN), for the admin page.
 *
 * For an ldap connection `tenant_id` holds the base DN, normalised (lower-case, no spaces around separators):
 * "the directory this connection reaches", so the existing unique index keeps one connection per base DN and
 * company. `tenant_guid` stays null (there is no Entra tenant), so the one-company-per-tenant trigger never fires.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table directory_connections drop constraint directory_connections_provider_check;
    alter table directory_connections add constraint directory_connections_provider_check
      check (provider in ('azure', 'ldap'));

    create table ldap_connection_settings (
      connection_id uuid primary key references directory_connections(id) on delete cascade,
      url text not null,
      bind_dn text not null,
      bind_password_encrypted text not null check (bind_password_encrypted like 'dsx1.%'),
      ca_certificate_pem text,
      base_dn text not null,
      allow_unencrypted boolean not null default false,
      verification_facts jsonb,
      verified_at timestamptz,
      updated_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists ldap_connection_settings;
    delete from directory_connections where provider = 'ldap';
    alter table directory_connections drop constraint directory_connections_provider_check;
    alter table directory_connections add constraint directory_connections_provider_check
      check (provider in ('azure'));
  `.execute(db);
}
