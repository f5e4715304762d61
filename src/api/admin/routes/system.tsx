import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { listCompanyConnections } from '../../../db/repositories/connections.js';
import { consentNotice } from '../data/consent-notice.js';
import type { AdminEnv } from '../env.js';
import { SystemPage, type SystemNotice } from '../pages/system.js';
import { pageContext, render } from '../render.js';

/** The System tab with the company's connections; row actions that fail come back here with their reason. */
export async function renderSystemTab(c: Context<AdminEnv>, notice?: SystemNotice, status: ContentfulStatusCode = 200) {
  const connections = await listCompanyConnections(c.get('deps').db, c.get('company').id);
  return render(c, <SystemPage page={pageContext(c)} connections={connections} notice={notice} />, status);
}

export function registerSystemTab(admin: Hono<AdminEnv>): void {
  admin.get('/system', async (c) => renderSystemTab(c, await consentNotice(c)));
}
