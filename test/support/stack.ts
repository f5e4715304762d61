import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import type { App } from '../../src/api/context.js';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import { startApiServer, startWorker, type RunningApi, type RunningWorker } from '../../src/runtime/services.js';
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
  call(method: string, path: string, options?: { key?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
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
export async function startTestStack(options: { simulator?: SimulatorOptions; config?: Record<string, string>; listen?: boolean } = {}): Promise<TestStack> {
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
  const db = testDb();
  const logger = testLogger();
  installTemporalRuntime(logger);
  const connection = await Connection.connect({ address: config.temporal.address! });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const bundle = testEnvironment().workflowBundle;
  const startOne = () => startWorker({ config, db, logger, address: config.temporal.address!, bundle });
  let worker = await startOne();
  const makeApp = (cfg: Config) => createApp({ config: cfg, db, temporal, logger });
  const app = makeApp(config);
  const api: RunningApi | undefined = listenPort ? await startApiServer({ config, db, temporal, logger, port: listenPort }) : undefined;

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
      await db.destroy();
      await sim.close();
    },
  };
  return stack;
}

/** A company with the module on, a customer type and a company API key, made through the operator API. */
export async function onboardCompany(stack: TestStack, options: { directorySync?: boolean; name?: string } = {}) {
  const company = await (
    await stack.call('POST', '/api/v1/companies', { key: stack.operatorKey, body: { name: options.name ?? 'Test Company', directorySync: options.directorySync ?? true } })
  ).json();
  const key = (await (await stack.call('POST', `/api/v1/companies/${company.id}/api-keys`, { key: stack.operatorKey, body: { name: 'tests' } })).json()).key as string;
  const customerType = await (await stack.call('POST', '/api/v1/customer-types', { key, body: { name: 'Employees' } })).json();
  return { companyId: company.id as string, key, customerTypeId: customerType.id as string };
}

/** Follows the consent URL on the simulator the way a browser would, and returns our callback's path and query. */
export async function followConsent(consentUrl: string): Promise<{ callbackPath: string; params: URLSearchParams }> {
  const response = await fetch(consentUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`consent page answered ${response.status}: ${await response.text()}`);
  const url = new URL(location);
  return { callbackPath: `${url.pathname}${url.search}`, params: url.searchParams };
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, options: { timeoutMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
