import { createRoute } from '@hono/zod-openapi';
import { setTenantShare } from '../../../db/repositories/tenant-shares.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate, requireOperator } from '../../middleware/auth.js';
import { TenantParams } from '../../schemas/tenant-share.js';

const route = createRoute({
  method: 'delete',
  path: '/api/v1/tenant-shares/{tenantId}',
  tags: ['tenant shares'],
  summary: 'End a tenant share: from now on one company per tenant again (operator, audited)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: TenantParams },
  responses: { 204: { description: 'ended (also when there was none)' }, ...errorResponses(400, 401, 403) },
});

export function registerDeleteTenantShare(app: App): void {
  app.openapi(route, async (c) => {
    requireOperator(c.get('principal'));
    await setTenantShare(c.get('deps').db, {
      tenantGuid: c.req.valid('param').tenantId,
      companyIds: [],
      actor: 'operator',
    });
    return c.body(null, 204);
  });
}
