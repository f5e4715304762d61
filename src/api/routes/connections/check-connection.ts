import { createRoute } from '@hono/zod-openapi';
import { reasonText } from '../../../sync/reasons.js';
import { statusBecause } from '../../../sync/status-reasons.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { ConnectionSchema } from '../../schemas/connection.js';
import { checkConnectionNow } from '../../../connections/check-now.js';
import { connectionBody, loadOwnConnection } from './load-connection.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/connections/{id}/check',
  tags: ['connections'],
  summary: 'Test a connection now (Entra: token, organisation, permissions; LDAP: TLS, bind, rootDSE, base DN)',
  description:
    'Lost consent moves the connection to `consent_revoked` and pauses its setups, with the reason. Only a connection once connected through a tenant admin’s sign-in is re-checked; any other answers 409 and stays as it is.',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams },
  responses: {
    200: { description: 'the connection after the check', ...jsonContent(ConnectionSchema) },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

export function registerCheckConnection(app: App): void {
  app.openapi(route, async (c) => {
    const connection = await loadOwnConnection(c, c.req.valid('param').id);
    // An ldap connection has no consent: it is verified whenever asked (after a fix of its DC, CA or password).
    if (connection.provider !== 'ldap') {
      if (connection.status === 'pending_consent' || connection.status === 'verifying') {
        throw ApiError.conflict(`the connection is ${connection.status}; finish the consent first`);
      }
      if (!connection.admin_verified_at)
        throw ApiError.conflict(reasonText(statusBecause.neverConnected), { status: connection.status });
    }
    const deps = c.get('deps');
    await checkConnectionNow(deps, connection.id);
    return c.json(await connectionBody(deps.db, connection.id), 200);
  });
}
