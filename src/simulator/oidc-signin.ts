import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { AppRegistration } from './apps.js';
import { memberUserTemplateId, roleDisplayName } from './directory-roles.js';
import { aadsts, type AadstsError } from './entra-errors.js';
import type { GraphEnv } from './graph-api.js';
import type { SimUser } from './model.js';
import type { SimulatorRuntime } from './runtime.js';
import type { Tenant } from './tenant.js';

/**
 * The OpenID Connect sign-in of Microsoft's identity platform, authorization-code flow with PKCE
 * (entra-docs: docs/identity-platform/v2-oauth2-auth-code-flow.md, v2-protocols-oidc.md):
 *
 *   GET /{tenant}/oauth2/v2.0/authorize?client_id&response_type=code&redirect_uri&scope=openid…&state&nonce
 *       &code_challenge&code_challenge_method=S256
 *   → the sign-in page (here: pick one of the tenant's users) → 302 redirect_uri?code=…&state=…&session_state=…
 *   POST /{tenant}/oauth2/v2.0/token grant_type=authorization_code&code&redirect_uri&code_verifier&client_secret
 *   → { token_type, scope, expires_in, access_token, id_token, client_info }
 *
 * Codes are one-time and short-lived ("Authorization codes are short lived, typically expiring after about
 * 1 minute" — the doc says 10 minutes at most; here 10 minutes), bound to client, redirect URI and PKCE challenge.
 */
export interface AuthorizationCode {
  tenantId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  nonce: string | undefined;
  userId: string;
  scopes: string[];
  expiresAt: number;
  redeemed: boolean;
}

const codeLifetimeMs = 10 * 60_000;
const multiTenantAliases = new Set(['common', 'organizations']);
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** One-time codes the authorize endpoint issued, by code (kept as long as the simulator runs). */
export class AuthorizationCodes {
  private readonly codes = new Map<string, AuthorizationCode>();

  issue(input: Omit<AuthorizationCode, 'expiresAt' | 'redeemed'>): string {
    const code = `1.A${randomBytes(48).toString('base64url')}`;
    this.codes.set(code, { ...input, expiresAt: Date.now() + codeLifetimeMs, redeemed: false });
    for (const [key, value] of this.codes) if (value.expiresAt < Date.now() - codeLifetimeMs) this.codes.delete(key);
    return code;
  }

  find(code: string): AuthorizationCode | undefined {
    return this.codes.get(code);
  }
}

export class OAuthError extends Error {
  constructor(readonly failure: AadstsError) {
    super(failure.description);
  }
}

function errorPage(c: Context<GraphEnv>, failure: AadstsError): Response {
  return c.html(
    `<!doctype html><html><head><meta charset="utf-8"><title>Sign in to your account</title></head><body>` +
      `<h1>Sorry, but we're having trouble signing you in.</h1><p id="error">AADSTS${failure.code}: ${escapeHtml(failure.description)}</p></body></html>`,
    failure.status,
  );
}

function redirectUriAllowed(app: AppRegistration, uri: string): boolean {
  return app.redirectUris === 'any' ? /^https?:\/\/[^\s]+$/i.test(uri) : app.redirectUris.includes(uri);
}

interface AuthorizeRequest {
  tenant: Tenant;
  app: AppRegistration;
  fields: Record<string, string>;
}

/** The users a sign-in page offers: admins first, then the others (at most 50, as a picker, not a directory). */
function signInChoices(runtime: SimulatorRuntime, tenant: Tenant): { user: SimUser; roles: string[] }[] {
  const users = [...tenant.users.values()].filter((u) => !u.deletedDateTime && u.accountEnabled);
  const withRoles = users.map((user) => ({ user, roles: runtime.world.roles.of(tenant.id, user.id) }));
  withRoles.sort(
    (a, b) => b.roles.length - a.roles.length || a.user.userPrincipalName.localeCompare(b.user.userPrincipalName),
  );
  return withRoles.slice(0, 50);
}

