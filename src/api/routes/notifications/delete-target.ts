import { createRoute } from '@hono/zod-openapi';
import { deleteCompanyTarget } from '../../../db/repositories/notifications.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams } from '../../schemas/common.js';
import { loadOwnTarget } from './load-target.js';

const route = createRoute({
  method: 'delete',
  path: '/api/v1/notification-targets/{id}',
  tags: ['notifications'],
  summary: 'Remove a notification target (its pending deliveries stop)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams },
  responses: { 204: { description: 'deleted' }, ...errorResponses(400, 401, 403, 404) },
});

export function registerDeleteTarget(app: App): void {
  app.openapi(route, async (c) => {
    const target = await loadOwnTarget(c, c.req.valid('param').id);
    await deleteCompanyTarget(c.get('deps').db, target.company_id, target.id);
    return c.body(null, 204);
  });
}
