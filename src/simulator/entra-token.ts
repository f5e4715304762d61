import type { Hono } from 'hono';
import { graphDefaultScopes } from './access-tokens.js';
import type { AppRegistration } from './apps.js';
import { aadsts, aadstsBody, type AadstsError } from './entra-errors.js';
import type { GraphEnv } from './graph-api.js';
import { decodeJwt, verifyJwtSignature } from './jwt.js';
import { OAuthError, redeemAuthorizationCode } from './oidc-signin.js';
import type { SimulatorRuntime } from './runtime.js';
import type { Tenant } from './tenant.js';

const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** OIDC scopes MSAL may add; they ride along with the resource scope. */
const oidcScopes = new Set(['openid', 'profile', 'offline_access', 'email']);

class TokenRequestError extends Error {
  constructor(readonly failure: AadstsError) {
    super(failure.description);
  }
}

function fail(failure: AadstsError): never {
  throw new TokenRequestError(failure);
}

/**
 * The OpenID configuration MSAL reads before asking for a token. Endpoints name the tenant by id even
 * when it was asked for by domain, as Entra's do.
 */
function openIdConfiguration(origin: string, tenantId: string): object {
  const base = `${origin}/${tenantId}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${origin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** Entra's discovery, key and token endpoints: `/{tenant}/…` with the tenant as id or verified domain. */
export function registerTokenEndpoints(app: Hono<GraphEnv>, runtime: SimulatorRuntime): void {
  const answer = (failure: AadstsError, origin: string, correlationId?: string) =>
    new Response(JSON.stringify(aadstsBody(failure, origin, runtime.world.clock.now(), correlationId)), {
      status: failure.status,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });

  app.get('/:tenant/v2.0/.well-known/openid-configuration', (c) => {
    const origin = new URL(c.req.url).origin;
    const tenant = runtime.world.directory.resolve(c.req.param('tenant'));
    if (!tenant) return answer(aadsts.tenantNotFound(c.req.param('tenant')), origin);
    return c.json(openIdConfiguration(origin, tenant.id));
  });

  app.get('/:tenant/discovery/v2.0/keys', (c) => c.json(runtime.tokens.jwks()));

  app.post('/:tenant/oauth2/v2.0/token', async (c) => {
    const url = new URL(c.req.url);
    const correlationId = c.req.header('client-request-id');
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    try {
      const tenant =
        runtime.world.directory.resolve(c.req.param('tenant')) ?? fail(aadsts.tenantNotFound(c.req.param('tenant')));
      const grantType = field('grant_type') ?? fail(aadsts.missingParameter('grant_type'));
      if (grantType !== 'client_credentials' && grantType !== 'authorization_code')
        fail(aadsts.unsupportedGrant(grantType));
      const clientId = field('client_id') ?? fail(aadsts.missingParameter('client_id'));
      const app = runtime.world.apps.find(clientId) ?? fail(aadsts.appNotFound(clientId, tenant.displayName));
      authenticateClient(app, field, `${url.origin}${url.pathname}`);
      if (grantType === 'authorization_code') {
        c.set('record', Object.assign(c.get('record'), { tenantId: tenant.id, clientId: app.clientId }));
        return c.json(redeemAuthorizationCode(runtime, { tenant, app, origin: url.origin, field }));
      }
      checkScope(field('scope') ?? fail(aadsts.missingParameter('scope')));
      if (runtime.world.apps.consentState(tenant.id, app.clientId) === 'none')
        fail(aadsts.noServicePrincipal(app.clientId, tenant.id));
      c.set('record', Object.assign(c.get('record'), { tenantId: tenant.id, clientId: app.clientId }));
      return c.json(issueToken(runtime, tenant, app));
    } catch (error) {
      if (error instanceof TokenRequestError || error instanceof OAuthError)
        return answer(error.failure, url.origin, correlationId);
      throw error;
    }
  });
}

function issueToken(runtime: SimulatorRuntime, tenant: Tenant, app: AppRegistration): object {
  const lifetime = runtime.world.settings.tokenLifetimeSeconds;
  const accessToken = runtime.tokens.issue({
    tenantId: tenant.id,
    clientId: app.clientId,
    appDisplayName: app.displayName,
    roles: runtime.world.apps.grantedPermissions(tenant.id, app.clientId),
    lifetimeSeconds: lifetime,
  });
  return { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken };
}

/** A client secret, or a certificate-signed assertion (`private_key_jwt`) naming a registered certificate. */
function authenticateClient(
  app: AppRegistration,
  field: (name: string) => string | undefined,
  tokenEndpoint: string,
): void {
  const secret = field('client_secret');
  if (secret !== undefined) {
    if (!app.secrets.includes(secret)) fail(aadsts.invalidSecret(app.clientId));
    return;
  }
  const assertion = field('client_assertion');
  if (assertion === undefined || field('client_assertion_type') !== jwtBearer) fail(aadsts.missingCredential());
  const jwt = decodeJwt(assertion) ?? fail(aadsts.badAssertion('The assertion is not a JWT.'));
  const x5t = jwt.header['x5t#S256'] ?? jwt.header.x5t;
  const certificate = app.certificates.find((cert) => cert.x5tS256 === x5t || cert.x5t === x5t);
  if (!certificate)
    fail(aadsts.badAssertion(`The certificate '${String(x5t)}' is not registered on application '${app.clientId}'.`));
  if (!verifyJwtSignature(jwt, certificate.publicKey))
    fail(aadsts.badAssertion('The signature does not match the registered certificate.'));
  const { aud, iss, sub, exp, nbf } = jwt.payload;
  if (iss !== app.clientId || sub !== app.clientId) fail(aadsts.badAssertion('iss and sub must be the client id.'));
  if (aud !== tokenEndpoint) fail(aadsts.badAssertion(`aud must be the token endpoint '${tokenEndpoint}'.`));
  const now = Date.now() / 1000;
  if (typeof exp !== 'number' || exp < now || (typeof nbf === 'number' && nbf > now + 300))
    fail(aadsts.assertionExpired());
}

function checkScope(scope: string): void {
  const resourceScopes = scope.split(/\s+/).filter((s) => s && !oidcScopes.has(s));
  if (resourceScopes.length !== 1 || !graphDefaultScopes.has(resourceScopes[0] as string))
    fail(aadsts.invalidScope(scope));
}
