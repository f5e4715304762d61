import { createRoute, z } from '@hono/zod-openapi';
import { listCompanyUsers } from '../../../db/repositories/run-history.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate, requireCompany } from '../../middleware/auth.js';
import { jsonContent } from '../../schemas/common.js';
import { PageQuery, UserSchema, pageOf, userJson } from '../../schemas/run.js';
import { limits } from '../../../domain/rules.js';

const Query = PageQuery.extend({
  customerTypeId: z.uuid({ message: 'must be a customer type id' }).optional(),
  q: z
    .string()
    .trim()
    .max(limits.userSearch)
    .optional()
    .openapi({ description: 'search in email, names and initials' }),
});

const route = createRoute({
  method: 'get',
  path: '/api/v1/users',
  tags: ['users'],
  summary: "The product's users of the company, with the setup that manages each",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { query: Query },
  responses: {
    200: { description: 'a page of users', ...jsonContent(pageOf(UserSchema, 'UserPage')) },
    ...errorResponses(400, 401, 403),
  },
});

export function registerListUsers(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = requireCompany(c.get('principal'));
    const { page, customerTypeId, q } = c.req.valid('query');
    const { rows, total } = await listCompanyUsers(c.get('deps').db, companyId, { customerTypeId, q, page });
    return c.json({ items: rows.map(userJson), total, page }, 200);
  });
}
