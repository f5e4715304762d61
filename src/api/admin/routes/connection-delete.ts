import type { Hono } from 'hono';
import { removeConnection } from '../../../connections/service.js';
import { ownConnection } from '../data/own-records.js';
import type { AdminEnv } from '../env.js';
import { redirectTo } from '../render.js';
import { renderSystemTab } from './system.js';

/** Delete a connection; refused while setups use it (as the API refuses it). */
export function registerConnectionDelete(admin: Hono<AdminEnv>): void {
  admin.post('/system/connections/:id/delete', async (c) => {
    const connection = await ownConnection(c, c.req.param('id'));
    const { blockingSetups } = await removeConnection(c.get('deps'), connection);
    if (blockingSetups > 0) return renderSystemTab(c, { kind: 'error', text: c.get('t').system.deleteBlocked(blockingSetups) }, 409);
    return redirectTo(c, '/admin/system', { notice: 'connection_deleted' });
  });
}
