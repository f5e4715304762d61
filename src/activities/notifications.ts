import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  beginAttempt,
  finishAttempt,
  loadDeliveryForSend,
  markDeliveryFailed,
} from '../db/repositories/notifications.js';
import { notificationDeliveriesTotal } from '../metrics/registry.js';
import { sendEmail } from '../notifications/email.js';
import { emailMessage, webhookBody, webhookMessageId, type EventForDelivery } from '../notifications/render.js';
import { decryptSecret } from '../notifications/secret-box.js';
import { postWebhook } from '../notifications/webhook.js';
import type { ActivityDeps } from './deps.js';

export function createNotificationActivities({ db, config, logger }: ActivityDeps) {
  return {
    /** One attempt at one delivery; throws (to be retried with backoff) when the receiver did not take it. */
    async deliverNotification(input: { deliveryId: string }): Promise<'delivered' | 'skipped'> {
      const row = await loadDeliveryForSend(db, input.deliveryId);
      if (!row) return 'skipped'; // the target (and with it the delivery) was deleted
      if (row.status !== 'pending') return row.status === 'delivered' ? 'delivered' : 'skipped';
      if (!row.enabled) {
        await markDeliveryFailed(db, input.deliveryId, 'the target was disabled');
        return 'skipped';
      }
      const event: EventForDelivery = {
        id: row.event_id,
        type: row.type,
        companyId: row.company_id,
        data: row.data,
        createdAt: row.event_created_at,
        setupName: row.setup_name,
      };
      const { attemptId, attempt } = await beginAttempt(db, input.deliveryId);
      const context = Context.current();
      const beat = setInterval(() => context.heartbeat({ attempt }), 1000);
      let result: { ok: boolean; status?: number; error?: string };
      try {
        if (row.kind === 'webhook') {
          result = await postWebhook({
            url: row.url!,
            secret: decryptSecret(row.secret_encrypted!, config.notifications.secretsKey),
            id: webhookMessageId(event.id),
            body: webhookBody(event, config.publicBaseUrl),
            timeoutMs: 15_000,
            allowPrivate: config.notifications.allowPrivateWebhooks,
          });
        } else {
          const message = emailMessage(event, config.publicBaseUrl);
          result = await sendEmail({
            smtpUrl: config.notifications.smtpUrl,
            from: config.notifications.smtpFrom,
            to: row.emails ?? [],
            eventId: webhookMessageId(event.id),
            ...message,
          });
        }
      } catch (err) {
        result = { ok: false, error: (err as Error).message };
      } finally {
        clearInterval(beat);
      }
      await finishAttempt(db, {
        deliveryId: input.deliveryId,
        attemptId,
        ok: result.ok,
        statusCode: result.status,
        error: result.error,
      });
      notificationDeliveriesTotal.inc({ kind: row.kind, result: result.ok ? 'delivered' : 'failed' });
      if (!result.ok) {
        logger.warn(
          { deliveryId: input.deliveryId, attempt, kind: row.kind, status: result.status },
          'notification attempt failed; it is retried with backoff',
        );
        throw ApplicationFailure.retryable(result.error ?? 'delivery failed', 'DeliveryFailed');
      }
      logger.info({ deliveryId: input.deliveryId, attempt, kind: row.kind, type: row.type }, 'notification delivered');
      return 'delivered';
    },

    async recordDeliveryGaveUp(input: { deliveryId: string; error: string }): Promise<void> {
      await markDeliveryFailed(db, input.deliveryId, input.error);
      logger.warn({ deliveryId: input.deliveryId }, 'notification not delivered; gave up');
    },
  };
}
