import type { AddressInfo } from 'node:net';
import type { DirectoryProviders } from '../directory/factory.js';
import { serve, type ServerType } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import { createApp } from '../api/app.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import { connectClient } from '../temporal/connection.js';
import { bundleWorkflows, createWorker } from '../worker/worker.js';
import type { WorkflowBundle } from '@temporalio/worker';
import { startNotificationRelay } from '../notifications/dispatch.js';

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

export interface RunningWorker {
  /** Resolves when the worker has stopped (after stop(), or rejects if it crashed). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorker(input: {
  config: Config;
  db: Db;
  logger: Logger;
  address: string;
  bundle?: WorkflowBundle;
  /** The directory providers to choose from; the built-in ones when absent (a test adds its own). */
  directoryProviders?: DirectoryProviders;
}): Promise<RunningWorker> {
  const bundle = input.bundle ?? (await bundleWorkflows());
  const temporal = await connectClient(input.address, input.config.temporal.namespace, input.config.temporal);
  const { worker, connection } = await createWorker({
    address: input.address,
    namespace: input.config.temporal.namespace,
    taskQueue: input.config.temporal.taskQueue,
    bundle,
    maxConcurrentActivities: input.config.sync.activityConcurrency,
    security: input.config.temporal,
    deps: {
      db: input.db,
      config: input.config,
      logger: input.logger.child({ component: 'activities' }),
      temporal,
      ...(input.directoryProviders ? { directoryProviders: input.directoryProviders } : {}),
    },
  });
  // the notifications' outbox relay runs beside each worker (src/notifications/dispatch.ts)
  const relay = input.config.notifications.relay
    ? startNotificationRelay({
        temporal,
        config: input.config,
        db: input.db,
        logger: input.logger.child({ component: 'notification-relay' }),
      })
    : undefined;
  const done = worker.run().finally(async () => {
    await relay?.stop();
    await connection.close().catch(() => {});
    await temporal.connection.close().catch(() => {});
  });
  return {
    done,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

const duplicateSignalMs = 1000;

/**
 * Calls `stop` once on SIGINT/SIGTERM; a second signal exits at once. One Ctrl-C can arrive more than once
 * (to the process group and forwarded by npm or by a parent process, see simulator-trust.ts): signals within
 * a second of the first are that same request.
 */
export function onShutdownSignal(stop: (signal: string) => Promise<void>): void {
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < duplicateSignalMs) return;
      process.exit(130);
    }
    stoppingSince = Date.now();
    stop(signal).then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
