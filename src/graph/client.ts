import { AuthenticationError, ClientCertificateCredential, ClientSecretCredential, type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/identity';
import { Client, MiddlewareFactory } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { Logger } from 'pino';
import { registerGraphLinkPrefix } from './links.js';
import { DirectoryRequestMetrics } from '../metrics/graph-middleware.js';

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
    credential = new ClientSecretCredential(options.tenantId, options.clientId, options.clientSecret, credentialOptions);
  } else if (options.certificatePath) {
    credential = new ClientCertificateCredential(options.tenantId, options.clientId, { certificatePath: options.certificatePath }, credentialOptions);
  } else {
    throw new Error('createGraphClient needs clientSecret or certificatePath');
  }
  credential = new TenantDiscoveryDiagnosis(credential, authorityHost, options.tenantId);
  // The SDK's default chain with our request metrics just before the network handler (src/metrics).
  const chain = MiddlewareFactory.getDefaultMiddlewareChain(new TokenCredentialAuthenticationProvider(credential, { scopes: [graphDefaultScope] }));
  chain.splice(chain.length - 1, 0, new DirectoryRequestMetrics('azure'));
  const client = Client.initWithMiddleware({
    middleware: chain,
    baseUrl: graphBaseUrl,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(graphBaseUrl).hostname]),
  });
  registerGraphLinkPrefix(client, graphBaseUrl);
  options.logger?.debug({ tenantId: options.tenantId, clientId: options.clientId, authorityHost, graphBaseUrl }, 'graph client created');
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
      const answer = await fetch(`${this.authorityHost}/${encodeURIComponent(this.tenantId)}/v2.0/.well-known/openid-configuration`).catch(() => null);
      if (!answer || answer.ok || answer.status >= 500) throw error;
      throw new AuthenticationError(answer.status, await answer.text());
    }
  }
}
