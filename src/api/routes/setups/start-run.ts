import { createRoute, z } from '@hono/zod-openapi';
import { startRun } from '../../../setups/service.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { loadOwnSetup } from './load-setup.js';

const Body = z
  .object({
    dryRun: z.boolean().default(false).openapi({ description: 'compute and store the full plan, apply nothing' }),
    fullSync: z
      .boolean()
      .default(false)
      .openapi({ description: 'read the whole group even when an incremental (delta) run is possible' }),
  })
  .strict();

const route = createRoute({
  method: 'post',
  path: '/api/v1/setups/{id}/runs',
  tags: ['runs'],
  summary: 'Start a run now (one at a time per setup)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams, body: { required: false, content: { 'application/json': { schema: Body } } } },
  responses: {
    202: { description: 'started', ...jsonContent(z.object({ runId: z.uuid() }).openapi('StartedRun')) },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

export function registerStartRun(app: App): void {
  app.openapi(route, async (c) => {
    const setup = await loadOwnSetup(c, c.req.valid('param').id);
    const body = (c.req.valid('json') as z.infer<typeof Body> | undefined) ?? { dryRun: false, fullSync: false };
    const runId = await startRun(c.get('deps'), setup, {
      dryRun: body.dryRun,
      fullSync: body.fullSync,
      trigger: 'api',
    });
    return c.json({ runId }, 202);
  });
}
