import type { Hono } from 'hono';
import { approveRemovalsSignal, rejectRemovalsSignal } from '../../../workflows/sync-run-messages.js';
import { ownRun } from '../data/own-records.js';
import type { AdminEnv } from '../env.js';
import { redirectTo } from '../render.js';

/** Approve or reject the removals of a run held by the deletion guard; the run page then follows the run. */
export function registerRunDecision(admin: Hono<AdminEnv>): void {
  for (const decision of ['approve', 'reject'] as const) {
    admin.post(`/runs/:id/${decision}`, async (c) => {
      const run = await ownRun(c, c.req.param('id'));
      const page = `/admin/runs/${run.id}`;
      if (run.status !== 'awaiting_approval' || !run.workflow_id)
        return redirectTo(c, page, { notice: 'not_awaiting' });
      const signal = decision === 'approve' ? approveRemovalsSignal : rejectRemovalsSignal;
      await c
        .get('deps')
        .temporal.workflow.getHandle(run.workflow_id)
        .signal(signal, { by: `admin pages (API key ${c.get('session').keyId})` });
      return redirectTo(c, page, { notice: decision === 'approve' ? 'approved' : 'rejected' });
    });
  }
}
