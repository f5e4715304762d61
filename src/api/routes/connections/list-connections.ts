import { createRoute, z } from '@hono/zod-openapi';
import { listCompanyConnections } from '../../../db/repositories/connections.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { requireDirectorySync } from '../../module-gate.js';
import { jsonContent } from '../../schemas/common.js';
import { ConnectionSchema, connectionJson } from '../../schemas/connection.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/connections',
  tags: ['connections'],
  summary: "The company's directory connections",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  responses: {
    200: { description: 'the list', ...jsonContent(z.object({ items: z.array(ConnectionSchema) })) },
    ...errorResponses(401, 403),
  },
});

export function registerListConnections(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = await requireDirectorySync(c);
    const rows = await listCompanyConnections(c.get('deps').db, companyId);
    return c.json({ items: rows.map((row) => connectionJson(row)) }, 200);
  });
}
