import type { Hono } from 'hono';
import { removeConnection } from '../../../connections/service.js';
import { countSetupsUsingConnection } from '../../../db/repositories/connections.js';
import { ownConnection } from '../data/own-records.js';
import { connectionLabel } from '../data/setup-choices.js';
import type { AdminEnv } from '../env.js';
import { ConfirmDeletePage, deleteConfirmed } from '../pages/confirm-delete.js';
import { pageContext, redirectTo, render } from '../render.js';
import { renderSystemTab } from './system.js';

/** Delete a connection after a confirmation page; refused while setups use it (as the API refuses it). */
export function registerConnectionDelete(admin: Hono<AdminEnv>): void {
  admin.post('/system/connections/:id/delete', async (c) => {
    const connection = await ownConnection(c, c.req.param('id'));
    const refuse = (blockingSetups: number) =>
      renderSystemTab(c, { kind: 'error', text: c.get('t').system.deleteBlocked(blockingSetups) }, 409);
    if (!(await deleteConfirmed(c.req))) {
      // Nothing to ask when it cannot be deleted anyway; removeConnection checks again when it deletes.
      const using = await countSetupsUsingConnection(c.get('deps').db, connection.id);
      if (using > 0) return refuse(using);
      const t = c.get('t');
      return render(
        c,
        <ConfirmDeletePage
          page={pageContext(c)}
          tab="system"
          title={t.confirmDelete.connectionTitle(connectionLabel(connection))}
          body={t.confirmDelete.connectionBody}
          action={`/admin/system/connections/${connection.id}/delete`}
          cancelHref="/admin/system"
        />,
      );
    }
    const { blockingSetups } = await removeConnection(c.get('deps'), connection);
    if (blockingSetups > 0) return refuse(blockingSetups);
    return redirectTo(c, '/admin/system', { notice: 'connection_deleted' });
  });
}
