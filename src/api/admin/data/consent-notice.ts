import type { Context } from 'hono';
import { z } from 'zod';
import { awaitOnboardingOutcome } from '../../../connections/service.js';
import { findCompanyConnection } from '../../../db/repositories/connections.js';
import type { AdminEnv } from '../env.js';
import type { SystemNotice } from '../pages/system.js';
import { shownReason } from '../stored-reason.js';

/** How long the tab waits for a denied or failed onboarding to record its reason, so the notice can say why. */
const reasonWaitMs = 5_000;

/**
 * The notice the consent callback asked for (`?notice=…&connection=…`), worded from the connection as it is
 * now: the organisation's name when established, the recorded reason when not. A connection of another
 * company, or an unknown notice, shows nothing.
 */
export async function consentNotice(c: Context<AdminEnv>): Promise<SystemNotice | undefined> {
  const t = c.get('t');
  const notice = c.req.query('notice');
  if (notice === 'connection_deleted') return { kind: 'success', text: t.system.notices.connection_deleted };
  const id = c.req.query('connection');
  if (!notice || !id || !z.uuid().safeParse(id).success) return undefined;
  const deps = c.get('deps');
  const companyId = c.get('company').id;
  let connection = await findCompanyConnection(deps.db, companyId, id);
  if (!connection) return undefined;
  const settling = connection.status === 'pending_consent' || connection.status === 'verifying';
  if ((notice === 'consent_denied' || notice === 'connection_failed') && settling) {
    await awaitOnboardingOutcome(deps, id, reasonWaitMs);
    connection = (await findCompanyConnection(deps.db, companyId, id)) ?? connection;
  }
  const reason = connection.status_reason
    ? shownReason(t, connection.status_reason, connection.status_reason_detail)
    : t.system.status[connection.status];
  switch (notice) {
    case 'connection_established':
      return {
        kind: 'success',
        text:
          t.system.notices.connection_established(connection.organization_name ?? connection.tenant_id) +
          (connection.admin_upn ? ` ${t.system.notices.signed_in_as(connection.admin_upn)}` : ''),
      };
    case 'connection_failed':
      return { kind: 'error', text: t.system.notices.connection_failed(reason) };
    case 'consent_denied':
      return { kind: 'error', text: t.system.notices.consent_denied(reason) };
    case 'ldap_checked':
      return connection.status === 'connected'
        ? {
            kind: 'success',
            text: t.system.notices.connection_established(connection.organization_name ?? connection.tenant_id),
          }
        : { kind: 'error', text: t.system.notices.connection_failed(reason) };
    case 'connection_verifying':
      return { kind: 'info', text: t.system.notices.connection_verifying };
    default:
      return undefined;
  }
}
