import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { RunSchema, runJson } from '../../schemas/run.js';
import { loadOwnRun } from './load-run.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/runs/{id}',
  tags: ['runs'],
  summary: 'A run: status, mode, trigger, counts and live progress',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams },
  responses: { 200: { description: 'the run', ...jsonContent(RunSchema) }, ...errorResponses(400, 401, 403, 404) },
});

export function registerGetRun(app: App): void {
  app.openapi(route, async (c) => c.json(runJson(await loadOwnRun(c, c.req.valid('param').id)), 200));
}
