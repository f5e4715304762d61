import { createRoute, z } from '@hono/zod-openapi';
import { listCompanyApiKeys } from '../../../db/repositories/api-keys.js';
import { findCompany } from '../../../db/repositories/companies.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate, requireOperator } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { ApiKeySchema, apiKeyJson } from './api-key-json.js';

const Query = z.object({
  includeRevoked: z
    .enum(['true', 'false'], { message: "must be 'true' or 'false'" })
    .optional()
    .openapi({ description: 'also list revoked keys' }),
});

const route = createRoute({
  method: 'get',
  path: '/api/v1/companies/{id}/api-keys',
  tags: ['companies'],
  summary: "List a company's API keys: prefix, name, created, last used (operator); never the keys",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams, query: Query },
  responses: {
    200: { description: 'the keys, newest first', ...jsonContent(z.object({ items: z.array(ApiKeySchema) })) },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function registerListApiKeys(app: App): void {
  app.openapi(route, async (c) => {
    requireOperator(c.get('principal'));
    const { id } = c.req.valid('param');
    const { db } = c.get('deps');
    if (!(await findCompany(db, id))) throw ApiError.notFound('company');
    const rows = await listCompanyApiKeys(db, id, { includeRevoked: c.req.valid('query').includeRevoked === 'true' });
    return c.json({ items: rows.map(apiKeyJson) }, 200);
  });
}
