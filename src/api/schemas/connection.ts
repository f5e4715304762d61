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

export const ConnectionSchema = z
  .object({
    id: z.uuid(),
    provider: z.enum(directoryKinds),
    tenantId: z
      .string()
      .openapi({ description: 'as entered until verified; then the tenant GUID Microsoft confirmed' }),
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
  };
}
