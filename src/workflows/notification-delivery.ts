import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

export interface NotificationDeliveryInput {
  deliveryId: string;
  /** Backoff of the attempts (doubling from initialMs up to maxMs) and when to give up (24 h by default). */
  retry: { initialMs: number; maxMs: number; giveUpAfterMs: number };
}

/**
 * Delivers one notification (one event to one target). Started once per delivery (workflow id
 * notification-delivery-<delivery id>); each attempt is an activity, retried with exponential backoff until it
 * succeeds or the give-up time has passed, then the delivery is recorded as failed. Receivers dedup on webhook-id.
 */
export async function notificationDeliveryWorkflow(
  input: NotificationDeliveryInput,
): Promise<'delivered' | 'failed' | 'skipped'> {
  const { deliverNotification } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    // a worker that dies mid-send is noticed within seconds; the retry goes to another worker
    heartbeatTimeout: '5 seconds',
    scheduleToCloseTimeout: input.retry.giveUpAfterMs,
    retry: {
      initialInterval: input.retry.initialMs,
      backoffCoefficient: 2,
      maximumInterval: input.retry.maxMs,
      nonRetryableErrorTypes: ['DeliveryGone'],
    },
  });
  const { recordDeliveryGaveUp } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { maximumInterval: '1 minute' },
  });
  try {
    return await deliverNotification({ deliveryId: input.deliveryId });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const reason = err.cause instanceof ApplicationFailure ? err.cause.message : (err.cause?.message ?? err.message);
    await recordDeliveryGaveUp({ deliveryId: input.deliveryId, error: `gave up (${reason})` });
    return 'failed';
  }
}
