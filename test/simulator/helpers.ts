import { createGraphClient, type GraphConnection } from '../../src/directory/entra/client.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/server.js';

/** A simulator on a random port; tests close it in afterAll. */
export function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ port: 0, users: 40, seed: 'tests', ...options });
}

/** The real client stack (ClientSecretCredential + Graph client) as the service builds it. */
export function connect(
  sim: Simulator,
  overrides: { tenantId?: string; clientId?: string; clientSecret?: string } = {},
): GraphConnection {
  return createGraphClient({
    tenantId: sim.demo.tenantId,
    clientId: sim.demo.clientId,
    clientSecret: sim.demo.clientSecret,
    authorityHost: sim.url,
    graphBaseUrl: sim.url,
    ...overrides,
  });
}

export interface RawResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

async function read<T>(response: Response): Promise<RawResponse<T>> {
  const text = await response.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body, text };
}

export async function postForm(url: string, fields: Record<string, string>): Promise<RawResponse> {
  return read(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
      redirect: 'manual',
    }),
  );
}

/** A token straight from the simulator's token endpoint (no MSAL cache in between). */
export async function requestToken(
  sim: Simulator,
  app: { clientId: string; clientSecret?: string } = sim.demo,
  tenant: string = sim.demo.tenantId,
): Promise<RawResponse> {
  return postForm(`${sim.url}/${tenant}/oauth2/v2.0/token`, {
    grant_type: 'client_credentials',
    client_id: app.clientId,
    client_secret: app.clientSecret ?? '',
    scope: 'https://graph.microsoft.com/.default',
  });
}

export async function accessToken(
  sim: Simulator,
  app?: { clientId: string; clientSecret?: string },
  tenant?: string,
): Promise<string> {
  const answer = await requestToken(sim, app, tenant);
  if (answer.status !== 200) throw new Error(`token request failed: ${answer.text}`);
  return answer.body.access_token as string;
}

/** A plain HTTPS call to the simulator's Graph (`path` below /v1.0, or an absolute link). */
export async function graph(
  sim: Simulator,
  path: string,
  options: { token?: string; headers?: Record<string, string>; method?: string; body?: unknown } = {},
): Promise<RawResponse> {
  const token = options.token ?? (await accessToken(sim));
  const url = path.startsWith('https://') ? path : `${sim.url}/v1.0/${path.replace(/^\//, '')}`;
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.body ? JSON.stringify(options.body) : undefined,
  });
  return read(response);
}

export const eventual = { ConsistencyLevel: 'eventual' } as const;

/** Follows @odata.nextLink to the end, sending the same headers on every page. */
export async function allPages(
  sim: Simulator,
  path: string,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<{ pages: RawResponse[]; values: any[] }> {
  const token = options.token ?? (await accessToken(sim));
  const pages: RawResponse[] = [];
  let next: string | undefined = path;
  while (next) {
    const page = await graph(sim, next, { token, headers: options.headers });
    if (page.status !== 200) throw new Error(`page ${pages.length + 1} answered ${page.status}: ${page.text}`);
    pages.push(page);
    next = page.body['@odata.nextLink'];
  }
  return { pages, values: pages.flatMap((p) => p.body.value) };
}
