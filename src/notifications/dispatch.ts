import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { eventRetentionDays, purgeEventsBefore } from '../db/repositories/events.js';
import { markDispatched, relayEvents, undispatchedDeliveries } from '../db/repositories/notifications.js';
import type { Logger } from '../logger.js';
import { notificationDeliveryWorkflow } from '../workflows/notification-delivery.js';

export function deliveryWorkflowId(deliveryId: string): string {
  return `notification-delivery-${deliveryId}`;
}

/** Starts the delivery's workflow, at most once per delivery id (Temporal refuses a second start of the id). */
export async function dispatchDelivery(
  deps: { temporal: Client; config: Config; db: Db },
  deliveryId: string,
): Promise<void> {
  const { notifications, temporal } = deps.config;
  try {
    await deps.temporal.workflow.start(notificationDeliveryWorkflow, {
      workflowId: deliveryWorkflowId(deliveryId),
      taskQueue: temporal.taskQueue,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [
        {
          deliveryId,
          retry: {
            initialMs: notifications.retryInitialMs,
            maxMs: notifications.retryMaxMs,
            giveUpAfterMs: notifications.giveUpAfterMs,
          },
        },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  await markDispatched(deps.db, deliveryId);
}

/**
 * The outbox relay each worker runs: events → deliveries (relayEvents, one relay at a time by a row lock), then a
 * delivery workflow for each delivery not started yet, and once an hour the events older than 30 days dropped.
 * Several workers running it at once is harmless: deliveries are unique per event and target, workflow ids per
 * delivery.
 */
export function startNotificationRelay(
  deps: { temporal: Client; config: Config; db: Db; logger: Logger },
  intervalMs = 1000,
): { stop(): Promise<void> } {
  let stopped = false;
  let lastPurge = 0;
  let running: Promise<void> | undefined;
  const tick = async () => {
    try {
      for (let i = 0; i < 10 && !stopped; i++) if ((await relayEvents(deps.db)).events === 0) break;
      for (const id of await undispatchedDeliveries(deps.db)) {
        if (stopped) break;
        await dispatchDelivery(deps, id);
      }
      if (Date.now() - lastPurge > 3600_000) {
        lastPurge = Date.now();
        const purged = await purgeEventsBefore(deps.db, new Date(Date.now() - eventRetentionDays * 86_400_000));
        if (purged > 0) deps.logger.info({ purged }, 'events older than the retention dropped');
      }
    } catch (err) {
      if (!stopped) deps.logger.warn({ err }, 'notification relay pass failed; it runs again shortly');
    }
  };
  const timer = setInterval(() => {
    if (running) return; // a slow pass is not queued behind
    running = tick().finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
