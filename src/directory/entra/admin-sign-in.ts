import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../../config.js';
import { isGuid } from '../../connections/tenant-id.js';

/**
 * The OpenID Connect sign-in that proves a tenant admin approved this connection: authorization code + PKCE
 * through MSAL's ConfidentialClientApplication (our server redeems the code), then the ID token validated here
 * with jose against the tenant's own discovery document and JWKS, and the signed-in user's directory roles.
 */

/**
 * Directory roles that can grant tenant-wide admin consent to an app asking for Microsoft Graph application
 * permissions (role template ids, Microsoft Entra built-in roles reference; "Grant tenant-wide admin consent to an
 * application": "Global Administrator, Privileged Role Administrator, Cloud Application Administrator, or
 * Application Administrator"; the last two cannot grant consent for Microsoft Graph app roles in every case, but
 * they can complete the consent flow for apps — the consent itself is proved separately by the app-only reads).
 */
export const adminConsentRoles: Record<string, string> = {
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  'e8611ab8-c189-46e8-94e1-60213ab1f814': 'Privileged Role Administrator',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': 'Application Administrator',
};

export const signInScopes = ['openid', 'profile'];

export function signInRedirectUri(publicBaseUrl: string): string {
  return `${publicBaseUrl}/consent/signin`;
}

export function hashSecret(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function newPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export class SignInRefused extends Error {
  constructor(
    message: string,
    /** `not_admin`, `wrong_tenant`, `invalid_token`, `microsoft_error`, `not_configured`. */
    readonly kind: string,
  ) {
    super(message);
    this.name = 'SignInRefused';
  }
}

export interface ProvenAdmin {
  upn: string;
  objectId: string;
  tenantGuid: string;
  name: string | null;
  /** The role that lets them grant admin consent, by display name. */
  role: string;
}

function msalConfiguration(config: Config, tenantRef: string): Configuration {
  const identity = config.azure.identity;
  if (!identity)
    throw new SignInRefused(
      'the Azure app identity is not configured on this service (AZURE_CLIENT_ID)',
      'not_configured',
    );
  const authorityHost = config.azure.authorityHost.replace(/\/+$/, '');
  const auth: Configuration['auth'] = {
    clientId: identity.clientId,
    authority: `${authorityHost}/${encodeURIComponent(tenantRef)}`,
    // our own authority host (the simulator, a sovereign cloud): known, so MSAL skips Microsoft's instance discovery
    knownAuthorities: [new URL(authorityHost).host],
  };
  if (identity.clientSecret) {
    auth.clientSecret = identity.clientSecret;
  } else if (identity.certificatePath) {
    const pem = readFileSync(identity.certificatePath, 'utf8');
    const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    const keyPem = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(pem)?.[0];
    if (!certPem || !keyPem)
      throw new SignInRefused(
        'AZURE_CLIENT_CERTIFICATE_PATH must hold the certificate and its private key (PEM)',
        'not_configured',
      );
    const thumbprintSha256 = createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
    auth.clientCertificate = { thumbprintSha256, privateKey: keyPem, x5c: certPem };
  }
  return { auth };
}

/** Microsoft's sign-in URL for this attempt (authorization code + PKCE S256, nonce, our state). */
export async function buildSignInUrl(
  config: Config,
  input: { tenantRef: string; state: string; nonce: string; codeChallenge: string; loginHint?: string },
): Promise<string> {
  const client = new ConfidentialClientApplication(msalConfiguration(config, input.tenantRef));
  return client.getAuthCodeUrl({
    scopes: signInScopes,
    redirectUri: signInRedirectUri(config.publicBaseUrl),
    state: input.state,
    nonce: input.nonce,
    codeChallenge: input.codeChallenge,
    codeChallengeMethod: 'S256',
    responseMode: 'query',
    prompt: 'select_account',
    ...(input.loginHint ? { loginHint: input.loginHint } : {}),
  });
}

/** Redeems the code (with the attempt's PKCE verifier and nonce) for the ID token and a delegated Graph token. */
export async function redeemSignInCode(
  config: Config,
  input: { tenantRef: string; code: string; codeVerifier: string; nonce: string },
): Promise<{ idToken: string; accessToken: string }> {
  const client = new ConfidentialClientApplication(msalConfiguration(config, input.tenantRef));
  try {
    const result = await client.acquireTokenByCode(
      {
        code: input.code,
        scopes: signInScopes,
        redirectUri: signInRedirectUri(config.publicBaseUrl),
        codeVerifier: input.codeVerifier,
      },
      { code: input.code, nonce: input.nonce },
    );
    if (!result.idToken) throw new SignInRefused('Microsoft returned no ID token for the sign-in', 'invalid_token');
    return { idToken: result.idToken, accessToken: result.accessToken };
  } catch (err) {
    if (err instanceof SignInRefused) throw err;
    const e = err as { errorCode?: string; errorMessage?: string; message?: string };
    const text = (e.errorMessage || e.message || String(err)).split(/\r?\n/)[0] ?? '';
    // MSAL wraps Entra's answer ("Error(s): 9002313 - Timestamp: … - Description: AADSTS9002313: … - Trace ID: …")
    const aadsts = /AADSTS\d+:.*?(?=\s+-\s+(?:Trace ID|Correlation ID|Timestamp)|$)/.exec(text)?.[0];
    const detail = (aadsts ?? text).replace(/\.+$/, '');
    throw new SignInRefused(
      `Microsoft refused the sign-in code: ${detail}. Start the connection again.`,
      'microsoft_error',
    );
  }
}

interface Discovery {
  issuer: string;
  jwks_uri: string;
}

async function discover(config: Config, tenantRef: string): Promise<Discovery> {
  const url = `${config.azure.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenantRef)}/v2.0/.well-known/openid-configuration`;
  const response = await fetch(url);
  if (!response.ok)
    throw new SignInRefused(
      `the tenant's OpenID configuration could not be read (HTTP ${response.status})`,
      'invalid_token',
    );
  const body = (await response.json()) as Partial<Discovery>;
  if (typeof body.issuer !== 'string' || typeof body.jwks_uri !== 'string') {
    throw new SignInRefused("the tenant's OpenID configuration names no issuer or jwks_uri", 'invalid_token');
  }
  if (new URL(body.jwks_uri).origin !== new URL(config.azure.authorityHost).origin) {
    throw new SignInRefused('the OpenID configuration points its keys at another host', 'invalid_token');
  }
  return body as Discovery;
}

/**
 * Validates the ID token: RS256 signature by a key of the tenant's JWKS, `iss` of that tenant, `aud` = our client
 * id, unexpired, our nonce, and `tid` = the tenant this connection asked for (its GUID when it was given as one;
 * when it was given as a domain, the tenant the domain's discovery document names).
 */
export async function validateIdToken(
  config: Config,
  input: { idToken: string; tenantRef: string; nonceHash: string },
): Promise<JWTPayload & { tid: string; oid: string }> {
  const clientId = config.azure.identity?.clientId;
  if (!clientId)
    throw new SignInRefused(
      'the Azure app identity is not configured on this service (AZURE_CLIENT_ID)',
      'not_configured',
    );
  const discovery = await discover(config, input.tenantRef);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(input.idToken, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      algorithms: ['RS256'],
      audience: clientId,
      clockTolerance: 60,
    }));
  } catch (err) {
    throw new SignInRefused(`the ID token of the sign-in is not valid (${(err as Error).message})`, 'invalid_token');
  }
  const tid = typeof payload.tid === 'string' ? payload.tid.toLowerCase() : '';
  const expectedTenant = isGuid(input.tenantRef)
    ? input.tenantRef.toLowerCase()
    : /\/([0-9a-f-]{36})\//i.exec(discovery.issuer)?.[1]?.toLowerCase();
  if (!tid || tid !== expectedTenant) {
    throw new SignInRefused(
      `you signed in to tenant ${tid || '(none)'}, but this connection is for tenant ${input.tenantRef}: sign in with an admin account of that tenant`,
      'wrong_tenant',
    );
  }
  if (payload.iss !== discovery.issuer) {
    throw new SignInRefused(
      `the ID token was issued by ${String(payload.iss)}, not by tenant ${input.tenantRef} (${discovery.issuer})`,
      'wrong_tenant',
    );
  }
  if (typeof payload.nonce !== 'string' || hashSecret(payload.nonce) !== input.nonceHash) {
    throw new SignInRefused(
      'the ID token does not belong to this sign-in (nonce mismatch); start the connection again',
      'invalid_token',
    );
  }
  if (typeof payload.oid !== 'string') throw new SignInRefused('the ID token names no user (oid)', 'invalid_token');
  return payload as JWTPayload & { tid: string; oid: string };
}

