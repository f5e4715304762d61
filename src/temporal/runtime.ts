import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../logger.js';

let installed = false;

/**
 * Routes the Temporal SDK's own logs into our pino logger (warnings and up: its INFO lines are webpack and
 * worker-state chatter) and leaves signal handling to us, so one Ctrl-C shuts everything down in order.
 * With `metricsAddress`, also exports the SDK's metrics there for Prometheus.
 * Must run before any Worker or NativeConnection exists; later calls are no-ops.
 */
export function installTemporalRuntime(logger: Logger, options: { metricsAddress?: string } = {}): void {
  if (installed) return;
  installed = true;
  const child = logger.child({ component: 'temporal-sdk' });
  const forward = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const method = level === 'ERROR' ? 'error' : level === 'WARN' ? 'warn' : 'debug';
    child[method](meta ?? {}, message);
  };
  Runtime.install({
    shutdownSignals: [],
    logger: {
      log: forward,
      trace: (m, meta) => forward('TRACE', m, meta),
      debug: (m, meta) => forward('DEBUG', m, meta),
      info: (m, meta) => forward('INFO', m, meta),
      warn: (m, meta) => forward('WARN', m, meta),
      error: (m, meta) => forward('ERROR', m, meta),
    },
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      // The SDK's worker metrics (task slots, poll latencies, activity/workflow counts) as Prometheus text on
      // TEMPORAL_METRICS_ADDRESS; the worker's own /metrics includes them (src/metrics/exposition.ts).
      ...(options.metricsAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress: options.metricsAddress,
                countersTotalSuffix: true,
                useSecondsForDurations: true,
              },
            },
          }
        : {}),
    },
  });
}
