/** The HTTP API as a running server (`directory-sync api`, `start`); the worker lives in worker-service.ts. */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import { createApp } from '../api/app.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';

export interface RunningApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startApiServer(input: {
  config: Config;
  db: Db;
  temporal: Client;
  logger: Logger;
  port?: number;
}): Promise<RunningApi> {
  const app = createApp({ config: input.config, db: input.db, temporal: input.temporal, logger: input.logger });
  const port = input.port ?? input.config.port;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: input.config.host }, () => resolve(s));
    s.once('error', reject);
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${input.config.host === '0.0.0.0' ? '127.0.0.1' : input.config.host}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // keep-alive connections would hold close() open; the API is stateless, so cut them
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
