import type { Client } from '@microsoft/microsoft-graph-client';
import type { TokenCredential } from '@azure/identity';
import { classifyGraphError, type DirectoryErrorKind } from './errors.js';

/**
 * Verifying a tenant after admin consent, and re-checking it later. Never trusts the `tenant` query parameter of
 * the consent callback: a client-credentials token for the requested tenant plus GET /organization tell us which
 * tenant really granted access, and one real read per permission proves the grants.
 */
export interface VerifiedTenant {
  tenantGuid: string;
  organizationName: string;
  verifiedDomains: string[];
}

export type VerificationResult =
  | { ok: true; tenant: VerifiedTenant }
  | { ok: false; kind: DirectoryErrorKind | 'wrong_tenant' | 'not_configured'; reason: string };

export const graphScope = 'https://graph.microsoft.com/.default';

/** The permissions the sync needs, each proven by the read that needs it. */
const permissionProbes = [
  { permission: 'GroupMember.Read.All', path: '/groups', select: 'id' },
  { permission: 'User.Read.All', path: '/users', select: 'id,mail' },
] as const;

function reasonFor(kind: DirectoryErrorKind, tenant: string, detail: string): string {
  switch (kind) {
    case 'tenant_not_found':
      return `tenant '${tenant}' was not found in Microsoft Entra ID: check the tenant ID (${detail})`;
    case 'consent_missing_or_revoked':
      return `the app has no admin consent in tenant '${tenant}' (it was not granted, was revoked, or the app was removed): grant consent again (${detail})`;
    case 'invalid_client':
      return `Microsoft rejected this service's app credentials: check AZURE_CLIENT_ID and its secret or certificate (${detail})`;
    case 'forbidden':
      return `a permission is missing: ${detail}`;
    default:
      return detail;
  }
}

/** Errors worth a retry are rethrown (the activity retries them); the rest become a result a person can act on. */
function failure(err: unknown, tenant: string, what: string): VerificationResult {
  const classified = classifyGraphError(err);
  if (classified.kind === 'transient' || classified.kind === 'throttled') throw err;
  const detail = classified.kind === 'forbidden' ? what : classified.message;
  return { ok: false, kind: classified.kind, reason: reasonFor(classified.kind, tenant, detail) };
}

export async function verifyTenant(input: {
  client: Client;
  credential: TokenCredential;
  requestedTenant: string;
  /** The tenant the consent callback named, checked against what Microsoft answers. */
  consentedTenant?: string;
}): Promise<VerificationResult> {
  const { client, credential, requestedTenant } = input;
  try {
    await credential.getToken(graphScope);
  } catch (err) {
    return failure(err, requestedTenant, 'token request');
  }

  let organization: { id: string; displayName?: string; verifiedDomains?: { name: string }[] } | undefined;
  try {
    const response = await client.api('/organization').select('id,displayName,verifiedDomains').get();
    organization = response?.value?.[0];
  } catch (err) {
    return failure(
      err,
      requestedTenant,
      'Organization.Read.All is needed to read the organisation (GET /organization answered 403)',
    );
  }
  if (!organization?.id) return { ok: false, kind: 'unknown', reason: 'GET /organization returned no organisation' };
  const tenantGuid = organization.id.toLowerCase();
  const verifiedDomains = (organization.verifiedDomains ?? []).map((d) => d.name.toLowerCase());

  const requested = requestedTenant.toLowerCase();
  const requestedMatches = requested === tenantGuid || verifiedDomains.includes(requested);
  if (!requestedMatches) {
    return {
      ok: false,
      kind: 'wrong_tenant',
      reason: `wrong tenant: '${requestedTenant}' resolved to tenant ${tenantGuid} (${organization.displayName ?? 'unnamed'}), which does not claim that name`,
    };
  }
  if (input.consentedTenant && input.consentedTenant.toLowerCase() !== tenantGuid) {
    return {
      ok: false,
      kind: 'wrong_tenant',
      reason: `wrong tenant: consent was given in tenant ${input.consentedTenant}, but this connection is for tenant ${tenantGuid} (${organization.displayName ?? requestedTenant}); sign in to the right tenant and grant consent again`,
    };
  }

  for (const probe of permissionProbes) {
    try {
      await client.api(probe.path).select(probe.select).top(1).get();
    } catch (err) {
      return failure(
        err,
        requestedTenant,
        `the app needs the application permission ${probe.permission} with admin consent (GET ${probe.path} answered 403)`,
      );
    }
  }
  return {
    ok: true,
    tenant: { tenantGuid, organizationName: organization.displayName ?? tenantGuid, verifiedDomains },
  };
}
