import { createRoute } from '@hono/zod-openapi';
import { listTenantShare, tenantShareAudit } from '../../../db/repositories/tenant-shares.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate, requireOperator } from '../../middleware/auth.js';
import { jsonContent } from '../../schemas/common.js';
import { TenantParams, TenantShareSchema, tenantShareJson } from '../../schemas/tenant-share.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/tenant-shares/{tenantId}',
  tags: ['tenant shares'],
  summary: 'Which companies may share one Entra tenant, with the audit of every change (operator)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: TenantParams },
  responses: {
    200: { description: 'the share (no companies: not shared)', ...jsonContent(TenantShareSchema) },
    ...errorResponses(400, 401, 403),
  },
});

export function registerGetTenantShare(app: App): void {
  app.openapi(route, async (c) => {
    requireOperator(c.get('principal'));
    const { tenantId } = c.req.valid('param');
    const db = c.get('deps').db;
    return c.json(
      tenantShareJson(tenantId, await listTenantShare(db, tenantId), await tenantShareAudit(db, tenantId)),
      200,
    );
  });
}
