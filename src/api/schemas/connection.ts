import { z } from '@hono/zod-openapi';
import { directoryKinds } from '../../directory/provider.js';
import type { DirectoryConnection } from '../../db/schema.js';

export const connectionStatuses = [
  'pending_consent',
  'verifying',
  'connected',
  'consent_denied',
  'consent_expired',
  'consent_revoked',
  'failed',
] as const;

// ---- ldap (issue 13) ----
export const LdapSettingsSchema = z
  .object({
    url: z.string(),
    bindDn: z.string(),
    baseDn: z.string(),
    caCertificate: z.boolean().openapi({ description: 'whether a CA certificate (PEM) is given to trust' }),
    allowUnencrypted: z.boolean(),
    verifiedAt: z.string().nullable(),
    failureReason: z.string().nullable().openapi({
      description:
        'the last verification failure: invalid_credentials, certificate_not_trusted, host_unreachable, base_dn_not_found, …',
    }),
    facts: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: 'what the DC said: dnsHostName, highestCommittedUsn, invocationId, usersUnderBase, …' }),
  })
  .openapi('LdapConnectionSettings');

function ldapJson(s: DirectoryConnection) {
  const facts = s.ldap_verification_facts;
  const failure = facts && typeof facts.failure === 'object' ? (facts.failure as { reason?: string }) : null;
  return {
    url: s.ldap_url ?? '',
    bindDn: s.ldap_bind_dn ?? '',
    baseDn: s.ldap_base_dn ?? '',
    caCertificate: s.ldap_ca_certificate_pem !== null,
    allowUnencrypted: s.ldap_allow_unencrypted,
    verifiedAt: s.ldap_verified_at?.toISOString() ?? null,
    failureReason: failure?.reason ?? null,
    facts: failure ? null : facts,
  };
}
// ---- end ldap ----

export const ConnectionSchema = z
  .object({
    id: z.uuid(),
    provider: z.enum(directoryKinds),
    tenantId: z.string().openapi({
      description:
        'azure: as entered until verified, then the tenant GUID Microsoft confirmed; ldap: the base DN, normalised',
    }),
    designation: z.string().nullable(),
    status: z.enum(connectionStatuses),
    statusReason: z
      .string()
      .nullable()
      .openapi({ description: 'why the connection is not connected, in words a person can act on' }),
    organizationName: z.string().nullable(),
    adminUpn: z.string().nullable().openapi({ description: 'the tenant admin who signed in when it was connected' }),
    verifiedDomains: z.array(z.string()),
    connectedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    ldap: LdapSettingsSchema.nullable().openapi({
      description: 'ldap connections: how it connects (never the password)',
    }),
  })
  .openapi('Connection');

export const ConnectionWithConsentSchema = ConnectionSchema.extend({
  consentUrl: z.url().openapi({
    description: "our confirm page (then Microsoft's admin consent and sign-in): send the tenant's admin there",
  }),
}).openapi('ConnectionWithConsentUrl');

export function connectionJson(c: DirectoryConnection) {
  return {
    id: c.id,
    provider: c.provider,
    tenantId: c.tenant_id,
    designation: c.designation,
    status: c.status,
    statusReason: c.status_reason,
    organizationName: c.organization_name,
    adminUpn: c.admin_upn ?? null,
    verifiedDomains: c.verified_domains,
    connectedAt: c.connected_at?.toISOString() ?? null,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
    // never the password, not even encrypted
    ldap: c.provider === 'ldap' ? ldapJson(c) : null,
  };
}
