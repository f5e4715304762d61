import { createRoute } from '@hono/zod-openapi';
import { changeSetup } from '../../../setups/service.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonBody, jsonContent } from '../../schemas/common.js';
import { SetupSchema, UpdateSetupBody, setupJson } from '../../schemas/setup.js';
import { loadOwnSetup } from './load-setup.js';

const route = createRoute({
  method: 'patch',
  path: '/api/v1/setups/{id}',
  tags: ['setups'],
  summary: 'Change a setup (its schedule follows)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams, body: jsonBody(UpdateSetupBody) },
  responses: {
    200: { description: 'updated', ...jsonContent(SetupSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 422, 502),
  },
});

export function registerUpdateSetup(app: App): void {
  app.openapi(route, async (c) => {
    const setup = await loadOwnSetup(c, c.req.valid('param').id);
    return c.json(setupJson(await changeSetup(c.get('deps'), setup, c.req.valid('json'))), 200);
  });
}
