/**
 * Connections to an on-prem Active Directory over LDAP: the input checked field by field before anything is
 * stored, the bind password encrypted at rest (SECRETS_KEY, bound to the connection id), and the verification
 * the connection-check workflow runs (TLS, bind, rootDSE, base DN, users under it) with a reason a person can
 * act on. A new ldap connection starts in `verifying` and the check makes it `connected` or `failed`: the same
 * lifecycle as an Entra connection after its consent, without the consent.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import { isUniqueViolation } from '../db/errors.js';
import { ConnectionInputRefused, DirectoryAlreadyConnected, SecretsKeyMissing } from '../domain/errors.js';
import { checkConnectionNow } from './check-now.js';
import type { Db } from '../db/database.js';
import {
  insertLdapConnection,
  markLdapConnectionFailed,
  markLdapConnectionVerified,
} from '../db/repositories/ldap-connections.js';
import type { DirectoryConnection } from '../db/schema.js';
import { encryptBindPassword, ldapClientOptions, LdapSecretsUnavailable } from '../directory/ldap/stored-connection.js';

import { DnSyntaxError, normaliseDn, parseDn } from '../sync/dn.js';
import { LdapError, resolveLdapOptions } from '../directory/ldap/index.js';
import type { ConnectionVerification } from '../directory/provider.js';
import type { Logger } from '../logger.js';

export interface LdapConnectionInput {
  url: string;
  bindDn: string;
  bindPassword: string;
  caCertificatePem: string | null;
  baseDn: string;
  allowUnencrypted: boolean;
  designation: string | null;
}

/** Checks the input as the client would use it; throws ConnectionInputRefused naming the first field at fault. */
export function checkLdapInput(input: LdapConnectionInput): { normalisedBaseDn: string } {
  try {
    resolveLdapOptions(ldapClientOptions(input));
  } catch (error) {
    if (error instanceof LdapError) throw new ConnectionInputRefused(error.field ?? 'url', error.message);
    throw error;
  }
  try {
    if (parseDn(input.baseDn).length === 0)
      throw new ConnectionInputRefused('baseDn', 'is required: the DN the users are under, e.g. DC=contoso,DC=com');
  } catch (error) {
    if (error instanceof DnSyntaxError) throw new ConnectionInputRefused('baseDn', error.message);
    throw error;
  }
  return { normalisedBaseDn: normaliseDn(input.baseDn) };
}

/**
 * The use case both edges share: stores a new ldap connection in `verifying`, its password encrypted, then runs
 * its check (connected or failed, with the reason). Refusals are domain errors: a field the client cannot use,
 * a base DN the company has connected already, no SECRETS_KEY.
 */
export async function createLdapConnection(
  deps: { db: Db; temporal: Client; config: Config },
  input: LdapConnectionInput & { companyId: string },
): Promise<DirectoryConnection> {
  let connection: DirectoryConnection;
  try {
    connection = await storeLdapConnection(deps.db, deps.config.notifications.secretsKey, input);
  } catch (err) {
    if (err instanceof LdapSecretsUnavailable) throw new SecretsKeyMissing(err.message);
    if (isUniqueViolation(err, 'directory_connections_one_per_tenant')) throw new DirectoryAlreadyConnected('baseDn');
    throw err;
  }
  await checkConnectionNow(deps, connection.id);
  return connection;
}

/** Stores a new ldap connection in `verifying`, its password encrypted; the caller starts the check. */
async function storeLdapConnection(
  db: Db,
  secretsKeyText: string | undefined,
  input: LdapConnectionInput & { companyId: string },
) {
  const { normalisedBaseDn } = checkLdapInput(input);
  const id = randomUUID();
  return insertLdapConnection(db, {
    id,
    companyId: input.companyId,
    designation: input.designation,
    directoryKey: normalisedBaseDn,
    url: input.url.trim(),
    bindDn: input.bindDn.trim(),
    bindPasswordEncrypted: encryptBindPassword(input.bindPassword, secretsKeyText, id),
    caCertificatePem: input.caCertificatePem?.trim() || null,
    baseDn: input.baseDn.trim(),
    allowUnencrypted: input.allowUnencrypted,
  });
}

/** The DNS domain a base DN names (DC=contoso,DC=test → contoso.test); null when it has no DC parts. */
export function domainOfDn(dn: string): string | null {
  const parts = parseDn(dn)
    .flat()
    .filter((p) => p.type.toLowerCase() === 'dc')
    .map((p) => p.value.toLowerCase());
  return parts.length > 0 ? parts.join('.') : null;
}

export interface LdapCheckOutcome {
  status: 'connected' | 'failed';
  reason: string | null;
  organizationName?: string;
}

const asText = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Records what the provider's verification of an ldap connection found: connected, named by the domain its base
 * DN is in (DC=contoso,DC=test → contoso.test), with the DC's facts; or failed with the reason, and its class
 * (invalid_credentials, certificate_not_trusted, host_unreachable, base_dn_not_found…) for the admin pages.
 */
export async function recordLdapVerification(
  deps: { db: Db; logger: Logger },
  connection: DirectoryConnection,
  verification: ConnectionVerification,
): Promise<LdapCheckOutcome> {
  if (!verification.ok) {
    const reason = verification.reason;
    await markLdapConnectionFailed(deps.db, connection.id, {
      reason,
      failure: { reason: verification.kind, resultCode: null },
    });
    deps.logger.warn({ connectionId: connection.id, reason: verification.kind }, 'ldap connection verification failed');
    return { status: 'failed', reason };
  }
  const facts = verification.facts;
  const domain = domainOfDn(asText(facts.defaultNamingContext) ?? connection.ldap_base_dn ?? '');
  const organizationName = domain ?? asText(facts.dnsHostName) ?? connection.tenant_id;
  const row = await markLdapConnectionVerified(deps.db, connection.id, {
    organizationName,
    domains: domain ? [domain] : [],
    facts,
  });
  deps.logger.info(
    { connectionId: connection.id, dc: facts.dnsHostName, usersUnderBase: facts.usersUnderBase },
    'ldap connection verified',
  );
  return row ? { status: 'connected', reason: null, organizationName } : { status: 'failed', reason: 'gone' };
}
