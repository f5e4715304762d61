import { serve } from '@hono/node-server';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AccessTokenIssuer } from './access-tokens.js';
import { createSimulatorApp } from './app.js';
import { defaultCaDir, ensureCertificateAuthority } from './ca.js';
import { SimulatorControl } from './control.js';
import type { DemoTenant } from './demo.js';
import type { ResourceUnitLimits } from './resource-budget.js';
import { SimulatorRuntime } from './runtime.js';

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Where the CA and server certificate live (created on first use). */
  caDir?: string;
  /** Users in the demo tenant's All Staff group (transitively). */
  users?: number;
  seed?: string | number;
  /** Fix the default app's credentials instead of deriving them from the seed. */
  clientId?: string;
  clientSecret?: string;
  logger?: Logger;
  /** Enforce Graph's resource-unit limit from the start (see SimulatorControl.enforceResourceUnitLimits). */
  resourceUnitLimits?: ResourceUnitLimits;
}

export interface Simulator {
  /** `https://127.0.0.1:PORT`: both the authority host (AZURE_AUTHORITY_HOST) and the Graph base URL (GRAPH_BASE_URL). */
  url: string;
  /** The CA certificate clients must trust (NODE_EXTRA_CA_CERTS, read by Node at process start). */
  caFile: string;
  control: SimulatorControl;
  /** The seeded demo tenant and default app (the same after `control.reset()`). */
  readonly demo: DemoTenant;
  close(): Promise<void>;
}

export const defaultSimulatorUsers = 100;
export const defaultSimulatorSeed = 'directory-sync';

/** Starts the HTTPS simulator of Entra ID and Microsoft Graph. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const files = await ensureCertificateAuthority(options.caDir ?? defaultCaDir);
  const [key, cert, tokens] = await Promise.all([
    readFile(files.keyFile),
    readFile(files.certFile),
    AccessTokenIssuer.create(),
  ]);
  const runtime = new SimulatorRuntime(
    tokens,
    {
      users: options.users ?? defaultSimulatorUsers,
      seed: options.seed ?? defaultSimulatorSeed,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
    },
    options.logger,
  );
  const control = new SimulatorControl(runtime);
  if (options.resourceUnitLimits) control.enforceResourceUnitLimits(options.resourceUnitLimits);
  const app = createSimulatorApp(runtime, control);
  runtime.dispatch = async (request, env) => app.fetch(request, env as Parameters<typeof app.fetch>[1]);

  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve(
      { fetch: app.fetch, port: options.port ?? 0, hostname: host, createServer, serverOptions: { key, cert } },
      () => resolve(created as Server),
    );
    created.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  options.logger?.info({ url, caFile: files.caFile }, 'simulator listening');

  return {
    url,
    caFile: files.caFile,
    control,
    get demo() {
      return runtime.demo;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
