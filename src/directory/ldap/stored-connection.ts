/**
 * An ldap connection as stored (a `directory_connections` row with provider 'ldap') turned into what the LDAP
 * client takes: the password decrypted with SECRETS_KEY, in memory only, bound to the connection id (a value
 * copied to another row does not decrypt).
 */
import {
  decryptSecret,
  encryptSecret,
  parseSecretsKey,
  SecretsKeyError,
  type SecretsKey,
} from '../../crypto/secret-box.js';
import type { DirectoryConnection } from '../../db/schema.js';
import type { LdapConnectionOptions } from './options.js';

/** SECRETS_KEY is not set (or not a key): ldap connections cannot keep or use their password. */
export class LdapSecretsUnavailable extends Error {
  override readonly name = 'LdapSecretsUnavailable';
}

export interface LdapSettingsInput {
  url: string;
  bindDn: string;
  bindPassword: string;
  caCertificatePem: string | null;
  allowUnencrypted: boolean;
}

const passwordContext = (connectionId: string) => `ldap-bind-password:${connectionId}`;

export function ldapSecretsKey(secretsKeyText: string | undefined): SecretsKey {
  try {
    return parseSecretsKey(secretsKeyText);
  } catch (error) {
    if (error instanceof SecretsKeyError)
      throw new LdapSecretsUnavailable(
        `LDAP connections keep their bind password encrypted and need SECRETS_KEY on this service: ${error.message}`,
      );
    throw error;
  }
}

export function encryptBindPassword(password: string, secretsKeyText: string | undefined, connectionId: string) {
  return encryptSecret(password, ldapSecretsKey(secretsKeyText), passwordContext(connectionId));
}

/** The options the LDAP client takes: "allow unencrypted" means plain ldap:// (no StartTLS). */
export function ldapClientOptions(input: LdapSettingsInput): LdapConnectionOptions {
  return {
    url: input.url,
    bindDn: input.bindDn,
    bindPassword: input.bindPassword,
    caCertificatePem: input.caCertificatePem,
    startTls: !input.allowUnencrypted,
    allowUnencrypted: input.allowUnencrypted,
  };
}

/** What the LDAP client needs to reach a stored connection, and its base DN. */
export function ldapOptionsOf(
  connection: DirectoryConnection,
  secretsKeyText: string | undefined,
): { connection: LdapConnectionOptions; baseDn: string } {
  if (connection.provider !== 'ldap' || !connection.ldap_url || !connection.ldap_bind_dn || !connection.ldap_base_dn)
    throw new Error(`connection ${connection.id} is not an LDAP connection`);
  const bindPassword = decryptSecret(
    connection.ldap_bind_password_encrypted ?? '',
    ldapSecretsKey(secretsKeyText),
    passwordContext(connection.id),
  );
  return {
    connection: ldapClientOptions({
      url: connection.ldap_url,
      bindDn: connection.ldap_bind_dn,
      bindPassword,
      caCertificatePem: connection.ldap_ca_certificate_pem,
      allowUnencrypted: connection.ldap_allow_unencrypted,
    }),
    baseDn: connection.ldap_base_dn,
  };
}
