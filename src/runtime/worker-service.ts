/**
 * A running Temporal worker with its notification relay (`directory-sync worker`, `start`). Kept apart from the
 * API server (services.ts) so a worker process never loads the HTTP API, its routes and pages.
 */
import type { DirectoryProviders } from '../directory/factory.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import { connectClient } from '../temporal/connection.js';
import { bundleWorkflows, createWorker } from '../worker/worker.js';
import type { WorkflowBundle } from '@temporalio/worker';
import { startNotificationRelay } from '../notifications/dispatch.js';

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
