import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { createTestDelivery, insertTarget } from '../db/repositories/notifications.js';
import { defaultTargetEventTypes } from '../events/types.js';
import { dispatchDelivery } from './dispatch.js';
import { encryptSecret, generateWebhookSecret } from './secret-box.js';
import { literalPrivateHost } from './address-guard.js';

/** The webhook's host is a private or local address and the service does not allow those. */
export class PrivateWebhookError extends Error {
  override readonly name = 'PrivateWebhookError';
}

export type TargetInput =
  | { kind: 'webhook'; name: string; url: string; eventTypes?: string[] }
  | { kind: 'email'; name: string; emails: string[]; eventTypes?: string[] };

/** A new target; a webhook gets a fresh signing secret, stored encrypted and returned this once. */
export async function createTarget(deps: { db: Db; config: Config }, companyId: string, input: TargetInput) {
  const eventTypes = input.eventTypes ?? [...defaultTargetEventTypes];
  if (input.kind === 'webhook') {
    if (!deps.config.notifications.allowPrivateWebhooks && literalPrivateHost(input.url)) {
      throw new PrivateWebhookError('must not be a private or local address (this service does not allow them)');
    }
    const secret = generateWebhookSecret();
    const secretEncrypted = encryptSecret(secret, deps.config.notifications.secretsKey); // throws without SECRETS_KEY
    const row = await insertTarget(deps.db, {
      companyId,
      kind: 'webhook',
      name: input.name,
      url: input.url,
      secretEncrypted,
      eventTypes,
    });
    return { row, secret };
  }
  const emails = [...new Set(input.emails.map((e) => e.trim().toLowerCase()))];
  const row = await insertTarget(deps.db, { companyId, kind: 'email', name: input.name, emails, eventTypes });
  return { row, secret: undefined };
}

/** "Send a test notification": one notification.test delivery to the target, started now. */
export async function sendTestNotification(
  deps: { db: Db; config: Config; temporal: Client },
  companyId: string,
  targetId: string,
): Promise<string> {
  const { deliveryId } = await createTestDelivery(deps.db, companyId, targetId);
  await dispatchDelivery(deps, deliveryId);
  return deliveryId;
}
