import { createRoute } from '@hono/zod-openapi';
import { listSetupRuns } from '../../../db/repositories/run-history.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { PageQuery, RunSchema, pageOf, runJson } from '../../schemas/run.js';
import { loadOwnSetup } from './load-setup.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/setups/{id}/runs',
  tags: ['runs'],
  summary: "A setup's run history, newest first",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams, query: PageQuery },
  responses: {
    200: { description: 'a page of runs', ...jsonContent(pageOf(RunSchema, 'RunPage')) },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function registerListSetupRuns(app: App): void {
  app.openapi(route, async (c) => {
    const setup = await loadOwnSetup(c, c.req.valid('param').id);
    const { page } = c.req.valid('query');
    const { rows, total } = await listSetupRuns(c.get('deps').db, setup.id, page);
    return c.json({ items: rows.map(runJson), total, page }, 200);
  });
}
