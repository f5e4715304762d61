import type { Hono } from 'hono';
import { WorkflowNotFoundError } from '@temporalio/client';
import { countSetupsUsingConnection, deleteConnection } from '../../../db/repositories/connections.js';
import { onboardingWorkflowId } from '../../../workflows/onboarding-messages.js';
import { ownConnection } from '../data/own-records.js';
import type { AdminEnv } from '../env.js';
import { redirectTo } from '../render.js';
import { renderSystemTab } from './system.js';

/** Delete a connection; refused while setups use it (as the API refuses it). */
export function registerConnectionDelete(admin: Hono<AdminEnv>): void {
  admin.post('/system/connections/:id/delete', async (c) => {
    const connection = await ownConnection(c, c.req.param('id'));
    const { db, temporal } = c.get('deps');
    const setups = await countSetupsUsingConnection(db, connection.id);
    if (setups > 0) return renderSystemTab(c, { kind: 'error', text: c.get('t').system.deleteBlocked(setups) }, 409);
    // An onboarding still waiting for consent has nothing left to wait for.
    await temporal.workflow
      .getHandle(onboardingWorkflowId(connection.id))
      .terminate('connection deleted')
      .catch((err) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    await deleteConnection(db, connection.id);
    return redirectTo(c, '/admin/system', { notice: 'connection_deleted' });
  });
}
