import { createRoute, z } from '@hono/zod-openapi';
import { insertCompany } from '../../../db/repositories/companies.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate, requireOperator } from '../../middleware/auth.js';
import { jsonBody, jsonContent } from '../../schemas/common.js';
import { CompanySchema, companyJson } from '../../schemas/company.js';

const Body = z
  .object({
    name: z.string().trim().min(1, { message: 'is required' }).max(200, { message: 'must be at most 200 characters' }),
    directorySync: z.boolean().default(false),
  })
  .strict();

const route = createRoute({
  method: 'post',
  path: '/api/v1/companies',
  tags: ['companies'],
  summary: 'Create a company (operator)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { body: jsonBody(Body) },
  responses: { 201: { description: 'created', ...jsonContent(CompanySchema) }, ...errorResponses(400, 401, 403) },
});

export function registerCreateCompany(app: App): void {
  app.openapi(route, async (c) => {
    requireOperator(c.get('principal'));
    const body = c.req.valid('json');
    const company = await insertCompany(c.get('deps').db, {
      name: body.name,
      directorySyncEnabled: body.directorySync,
    });
    return c.json(companyJson(company), 201);
  });
}
