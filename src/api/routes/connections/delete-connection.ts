import { createRoute } from '@hono/zod-openapi';
import { removeConnection } from '../../../connections/service.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams } from '../../schemas/common.js';
import { loadOwnConnection } from './load-connection.js';

const route = createRoute({
  method: 'delete',
  path: '/api/v1/connections/{id}',
  tags: ['connections'],
  summary: 'Delete a connection (refused while setups use it)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams },
  responses: { 204: { description: 'deleted' }, ...errorResponses(400, 401, 403, 404, 409) },
});

export function registerDeleteConnection(app: App): void {
  app.openapi(route, async (c) => {
    const connection = await loadOwnConnection(c, c.req.valid('param').id);
    const { blockingSetups } = await removeConnection(c.get('deps'), connection);
    if (blockingSetups > 0)
      throw ApiError.conflict(`${blockingSetups} setup(s) use this connection; delete them first`, {
        setups: blockingSetups,
      });
    return c.body(null, 204);
  });
}
