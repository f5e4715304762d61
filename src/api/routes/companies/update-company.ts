import { createRoute, z } from '@hono/zod-openapi';
import { updateCompany } from '../../../db/repositories/companies.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate, requireOperator } from '../../middleware/auth.js';
import { IdParams, jsonBody, jsonContent } from '../../schemas/common.js';
import { CompanySchema, companyJson } from '../../schemas/company.js';
import { applyModuleSwitch } from '../../../setups/module-switch.js';

const Body = z
  .object({
    name: z.string().trim().min(1, { message: 'must not be empty' }).max(200).optional(),
    directorySync: z.boolean().optional().openapi({
      description: 'switch the directory sync add-on on or off; off stops scheduling the company’s setups',
    }),
  })
  .strict()
  .refine((b) => b.name !== undefined || b.directorySync !== undefined, {
    message: 'give at least one of name, directorySync',
  });

const route = createRoute({
  method: 'patch',
  path: '/api/v1/companies/{id}',
  tags: ['companies'],
  summary: 'Change a company; enable or disable the directory sync module (operator)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams, body: jsonBody(Body) },
  responses: { 200: { description: 'updated', ...jsonContent(CompanySchema) }, ...errorResponses(400, 401, 403, 404) },
});

export function registerUpdateCompany(app: App): void {
  app.openapi(route, async (c) => {
    requireOperator(c.get('principal'));
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const deps = c.get('deps');
    const company = await updateCompany(deps.db, id, { name: body.name, directorySyncEnabled: body.directorySync });
    if (!company) throw ApiError.notFound('company');
    if (body.directorySync !== undefined) await applyModuleSwitch(deps, company.id, body.directorySync);
    return c.json(companyJson(company), 200);
  });
}
