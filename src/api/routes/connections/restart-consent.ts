import { createRoute } from '@hono/zod-openapi';
import { restartConsent, retryableStatuses } from '../../../connections/service.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { ConnectionWithConsentSchema, connectionJson } from '../../schemas/connection.js';
import { loadOwnConnection } from './load-connection.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/connections/{id}/consent',
  tags: ['connections'],
  summary: 'Start a new consent attempt (failed, denied, expired or revoked connections)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams },
  responses: {
    200: { description: 'a new consent URL', ...jsonContent(ConnectionWithConsentSchema) },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

export function registerRestartConsent(app: App): void {
  app.openapi(route, async (c) => {
    const connection = await loadOwnConnection(c, c.req.valid('param').id);
    if (connection.provider === 'ldap')
      throw ApiError.conflict('an LDAP connection has no consent; check it again with POST /connections/{id}/check');
    if (!(retryableStatuses as readonly string[]).includes(connection.status)) {
      throw ApiError.conflict(
        `the connection is ${connection.status}; a new consent attempt is only for ${retryableStatuses.join(', ')} connections`,
        { status: connection.status },
      );
    }
    const result = await restartConsent(c.get('deps'), connection);
    return c.json({ ...connectionJson(result.connection), consentUrl: result.consentUrl }, 200);
  });
}
