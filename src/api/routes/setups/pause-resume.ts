import { createRoute } from '@hono/zod-openapi';
import { setSetupPaused } from '../../../setups/service.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { SetupSchema, setupJson } from '../../schemas/setup.js';
import { loadOwnSetup } from './load-setup.js';

function pauseRoute(action: 'pause' | 'resume') {
  return createRoute({
    method: 'post',
    path: `/api/v1/setups/{id}/${action}`,
    tags: ['setups'],
    summary:
      action === 'pause'
        ? 'Pause a setup: its schedule stops'
        : 'Resume a paused (or failed) setup: its schedule runs again',
    security: [{ bearer: [] }],
    middleware: [authenticate] as const,
    request: { params: IdParams },
    responses: {
      200: { description: 'the setup', ...jsonContent(SetupSchema) },
      ...errorResponses(400, 401, 403, 404),
    },
  });
}

export function registerPauseResumeSetup(app: App): void {
  for (const action of ['pause', 'resume'] as const) {
    app.openapi(pauseRoute(action), async (c) => {
      const setup = await loadOwnSetup(c, c.req.valid('param').id);
      return c.json(setupJson(await setSetupPaused(c.get('deps'), setup, action === 'pause')), 200);
    });
  }
}
