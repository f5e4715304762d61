import { createRoute, z } from '@hono/zod-openapi';
import { directoryProviderFor } from '../../../directory/factory.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { loadOwnConnection } from './load-connection.js';

const GroupSchema = z
  .object({ id: z.string(), displayName: z.string(), description: z.string().nullable(), mail: z.string().nullable() })
  .openapi('DirectoryGroup');

const route = createRoute({
  method: 'get',
  path: '/api/v1/connections/{id}/groups',
  tags: ['connections'],
  summary: 'Find groups in the tenant by display name (so nobody copies object ids from the Azure portal)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams, query: z.object({ search: z.string().trim().max(100).default('') }) },
  responses: {
    200: { description: 'matching groups', ...jsonContent(z.object({ items: z.array(GroupSchema) })) },
    ...errorResponses(400, 401, 403, 404, 409, 502),
  },
});

export function registerSearchGroups(app: App): void {
  app.openapi(route, async (c) => {
    const connection = await loadOwnConnection(c, c.req.valid('param').id);
    if (connection.status !== 'connected')
      throw ApiError.conflict(`the connection is ${connection.status}; groups can be searched once it is connected`);
    const directory = directoryProviderFor(c.get('deps'), connection);
    try {
      const groups = await directory.searchGroups(c.req.valid('query').search);
      const items = groups.map((g) => ({
        id: g.id,
        displayName: g.displayName,
        description: g.description ?? null,
        mail: g.mail ?? null,
      }));
      return c.json({ items }, 200);
    } catch (err) {
      throw new ApiError(502, 'upstream_error', `the directory: ${directory.classify(err).message}`);
    }
  });
}
