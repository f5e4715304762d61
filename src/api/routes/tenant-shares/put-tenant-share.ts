import { createRoute, z } from '@hono/zod-openapi';
import { listCompanies } from '../../../db/repositories/companies.js';
import { setTenantShare, tenantShareAudit } from '../../../db/repositories/tenant-shares.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate, requireOperator } from '../../middleware/auth.js';
import { jsonBody, jsonContent } from '../../schemas/common.js';
import { TenantParams, TenantShareSchema, tenantShareJson } from '../../schemas/tenant-share.js';

const Body = z
  .object({
    companyIds: z
      .array(z.uuid({ message: 'must be a company id (UUID)' }))
      .min(2, { message: 'a share needs at least two companies; DELETE the share to end it' })
      .max(100, { message: 'at most 100 companies' }),
  })
  .strict();

const route = createRoute({
  method: 'put',
  path: '/api/v1/tenant-shares/{tenantId}',
  tags: ['tenant shares'],
  summary: 'Allow a set of companies to connect the same Entra tenant (group companies; operator, audited)',
  description:
    'Without a share, a tenant connected to one company cannot be connected by another. The set replaces the previous one; connections already made stay as they are.',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: TenantParams, body: jsonBody(Body) },
  responses: { 200: { description: 'the share', ...jsonContent(TenantShareSchema) }, ...errorResponses(400, 401, 403) },
});

export function registerPutTenantShare(app: App): void {
  app.openapi(route, async (c) => {
    requireOperator(c.get('principal'));
    const { tenantId } = c.req.valid('param');
    const { companyIds } = c.req.valid('json');
    const db = c.get('deps').db;
    const known = new Set((await listCompanies(db)).map((co) => co.id));
    const unknown = companyIds.filter((id) => !known.has(id.toLowerCase()));
    if (unknown.length > 0) {
      throw new ApiError(
        400,
        'validation_failed',
        'unknown company ids',
        unknown.map(() => ({ field: 'companyIds', reason: 'no such company' })),
      );
    }
    const saved = await setTenantShare(db, { tenantGuid: tenantId, companyIds, actor: 'operator' });
    return c.json(tenantShareJson(tenantId, saved, await tenantShareAudit(db, tenantId)), 200);
  });
}
