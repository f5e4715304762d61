import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { ConnectionSchema } from '../../schemas/connection.js';
import { connectionBody, loadOwnConnection } from './load-connection.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/connections/{id}',
  tags: ['connections'],
  summary: 'One connection with its status and the reason',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams },
  responses: {
    200: { description: 'the connection', ...jsonContent(ConnectionSchema) },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function registerGetConnection(app: App): void {
  app.openapi(route, async (c) => {
    const connection = await loadOwnConnection(c, c.req.valid('param').id);
    return c.json(await connectionBody(c.get('deps').db, connection.id), 200);
  });
}
