import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import type { App } from '../../src/api/context.js';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import type { DirectoryProviders } from '../../src/directory/factory.js';
import { startApiServer, type RunningApi } from '../../src/runtime/services.js';
import { startWorker, type RunningWorker } from '../../src/runtime/worker-service.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/server.js';
import { installTemporalRuntime } from '../../src/temporal/runtime.js';
import { requester } from './request.js';
import { testConfig, testDb, testEnvironment, testLogger, testWorkerEnv } from './context.js';
import { freePort } from '../../src/runtime/ports.js';

/**
 * The real service around a test file: the HTTPS simulator of Entra ID and Graph, a worker on a task queue of
 * the file's own (against the run's Temporal dev server and Postgres), and the API app in process. Requests
 * go through `call`, which speaks HTTP to the Hono app without a socket.
 */
export interface TestStack {
  sim: Simulator;
  config: Config;
  db: Db;
  temporal: Client;
  app: App;
  worker: RunningWorker;
  operatorKey: string;
  /** With `listen: true`: the API on a real socket (http://127.0.0.1:port), which is also PUBLIC_BASE_URL. */
  apiUrl?: string;
  call(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Another API app on the same worker with different settings (e.g. a short consent timeout). */
  appWith(overrides: Record<string, string>): { app: App; config: Config };
  restartWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** The environment a `directory-sync worker` child process needs to join this stack. */
  workerEnv(): Record<string, string>;
  close(): Promise<void>;
}

/**
 * `listen: true` also serves the API on a free port of 127.0.0.1 with PUBLIC_BASE_URL pointing at it, for a real
 * browser: the consent callback's redirect then lands on the admin pages of this stack.
 */
export async function startTestStack(
  options: {
    simulator?: SimulatorOptions;
    config?: Record<string, string>;
    listen?: boolean;
    /** A database of the test's own (the caller closes it); the run's shared one otherwise. */
    db?: Db;
    /** The directory providers the worker and the API choose from; the built-in ones otherwise. */
    directoryProviders?: DirectoryProviders;
  } = {},
): Promise<TestStack> {
  const sim = await startSimulator({ users: 0, ...options.simulator });
  const listenPort = options.listen ? await freePort() : undefined;
  const base = {
    AZURE_CLIENT_ID: sim.demo.clientId,
    AZURE_CLIENT_SECRET: sim.demo.clientSecret,
    AZURE_AUTHORITY_HOST: sim.url,
    GRAPH_BASE_URL: sim.url,
    PUBLIC_BASE_URL: listenPort ? `http://127.0.0.1:${listenPort}` : 'http://directory-sync.test',
    ...(listenPort ? { HOST: '127.0.0.1', PORT: String(listenPort) } : {}),
    ...options.config,
  };
  const config = testConfig(base);
  const db = options.db ?? testDb();
  const { directoryProviders } = options;
  const logger = testLogger();
  installTemporalRuntime(logger);
  const connection = await Connection.connect({ address: config.temporal.address! });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const bundle = testEnvironment().workflowBundle;
  const startOne = () =>
    startWorker({ config, db, logger, address: config.temporal.address!, bundle, directoryProviders });
  let worker = await startOne();
  const makeApp = (cfg: Config) => createApp({ config: cfg, db, temporal, logger, directoryProviders });
  const app = makeApp(config);
  const api: RunningApi | undefined = listenPort
    ? await startApiServer({ config, db, temporal, logger, port: listenPort })
    : undefined;

  const stack: TestStack = {
    sim,
    config,
    db,
    temporal,
    app,
    get worker() {
      return worker;
    },
    operatorKey: config.operatorApiKey!,
    apiUrl: api?.url,
    call: requester(app),
    appWith: (overrides) => {
      const cfg = testConfig({ ...base, TEMPORAL_TASK_QUEUE: config.temporal.taskQueue, ...overrides });
      return { app: makeApp(cfg), config: cfg };
    },
    restartWorker: async () => {
      await worker.stop();
      worker = await startOne();
    },
    stopWorker: () => worker.stop(),
    startWorker: async () => {
      worker = await startOne();
    },
    workerEnv: () => ({
      ...testWorkerEnv(),
      ...base,
      TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
      ...(options.config ?? {}),
    }),
    close: async () => {
      await api?.close();
      await worker.stop().catch(() => {});
      await connection.close();
      if (!options.db) await db.destroy();
      await sim.close();
    },
  };
  return stack;
}

/** A company with the module on, a customer type and a company API key, made through the operator API. */
export async function onboardCompany(stack: TestStack, options: { directorySync?: boolean; name?: string } = {}) {
  const company = await (
    await stack.call('POST', '/api/v1/companies', {
      key: stack.operatorKey,
      body: { name: options.name ?? 'Test Company', directorySync: options.directorySync ?? true },
    })
  ).json();
  const key = (
    await (
      await stack.call('POST', `/api/v1/companies/${company.id}/api-keys`, {
        key: stack.operatorKey,
        body: { name: 'tests' },
      })
    ).json()
  ).key as string;
  const customerType = await (
    await stack.call('POST', '/api/v1/customer-types', { key, body: { name: 'Employees' } })
  ).json();
  return { companyId: company.id as string, key, customerTypeId: customerType.id as string };
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"');

/** Our path and query of a URL on this stack's API (PUBLIC_BASE_URL), for `stack.call`. */
function ownPath(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** Opens our confirm page (the connection's consentUrl) and returns its question and Microsoft's admin-consent URL. */
export async function confirmPage(stack: TestStack, consentUrl: string, headers: Record<string, string> = {}) {
  const response = await stack.call('GET', ownPath(consentUrl), { headers });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`confirm page answered ${response.status}: ${html}`);
  const href = /id="continue-to-microsoft" href="([^"]+)"/.exec(html)?.[1];
  const question = /<h1 id="confirm-question">([^<]+)<\/h1>/.exec(html)?.[1];
  if (!href || !question) throw new Error(`no confirm question or Microsoft link on the page: ${html}`);
  return { microsoftUrl: unescapeHtml(href), question: unescapeHtml(question), html };
}

/**
 * Our confirm page → Microsoft's admin consent on the simulator (as a browser would follow it) → the path and query
 * of our consent callback.
 */
export async function followConsent(
  stack: TestStack,
  consentUrl: string,
): Promise<{ callbackPath: string; params: URLSearchParams }> {
  const { microsoftUrl } = await confirmPage(stack, consentUrl);
  const response = await fetch(microsoftUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location)
    throw new Error(`consent page answered ${response.status}: ${await response.text()}`);
  const url = new URL(location);
  return { callbackPath: `${url.pathname}${url.search}`, params: url.searchParams };
}

/** Picks `userId` on the simulator's sign-in page of `signInUrl`; returns the path and query of our sign-in callback. */
export async function signInAs(
  signInUrl: string,
  userId: string,
): Promise<{ callbackPath: string; params: URLSearchParams }> {
  const page = await fetch(signInUrl);
  if (page.status !== 200) throw new Error(`sign-in page answered ${page.status}: ${await page.text()}`);
  const form = new URLSearchParams(new URL(signInUrl).searchParams);
  form.set('user', userId);
  const response = await fetch(signInUrl, { method: 'POST', body: form, redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location)
    throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
  const url = new URL(location);
  return { callbackPath: `${url.pathname}${url.search}`, params: url.searchParams };
}

/**
 * The whole connection as its tenant admin does it: confirm page, admin consent, the consent callback (which sends
 * the browser to Microsoft's sign-in), the sign-in as `userId`, and our sign-in callback. Returns that last answer
 * (a 302 to the admin page with its notice) and the notice.
 */
export async function connectAs(stack: TestStack, consentUrl: string, userId: string) {
  const { callbackPath } = await followConsent(stack, consentUrl);
  const consented = await stack.call('GET', callbackPath);
  const signInUrl = consented.headers.get('location');
  if (consented.status !== 302 || !signInUrl)
    throw new Error(`consent callback answered ${consented.status}: ${await consented.text()}`);
  if (!signInUrl.startsWith(stack.sim.url))
    return { response: consented, notice: new URL(signInUrl).searchParams.get('notice') };
  const signedIn = await signInAs(signInUrl, userId);
  const response = await stack.call('GET', signedIn.callbackPath);
  const location = response.headers.get('location');
  return {
    response,
    notice: location ? new URL(location).searchParams.get('notice') : null,
    signInPath: signedIn.callbackPath,
  };
}

/** A Global Administrator (unless other roles are given) in the tenant, to sign in as. */
export function addTenantAdmin(stack: TestStack, tenantId: string, roles: string[] = ['Global Administrator']) {
  const n = Math.random().toString(36).slice(2, 8);
  return stack.sim.control.addAdmin(
    tenantId,
    { displayName: `Admin ${n}`, mailNickname: `admin.${n}`, mail: null },
    roles,
  );
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
