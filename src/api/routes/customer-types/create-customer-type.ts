import { createRoute, z } from '@hono/zod-openapi';
import { addCustomerType } from '../../../customer-types/service.js';
import { limits, ruleMessages } from '../../../domain/rules.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate, requireCompany } from '../../middleware/auth.js';
import { jsonBody, jsonContent } from '../../schemas/common.js';
import { CustomerTypeSchema } from '../../schemas/company.js';

const Body = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { message: ruleMessages.required })
      .max(limits.customerTypeName, { message: ruleMessages.tooLong(limits.customerTypeName) }),
  })
  .strict();

const route = createRoute({
  method: 'post',
  path: '/api/v1/customer-types',
  tags: ['customer types'],
  summary: 'Create a customer type',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { body: jsonBody(Body) },
  responses: {
    201: { description: 'created', ...jsonContent(CustomerTypeSchema) },
    ...errorResponses(400, 401, 403, 409),
  },
});

export function registerCreateCustomerType(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = requireCompany(c.get('principal'));
    const { name } = c.req.valid('json');
    const row = await addCustomerType(c.get('deps').db, companyId, name);
    return c.json({ id: row.id, name: row.name, createdAt: row.created_at.toISOString() }, 201);
  });
}
