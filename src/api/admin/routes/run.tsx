import type { Context, Hono } from 'hono';
import { findCompanySetup } from '../../../db/repositories/setups.js';
import { pageParam } from '../components/pager.js';
import { ownRun } from '../data/own-records.js';
import { pendingRemovals } from '../data/pending-removals.js';
import { asChangeAction, runChangesPage } from '../data/run-changes.js';
import type { AdminEnv } from '../env.js';
import { RunPage } from '../pages/run.js';
import { pageContext, render } from '../render.js';

/** The notice a run action redirected here with. */
function runNotice(c: Context<AdminEnv>) {
  const t = c.get('t');
  switch (c.req.query('notice')) {
    case 'already_active':
      return { kind: 'info' as const, text: t.runs.alreadyActive };
    case 'approved':
      return { kind: 'success' as const, text: t.run.approved };
    case 'rejected':
      return { kind: 'success' as const, text: t.run.rejected };
    case 'not_awaiting':
      return { kind: 'error' as const, text: t.run.notAwaiting };
    default:
      return undefined;
  }
}

/** A run: progress (live while it runs), the approval prompt of a guarded run, its changes filterable by action. */
export function registerRunPage(admin: Hono<AdminEnv>): void {
  admin.get('/runs/:id', async (c) => {
    const run = await ownRun(c, c.req.param('id'));
    const { db } = c.get('deps');
    const setup = run.setup_id ? await findCompanySetup(db, c.get('company').id, run.setup_id) : undefined;
    const [changes, removals] = await Promise.all([
      runChangesPage(db, c.get('company').id, run.id, {
        action: asChangeAction(c.req.query('action')),
        page: pageParam(c.req.query('page')),
      }),
      run.status === 'awaiting_approval' && setup ? pendingRemovals(db, setup, run) : undefined,
    ]);
    return render(
      c,
      <RunPage
        page={pageContext(c)}
        run={run}
        setup={setup}
        changes={changes}
        removals={removals}
        notice={runNotice(c)}
      />,
    );
  });
}
