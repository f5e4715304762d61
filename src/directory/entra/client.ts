import {
  AuthenticationError,
  ClientCertificateCredential,
  ClientSecretCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import {
  Client,
  MiddlewareFactory,
  RetryHandler,
  RetryHandlerOptions,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { Logger } from 'pino';
import { recordFailedRequest, redactedPath } from './errors.js';
import { reportDirectoryRetry } from '../retry-observer.js';
import { registerGraphLinkPrefix } from './links.js';
import { entraKind } from './kind.js';
import { DirectoryRequestMetrics } from './request-metrics.js';

export const defaultAuthorityHost = 'https://login.microsoftonline.com';
export const defaultGraphBaseUrl = 'https://graph.microsoft.com';
export const graphDefaultScope = 'https://graph.microsoft.com/.default';

export interface GraphClientOptions {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** PEM with the private key and the certificate (what ClientCertificateCredential reads). */
  certificatePath?: string;
  /** `https://login.microsoftonline.com`, or the simulator's URL. */
  authorityHost: string;
  /** The Graph host without the API version: `https://graph.microsoft.com`, or the simulator's URL. */
  graphBaseUrl: string;
  logger?: Logger;
}

export interface GraphConnection {
  client: Client;
  credential: TokenCredential;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The Graph client the service uses for one customer tenant, acting as our multi-tenant app
 * (client credentials). Both endpoints are configurable so tests and the demo can point at the simulator:
 * - `disableInstanceDiscovery` off the Microsoft host: MSAL would otherwise ask Microsoft's own host to
 *   validate a foreign authority and fail with `endpoints_resolution_error`;
 * - `customHosts`: the Graph client attaches the bearer token only to Graph's hosts and to these; without
 *   it every call to another host goes out with no Authorization header (401 "Access token is empty");
 * - the scope stays `https://graph.microsoft.com/.default` whatever the host: it names the resource.
 * TLS trust for a private CA comes from NODE_EXTRA_CA_CERTS, read by Node at process start.
 */
export function createGraphClient(options: GraphClientOptions): GraphConnection {
  const authorityHost = withoutTrailingSlash(options.authorityHost);
  const graphBaseUrl = withoutTrailingSlash(options.graphBaseUrl);
  const credentialOptions = {
    authorityHost,
    disableInstanceDiscovery: authorityHost !== defaultAuthorityHost,
  };
  let credential: TokenCredential;
  if (options.clientSecret) {
    credential = new ClientSecretCredential(
      options.tenantId,
      options.clientId,
      options.clientSecret,
      credentialOptions,
    );
  } else if (options.certificatePath) {
    credential = new ClientCertificateCredential(
      options.tenantId,
      options.clientId,
      { certificatePath: options.certificatePath },
      credentialOptions,
    );
  } else {
    throw new Error('createGraphClient needs clientSecret or certificatePath');
  }
  credential = new TenantDiscoveryDiagnosis(credential, authorityHost, options.tenantId);
  const client = Client.initWithMiddleware({
    middleware: middlewareChain(new TokenCredentialAuthenticationProvider(credential, { scopes: [graphDefaultScope] })),
    baseUrl: graphBaseUrl,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(graphBaseUrl).hostname]),
  });
  registerGraphLinkPrefix(client, graphBaseUrl);
  options.logger?.debug(
    { tenantId: options.tenantId, clientId: options.clientId, authorityHost, graphBaseUrl },
    'graph client created',
  );
  return { client, credential };
}

/**
 * MSAL reports any failed OpenID discovery as `endpoints_resolution_error`, whether Entra answered
 * "tenant not found" (AADSTS90002, a 400 on the discovery document) or could not be reached at all.
 * On that error this asks the discovery document once more and, when Entra did answer, throws its
 * answer as an AuthenticationError carrying the AADSTS code, so a wrong tenant id is not taken for an outage.
 */
class TenantDiscoveryDiagnosis implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    private readonly authorityHost: string,
    private readonly tenantId: string,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    try {
      return await this.inner.getToken(scopes, options);
    } catch (error) {
      if (!String((error as Error)?.message).includes('endpoints_resolution_error')) throw error;
      const answer = await fetch(
        `${this.authorityHost}/${encodeURIComponent(this.tenantId)}/v2.0/.well-known/openid-configuration`,
      ).catch(() => null);
      if (!answer || answer.ok || answer.status >= 500) throw error;
      throw new AuthenticationError(answer.status, await answer.text());
    }
  }
}

/**
 * The Graph client's default chain (auth, retry, redirect, telemetry, HTTP), with two additions: a recorder in
 * front that remembers which request (method and path, tokens left out) got a failed answer, so an error can say
 * what was asked; and a retry handler (same delays and limits as the default) that reports each retry it makes.
 */
function middlewareChain(authProvider: TokenCredentialAuthenticationProvider): Middleware[] {
  const chain = MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
  const retryIndex = chain.findIndex((m) => m instanceof RetryHandler);
  const shouldRetry = (
    delay: number,
    attempt: number,
    request: RequestInfo,
    options: { method?: string } | undefined,
    response: Response,
  ) => {
    const retryAfter = response.headers?.get('retry-after');
    // the retry handler's own delay: Retry-After when sent, else its exponential backoff (RetryHandler.getDelay)
    const n = attempt + 1;
    const backoff = n >= 2 ? Math.round((2 ** n - 1) / 2) + delay : delay;
    const seconds =
      retryAfter === null || retryAfter === undefined
        ? backoff
        : Number.isNaN(Number(retryAfter))
          ? (Date.parse(retryAfter) - Date.now()) / 1000
          : Number(retryAfter);
    const { method, url } = requestLine(request, options);
    reportDirectoryRetry({
      attempt: attempt + 1,
      reason: `Microsoft Graph answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''} to ${method} ${redactedPath(url)}`,
      nextAttemptAt: new Date(Date.now() + Math.max(0, Math.min(seconds, 180)) * 1000),
    });
    return true;
  };
  if (retryIndex >= 0) chain[retryIndex] = new RetryHandler(new RetryHandlerOptions(undefined, undefined, shouldRetry));
  // Request metrics just before the network handler, so every retry counts as its own request (src/metrics).
  chain.splice(chain.length - 1, 0, new DirectoryRequestMetrics(entraKind));
  return [new FailedRequestRecorder(), ...chain];
}

function requestLine(request: RequestInfo, options: { method?: string } | undefined): { method: string; url: string } {
  if (typeof request === 'string') return { method: options?.method ?? 'GET', url: request };
  return { method: options?.method ?? request.method ?? 'GET', url: request.url };
}

class FailedRequestRecorder implements Middleware {
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    await this.next!.execute(context);
    const response = context.response;
    if (response && !response.ok && response.headers) {
      const { method, url } = requestLine(context.request, context.options as { method?: string } | undefined);
      recordFailedRequest(response.headers, method, url);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
