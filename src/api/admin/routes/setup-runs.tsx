import type { Hono } from 'hono';
import { listSetupRuns } from '../../../db/repositories/run-history.js';
import { pageParam } from '../components/pager.js';
import { ownSetup } from '../data/own-records.js';
import type { AdminEnv } from '../env.js';
import { SetupRunsPage } from '../pages/setup-runs.js';
import { pageContext, render } from '../render.js';

/** A setup's run history. */
export function registerSetupRuns(admin: Hono<AdminEnv>): void {
  admin.get('/setup/:id/runs', async (c) => {
    const setup = await ownSetup(c, c.req.param('id'));
    const current = pageParam(c.req.query('page'));
    const { rows, total } = await listSetupRuns(c.get('deps').db, setup.id, current);
    return render(c, <SetupRunsPage page={pageContext(c)} setup={setup} runs={rows} total={total} current={current} />);
  });
}
