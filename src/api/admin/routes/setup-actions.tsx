import type { Context, Hono } from 'hono';
import { removeSetup, setSetupPaused, startRun } from '../../../setups/service.js';
import { RunAlreadyActive } from '../../../domain/errors.js';
import { ownSetup } from '../data/own-records.js';
import { setupName } from '../data/setup-overview.js';
import type { AdminEnv } from '../env.js';
import { ConfirmDeletePage, deleteConfirmed } from '../pages/confirm-delete.js';
import { pageContext, redirectTo, render } from '../render.js';

/** Run now or Preview: to the run's page, which shows its progress live; a run already going is shown instead. */
async function startAndShow(c: Context<AdminEnv>, dryRun: boolean) {
  const setup = await ownSetup(c, c.req.param('id')!);
  try {
    const runId = await startRun(c.get('deps'), setup, { dryRun, trigger: 'manual' });
    return redirectTo(c, `/admin/runs/${runId}`);
  } catch (err) {
    if (!(err instanceof RunAlreadyActive)) throw err;
    return redirectTo(c, `/admin/runs/${err.activeRunId}`, { notice: 'already_active' });
  }
}

/** The row actions of the Setup tab: Run now, Preview (dry run), Pause, Resume, Delete (after a confirmation page). */
export function registerSetupActions(admin: Hono<AdminEnv>): void {
  admin.post('/setup/:id/run', (c) => startAndShow(c, false));
  admin.post('/setup/:id/preview', (c) => startAndShow(c, true));

  for (const action of ['pause', 'resume'] as const) {
    admin.post(`/setup/:id/${action}`, async (c) => {
      const setup = await ownSetup(c, c.req.param('id'));
      await setSetupPaused(c.get('deps'), setup, action === 'pause');
      return redirectTo(c, '/admin/setup', { notice: action === 'pause' ? 'setup_paused' : 'setup_resumed' });
    });
  }

  admin.post('/setup/:id/delete', async (c) => {
    const setup = await ownSetup(c, c.req.param('id'));
    if (!(await deleteConfirmed(c.req))) {
      const t = c.get('t');
      return render(
        c,
        <ConfirmDeletePage
          page={pageContext(c)}
          tab="setup"
          title={t.confirmDelete.setupTitle(setupName(setup))}
          body={t.confirmDelete.setupBody}
          action={`/admin/setup/${setup.id}/delete`}
          cancelHref="/admin/setup"
        />,
      );
    }
    await removeSetup(c.get('deps'), setup);
    return redirectTo(c, '/admin/setup', { notice: 'setup_deleted' });
  });
}
