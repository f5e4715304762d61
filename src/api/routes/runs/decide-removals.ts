import { createRoute } from '@hono/zod-openapi';
import { approveRemovalsSignal, rejectRemovalsSignal } from '../../../workflows/sync-run-messages.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { RunSchema, runJson } from '../../schemas/run.js';
import { loadOwnRun } from './load-run.js';

function decisionRoute(decision: 'approve' | 'reject') {
  return createRoute({
    method: 'post',
    path: `/api/v1/runs/{id}/${decision}-removals`,
    tags: ['runs'],
    summary:
      decision === 'approve'
        ? 'Approve the removals of a run held by the deletion guard: they are applied'
        : 'Reject the removals of a run held by the deletion guard: the run ends with them skipped',
    security: [{ bearer: [] }],
    middleware: [authenticate] as const,
    request: { params: IdParams },
    responses: {
      202: { description: 'the decision was sent to the run', ...jsonContent(RunSchema) },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });
}

export function registerDecideRemovals(app: App): void {
  for (const decision of ['approve', 'reject'] as const) {
    app.openapi(decisionRoute(decision), async (c) => {
      const run = await loadOwnRun(c, c.req.valid('param').id);
      if (run.status !== 'awaiting_approval' || !run.workflow_id) {
        throw ApiError.conflict(`the run is ${run.status}; only a run awaiting approval takes a decision`, {
          status: run.status,
        });
      }
      const signal = decision === 'approve' ? approveRemovalsSignal : rejectRemovalsSignal;
      await c
        .get('deps')
        .temporal.workflow.getHandle(run.workflow_id)
        .signal(signal, { by: c.get('principal').kind });
      return c.json(runJson(run), 202);
    });
  }
}
