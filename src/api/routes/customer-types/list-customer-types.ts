import { createRoute, z } from '@hono/zod-openapi';
import { listCustomerTypes } from '../../../db/repositories/customer-types.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate, requireCompany } from '../../middleware/auth.js';
import { jsonContent } from '../../schemas/common.js';
import { CustomerTypeSchema } from '../../schemas/company.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/customer-types',
  tags: ['customer types'],
  summary: "The company's customer types",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  responses: {
    200: { description: 'the list', ...jsonContent(z.object({ items: z.array(CustomerTypeSchema) })) },
    ...errorResponses(401, 403),
  },
});

export function registerListCustomerTypes(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = requireCompany(c.get('principal'));
    const rows = await listCustomerTypes(c.get('deps').db, companyId);
    return c.json({ items: rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at.toISOString() })) }, 200);
  });
}
