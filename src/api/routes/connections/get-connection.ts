import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { ConnectionSchema, connectionJson } from '../../schemas/connection.js';
import { loadOwnConnection } from './load-connection.js';

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
    return c.json(connectionJson(await loadOwnConnection(c, c.req.valid('param').id)), 200);
  });
}
