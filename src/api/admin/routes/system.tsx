import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { listCompanyConnections } from '../../../db/repositories/connections.js';
import { ldapSettingsByConnection } from '../../../db/repositories/ldap-connections.js';
import { consentNotice } from '../data/consent-notice.js';
import type { AdminEnv } from '../env.js';
import { SystemPage, type SystemNotice } from '../pages/system.js';
import { pageContext, render } from '../render.js';

/** The System tab with the company's connections; row actions that fail come back here with their reason. */
export async function renderSystemTab(c: Context<AdminEnv>, notice?: SystemNotice, status: ContentfulStatusCode = 200) {
  const db = c.get('deps').db;
  const connections = await listCompanyConnections(db, c.get('company').id);
  const ldap = await ldapSettingsByConnection(db, connections);
  return render(c, <SystemPage page={pageContext(c)} connections={connections} ldap={ldap} notice={notice} />, status);
}

export function registerSystemTab(admin: Hono<AdminEnv>): void {
  admin.get('/system', async (c) => renderSystemTab(c, await consentNotice(c)));
}
