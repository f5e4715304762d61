import { createRoute } from '@hono/zod-openapi';
import { removeSetup } from '../../../setups/service.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams } from '../../schemas/common.js';
import { loadOwnSetup } from './load-setup.js';

const route = createRoute({
  method: 'delete',
  path: '/api/v1/setups/{id}',
  tags: ['setups'],
  summary: 'Delete a setup and its schedule (its users stay, no longer managed; run history stays)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams },
  responses: { 204: { description: 'deleted' }, ...errorResponses(400, 401, 403, 404) },
});

export function registerDeleteSetup(app: App): void {
  app.openapi(route, async (c) => {
    await removeSetup(c.get('deps'), await loadOwnSetup(c, c.req.valid('param').id));
    return c.body(null, 204);
  });
}
