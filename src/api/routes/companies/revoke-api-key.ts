import { createRoute, z } from '@hono/zod-openapi';
import { revokeCompanyApiKey } from '../../../db/repositories/api-keys.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate, requireOperator } from '../../middleware/auth.js';
import { IdParams } from '../../schemas/common.js';

const Params = IdParams.extend({
  keyId: z.uuid({ message: 'must be a UUID' }).openapi({ param: { name: 'keyId', in: 'path' } }),
});

const route = createRoute({
  method: 'delete',
  path: '/api/v1/companies/{id}/api-keys/{keyId}',
  tags: ['companies'],
  summary: "Revoke a company's API key (operator): refused from the next request on, its admin sessions end",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: Params },
  responses: { 204: { description: 'revoked (also when it already was)' }, ...errorResponses(400, 401, 403, 404) },
});

export function registerRevokeApiKey(app: App): void {
  app.openapi(route, async (c) => {
    requireOperator(c.get('principal'));
    const { id, keyId } = c.req.valid('param');
    if (!(await revokeCompanyApiKey(c.get('deps').db, id, keyId))) throw ApiError.notFound('API key');
    c.get('deps').logger.info({ companyId: id, apiKeyId: keyId, requestId: c.get('requestId') }, 'API key revoked');
    return c.body(null, 204);
  });
}
