import { loadConfig } from '../config.js';
import { createDb } from '../db/database.js';
import { createLogger } from '../logger.js';
import { onShutdownSignal } from '../runtime/shutdown-signal.js';
import { startWorker } from '../runtime/worker-service.js';
import { installTemporalRuntime } from '../temporal/runtime.js';
import { bundleWorkflowsInChild } from '../worker/worker.js';
import { startMetricsServer } from '../metrics/exposition.js';

/** `directory-sync worker`: one Temporal worker against external Postgres and Temporal; run as many as needed. */
export async function run(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  const logger = createLogger({ level: config.logLevel, name: 'directory-sync-worker' });
  installTemporalRuntime(logger, { metricsAddress: config.metrics.port ? config.metrics.temporalAddress : undefined });
  const db = createDb(config.databaseUrl!, {
    poolSize: config.databasePoolSize,
    applicationName: 'directory-sync-worker',
  });
  const worker = await startWorker({
    config,
    db,
    logger,
    address: config.temporal.address!,
    bundle: await bundleWorkflowsInChild(),
  });
  logger.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker running');
  const { port: metricsPort, host: metricsHost, token, temporalAddress } = config.metrics;
  const metrics = metricsPort
    ? await startMetricsServer({ port: metricsPort, host: metricsHost, token, temporalAddress, logger })
    : undefined;
  if (metrics) logger.info({ url: metrics.url }, 'worker metrics');
  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'worker shutting down');
    await worker.stop();
    await metrics?.close();
    await db.destroy();
  });
  await worker.done;
}
