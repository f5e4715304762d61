import { randomUUID } from 'node:crypto';

/**
 * Entra's OAuth error answer (entra-docs client-credentials error response): `error`, an
 * `error_description` starting `AADSTS<code>:` followed by trace lines, `error_codes`, ids and timestamp.
 */
export interface AadstsError {
  status: 400 | 401;
  error: string;
  code: number;
  description: string;
}

function timestamp(nowMs: number): string {
  return new Date(nowMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

export function aadstsBody(
  failure: AadstsError,
  origin: string,
  nowMs: number,
  correlationId: string = randomUUID(),
): object {
  const traceId = randomUUID();
  const at = timestamp(nowMs);
  return {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${at}`,
    error_codes: [failure.code],
    timestamp: at,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${origin}/error?code=${failure.code}`,
  };
}

/** The AADSTS codes Entra answers a client-credentials request with (checked against real error reports). */
export const aadsts = {
  tenantNotFound: (tenant: string): AadstsError => ({
    status: 400,
    error: 'invalid_tenant',
    code: 90002,
    description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  appNotFound: (clientId: string, directory: string): AadstsError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    description: `Application with identifier '${clientId}' was not found in the directory '${directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  invalidSecret: (clientId: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  missingCredential: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  badAssertion: (reason: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    description: `Client assertion failed signature validation. ${reason}`,
  }),
  assertionExpired: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700024,
    description: 'Client assertion is not within its valid time range.',
  }),
  /** A registered (multi-tenant) app that no admin of this tenant consented to: no service principal there. */
  noServicePrincipal: (clientId: string, tenantId: string): AadstsError => ({
    status: 400,
    error: 'invalid_client',
    code: 7000229,
    description: `The client application ${clientId} is missing service principal in the tenant ${tenantId}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
  }),
  invalidScope: (scope: string): AadstsError => ({
    status: 400,
    error: 'invalid_scope',
    code: 70011,
    description: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  unsupportedGrant: (grant: string): AadstsError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    description: `The app requested an unsupported grant type '${grant}'.`,
  }),
  missingParameter: (name: string): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    description: `The request body must contain the following parameter: '${name}'.`,
  }),
  redirectMismatch: (uri: string, clientId: string): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 50011,
    description: `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
  }),
  consentDeclined: (): AadstsError => ({
    status: 400,
    error: 'access_denied',
    code: 65004,
    description: 'User declined to consent to access the app.',
  }),
  // ---- authorization-code flow (v2-oauth2-auth-code-flow.md, reference-error-codes.md) ----
  unsupportedResponseType: (type: string): AadstsError => ({
    status: 400,
    error: 'unsupported_response_type',
    code: 700054,
    description: `response_type '${type}' is not enabled for the application.`,
  }),
  invalidCodeChallengeMethod: (): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 501491,
    description: "Invalid size of Code_Challenge parameter, or the code_challenge_method is not 'S256' or 'plain'.",
  }),
  userNotFound: (user: string, directory: string): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 50034,
    description: `The user account ${user} does not exist in the ${directory} directory. To sign into this application, the account must be added to the directory.`,
  }),
  /** A code we never issued (or for another client or tenant): "AADSTS9002313: Invalid request. Request is malformed or invalid." */
  malformedCode: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 9002313,
    description: 'Invalid request. Request is malformed or invalid.',
  }),
  codeRedeemed: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 54005,
    description:
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  }),
  codeExpired: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 70008,
    description:
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  }),
  codeVerifierMismatch: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 501481,
    description: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  }),
};
