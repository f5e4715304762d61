import { createRoute, z } from '@hono/zod-openapi';
import { latestRun } from '../../../db/repositories/run-history.js';
import { nextScheduledRun } from '../../../setups/schedules.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { RunSchema, runJson } from '../../schemas/run.js';
import { SetupSchema, setupJson } from '../../schemas/setup.js';
import { loadOwnSetup } from './load-setup.js';

const Detailed = SetupSchema.extend({ lastRun: RunSchema.nullable(), nextRunAt: z.string().nullable() }).openapi(
  'SetupWithSchedule',
);

const route = createRoute({
  method: 'get',
  path: '/api/v1/setups/{id}',
  tags: ['setups'],
  summary: 'One setup with its last run and next scheduled run',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams },
  responses: { 200: { description: 'the setup', ...jsonContent(Detailed) }, ...errorResponses(400, 401, 403, 404) },
});

export function registerGetSetup(app: App): void {
  app.openapi(route, async (c) => {
    const setup = await loadOwnSetup(c, c.req.valid('param').id);
    const { db, temporal } = c.get('deps');
    const [last, next] = await Promise.all([latestRun(db, setup.id), nextScheduledRun(temporal, setup.id)]);
    return c.json(
      { ...setupJson(setup), lastRun: last ? runJson(last) : null, nextRunAt: next?.toISOString() ?? null },
      200,
    );
  });
}