/**
 * The admin role of the signed-in user: from the `wids` claim, or — when the app registration does not emit it
 * (groupMembershipClaims without directory roles) — from Graph with the delegated token
 * (GET /me/transitiveMemberOf/microsoft.graph.directoryRole).
 */
export async function adminRoleOf(config: Config, claims: JWTPayload, delegatedToken: string): Promise<string | null> {
  if (Array.isArray(claims.wids)) {
    const role = claims.wids.map((id) => adminConsentRoles[String(id).toLowerCase()]).find(Boolean);
    return role ?? null;
  }
  const url = `${config.azure.graphBaseUrl.replace(/\/+$/, '')}/v1.0/me/transitiveMemberOf/microsoft.graph.directoryRole?$select=roleTemplateId,displayName`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${delegatedToken}` } });
  if (!response.ok) {
    throw new SignInRefused(
      `your directory roles could not be read (the ID token has no wids claim and Graph answered ${response.status}); ` +
        "add directory roles to the app registration's groupMembershipClaims, or grant the delegated User.Read permission",
      'not_admin',
    );
  }
  const body = (await response.json()) as { value?: { roleTemplateId?: string }[] };
  const role = (body.value ?? []).map((r) => adminConsentRoles[String(r.roleTemplateId).toLowerCase()]).find(Boolean);
  return role ?? null;
}

/** The whole proof: redeem, validate, role. Throws SignInRefused with a reason a person can act on. */
export async function proveTenantAdmin(
  config: Config,
  input: { tenantRef: string; code: string; codeVerifier: string; nonceHash: string; nonce?: string },
): Promise<ProvenAdmin> {
  const { idToken, accessToken } = await redeemSignInCode(config, {
    tenantRef: input.tenantRef,
    code: input.code,
    codeVerifier: input.codeVerifier,
    nonce: input.nonce ?? '',
  });
  const claims = await validateIdToken(config, { idToken, tenantRef: input.tenantRef, nonceHash: input.nonceHash });
  const upn = String(claims.preferred_username ?? claims.upn ?? claims.email ?? claims.oid);
  const role = await adminRoleOf(config, claims, accessToken);
  if (!role) {
    throw new SignInRefused(
      `${upn} holds no directory role that can grant tenant-wide admin consent (Global Administrator, Privileged Role Administrator, ` +
        'Cloud Application Administrator or Application Administrator); ask an admin of the tenant to connect it',
      'not_admin',
    );
  }
  return {
    upn,
    objectId: claims.oid.toLowerCase(),
    tenantGuid: claims.tid.toLowerCase(),
    name: typeof claims.name === 'string' ? claims.name : null,
    role,
  };
}
