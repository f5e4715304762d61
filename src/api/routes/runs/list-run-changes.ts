import { createRoute, z } from '@hono/zod-openapi';
import { listRunChanges } from '../../../db/repositories/run-history.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { ChangeSchema, PageQuery, changeActions, changeJson, pageOf } from '../../schemas/run.js';
import { loadOwnRun } from './load-run.js';

const Query = PageQuery.extend({
  action: z.enum(changeActions, { message: `must be one of ${changeActions.join(', ')}` }).optional(),
});

const route = createRoute({
  method: 'get',
  path: '/api/v1/runs/{id}/changes',
  tags: ['runs'],
  summary: "A run's audited changes (for a dry run: its plan), each with its reason",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams, query: Query },
  responses: {
    200: { description: 'a page of changes', ...jsonContent(pageOf(ChangeSchema, 'ChangePage')) },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function registerListRunChanges(app: App): void {
  app.openapi(route, async (c) => {
    const run = await loadOwnRun(c, c.req.valid('param').id);
    const { page, action } = c.req.valid('query');
    const { rows, total } = await listRunChanges(c.get('deps').db, run.id, { action, page });
    return c.json({ items: rows.map(changeJson), total, page }, 200);
  });
}
