import type { Hono } from 'hono';
import { restartConsent, retryableStatuses } from '../../../connections/service.js';
import { ownConnection } from '../data/own-records.js';
import type { AdminEnv } from '../env.js';
import { renderSystemTab } from './system.js';

/** Retry consent: a new consent attempt for a failed, denied, expired or revoked connection, at Microsoft's page. */
export function registerConnectionConsent(admin: Hono<AdminEnv>): void {
  admin.post('/system/connections/:id/consent', async (c) => {
    const connection = await ownConnection(c, c.req.param('id'));
    if (!(retryableStatuses as readonly string[]).includes(connection.status)) {
      return renderSystemTab(c, { kind: 'error', text: c.get('t').system.retryNotPossible }, 409);
    }
    const { consentUrl } = await restartConsent(c.get('deps'), connection);
    return c.redirect(consentUrl, 303);
  });
}