function signInPage(runtime: SimulatorRuntime, request: AuthorizeRequest): string {
  const hidden = Object.entries(request.fields)
    .filter(([name]) => name !== 'user')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const choices = signInChoices(runtime, request.tenant)
    .map(
      ({ user, roles }) =>
        `<li><button type="submit" name="user" value="${user.id}" data-upn="${escapeHtml(user.userPrincipalName)}">` +
        `${escapeHtml(user.displayName)} <small>${escapeHtml(user.userPrincipalName)}</small></button>` +
        `<span class="roles">${escapeHtml(roles.map(roleDisplayName).join(', '))}</span></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}li{margin:.4rem 0}
button{font-size:1rem;padding:.4rem 1rem}.roles{margin-left:.5rem;color:#555}</style></head>
<body>
<p>Entra ID simulator · <span id="tenant-name">${escapeHtml(request.tenant.displayName)}</span></p>
<h1>Pick an account</h1>
<p><strong id="app-name">${escapeHtml(request.app.displayName)}</strong> asks you to sign in.</p>
<form method="post" id="sign-in-form">${hidden}
<ul id="accounts">${choices || '<li>No accounts in this tenant.</li>'}</ul>
</form>
</body></html>`;
}

/** `/{tenant}/oauth2/v2.0/authorize` (GET shows the sign-in page, POST is the account picked there). */
export function registerAuthorize(app: Hono<GraphEnv>, runtime: SimulatorRuntime): void {
  const read = (c: Context<GraphEnv>, fields: Record<string, string>): AuthorizeRequest | Response => {
    const tenantRef = c.req.param('tenant') as string;
    const chosen = multiTenantAliases.has(tenantRef.toLowerCase())
      ? (fields.tenant ?? runtime.demo.tenantId)
      : tenantRef;
    const tenant = runtime.world.directory.resolve(chosen);
    if (!tenant) return errorPage(c, aadsts.tenantNotFound(chosen));
    if (!fields.client_id) return errorPage(c, aadsts.missingParameter('client_id'));
    const registered = runtime.world.apps.find(fields.client_id);
    if (!registered) return errorPage(c, aadsts.appNotFound(fields.client_id, tenant.displayName));
    if (!fields.redirect_uri || !redirectUriAllowed(registered, fields.redirect_uri)) {
      return errorPage(c, aadsts.redirectMismatch(fields.redirect_uri ?? '', registered.clientId));
    }
    if (fields.response_type !== 'code')
      return errorPage(c, aadsts.unsupportedResponseType(fields.response_type ?? ''));
    if (!(fields.scope ?? '').split(/\s+/).includes('openid')) return errorPage(c, aadsts.missingParameter('scope'));
    if (
      fields.code_challenge_method &&
      fields.code_challenge_method !== 'S256' &&
      fields.code_challenge_method !== 'plain'
    ) {
      return errorPage(c, aadsts.invalidCodeChallengeMethod());
    }
    return { tenant, app: registered, fields };
  };

  const signIn = (c: Context<GraphEnv>, request: AuthorizeRequest, userId: string): Response => {
    const user = request.tenant.activeUser(userId);
    if (!user || !user.accountEnabled) return errorPage(c, aadsts.userNotFound(userId, request.tenant.displayName));
    const code = runtime.codes.issue({
      tenantId: request.tenant.id,
      clientId: request.app.clientId,
      redirectUri: request.fields.redirect_uri as string,
      codeChallenge: request.fields.code_challenge,
      codeChallengeMethod: request.fields.code_challenge
        ? (request.fields.code_challenge_method ?? 'plain')
        : undefined,
      nonce: request.fields.nonce,
      userId: user.id,
      scopes: (request.fields.scope ?? '').split(/\s+/).filter(Boolean),
    });
    const back = new URL(request.fields.redirect_uri as string);
    back.searchParams.set('code', code);
    if (request.fields.state !== undefined) back.searchParams.set('state', request.fields.state);
    back.searchParams.set('session_state', randomUUID());
    return c.redirect(back.toString(), 302);
  };

  const stringFields = (entries: Iterable<[string, unknown]>) =>
    Object.fromEntries([...entries].filter(([, v]) => typeof v === 'string')) as Record<string, string>;

  for (const path of ['/:tenant/oauth2/v2.0/authorize']) {
    app.get(path, (c) => {
      const request = read(c, stringFields(Object.entries(c.req.query())));
      if (request instanceof Response) return request;
      // login_hint naming a user of the tenant signs in straight away (an existing session, as Entra has it)
      const hinted = request.fields.login_hint ? request.tenant.activeUser(request.fields.login_hint) : undefined;
      if (hinted) return signIn(c, request, hinted.id);
      return c.html(signInPage(runtime, request));
    });
    app.post(path, async (c) => {
      const request = read(c, stringFields(Object.entries(await c.req.parseBody())));
      if (request instanceof Response) return request;
      return signIn(c, request, request.fields.user ?? '');
    });
  }
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/**
 * Redeems an authorization code (grant_type=authorization_code), the client already authenticated. Answers the
 * token response of v2-oauth2-auth-code-flow.md: an ID token (RS256, the key of the discovery document's
 * jwks_uri) and a delegated access token for Microsoft Graph.
 */
export function redeemAuthorizationCode(
  runtime: SimulatorRuntime,
  input: { tenant: Tenant; app: AppRegistration; origin: string; field: (name: string) => string | undefined },
): object {
  const { tenant, app, origin, field } = input;
  const fail = (failure: AadstsError): never => {
    throw new OAuthError(failure);
  };
  const code = field('code') ?? fail(aadsts.missingParameter('code'));
  const grant = runtime.codes.find(code) ?? fail(aadsts.malformedCode());
  if (grant.clientId !== app.clientId || grant.tenantId !== tenant.id) fail(aadsts.malformedCode());
  if (grant.redeemed) fail(aadsts.codeRedeemed());
  if (grant.expiresAt <= Date.now()) fail(aadsts.codeExpired());
  const redirectUri = field('redirect_uri') ?? fail(aadsts.missingParameter('redirect_uri'));
  if (redirectUri !== grant.redirectUri) fail(aadsts.redirectMismatch(redirectUri, app.clientId));
  if (grant.codeChallenge !== undefined) {
    const verifier = field('code_verifier') ?? fail(aadsts.missingParameter('code_verifier'));
    const computed = grant.codeChallengeMethod === 'S256' ? s256(verifier) : verifier;
    if (computed !== grant.codeChallenge) fail(aadsts.codeVerifierMismatch());
  }
  grant.redeemed = true;
  const user = tenant.activeUser(grant.userId) ?? fail(aadsts.userNotFound(grant.userId, tenant.displayName));

  const now = Math.floor(Date.now() / 1000);
  const lifetime = runtime.world.settings.tokenLifetimeSeconds;
  const roles = runtime.world.roles.of(tenant.id, user.id);
  const emitsWids = app.groupMembershipClaims === 'DirectoryRole' || app.groupMembershipClaims === 'All';
  const idToken = runtime.tokens.sign({
    ver: '2.0',
    iss: `${origin}/${tenant.id}/v2.0`,
    sub: createHash('sha256').update(`${app.clientId}/${user.id}`).digest('base64url').slice(0, 43),
    aud: app.clientId,
    exp: now + lifetime,
    iat: now,
    nbf: now,
    ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
    name: user.displayName,
    preferred_username: user.userPrincipalName,
    oid: user.id,
    tid: tenant.id,
    ...(emitsWids ? { wids: [...roles, memberUserTemplateId] } : {}),
    uti: randomBytes(16).toString('base64url'),
  });
  const delegatedScopes = 'openid profile User.Read email';
  const accessToken = runtime.tokens.sign({
    aud: '00000003-0000-0000-c000-000000000000',
    iss: `${origin}/${tenant.id}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + lifetime,
    azp: app.clientId,
    idtyp: 'user',
    oid: user.id,
    tid: tenant.id,
    scp: delegatedScopes,
    ver: '2.0',
  });
  return {
    token_type: 'Bearer',
    scope: delegatedScopes,
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
    id_token: idToken,
    // "refresh_token … Only provided if offline_access scope was requested" (v2-oauth2-auth-code-flow.md)
    ...(grant.scopes.includes('offline_access')
      ? { refresh_token: `1.A${randomBytes(64).toString('base64url')}` }
      : {}),
    client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tenant.id })).toString('base64url'),
  };
}

/**
 * The signed-in user's directory roles with a delegated token (api-reference/v1.0/api/user-list-memberof.md:
 * `GET /me/memberOf/microsoft.graph.directoryRole`, delegated User.Read or Directory.Read.All; also
 * transitiveMemberOf). Registered before the app-only Graph handler, which never accepts delegated tokens.
 */
export function registerDelegatedMe(app: Hono<GraphEnv>, runtime: SimulatorRuntime): void {
  app.get('/v1.0/me/:relation/:cast', (c, next) => {
    const relation = c.req.param('relation').toLowerCase();
    const cast = c.req.param('cast').toLowerCase();
    if (!['memberof', 'transitivememberof'].includes(relation) || cast !== 'microsoft.graph.directoryrole')
      return next();
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    const claims = token ? runtime.tokens.verified(token) : null;
    const unauthorized = (message: string) =>
      c.json(
        {
          error: {
            code: 'InvalidAuthenticationToken',
            message,
            innerError: { date: new Date().toISOString(), 'request-id': randomUUID() },
          },
        },
        401,
      );
    if (!claims || claims.idtyp !== 'user' || typeof claims.oid !== 'string' || typeof claims.tid !== 'string') {
      return unauthorized('Access token validation failure. /me needs a delegated token.');
    }
    const scopes = String(claims.scp ?? '').split(' ');
    if (!scopes.includes('User.Read') && !scopes.includes('Directory.Read.All')) {
      return c.json(
        {
          error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
        },
        403,
      );
    }
    const tenant = runtime.world.directory.resolve(claims.tid);
    if (!tenant?.activeUser(claims.oid)) return unauthorized('The user in the token does not exist.');
    const value = runtime.world.roles.of(tenant.id, claims.oid).map((templateId) => ({
      '@odata.type': '#microsoft.graph.directoryRole',
      id: createHash('sha256')
        .update(`${tenant.id}/${templateId}`)
        .digest('hex')
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
      deletedDateTime: null,
      description: null,
      displayName: roleDisplayName(templateId),
      roleTemplateId: templateId,
    }));
    return c.json({ '@odata.context': `${new URL(c.req.url).origin}/v1.0/$metadata#directoryObjects`, value });
  });
}
