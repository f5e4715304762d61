import { createRoute, z } from '@hono/zod-openapi';
import { insertApiKey } from '../../../db/repositories/api-keys.js';
import { findCompany } from '../../../db/repositories/companies.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { generateApiKey } from '../../keys.js';
import { authenticate, requireOperator } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';

const Body = z.object({ name: z.string().trim().min(1).max(100).default('default') }).strict();
const Created = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'first characters of the key, to tell keys apart later' }),
    key: z.string().openapi({ description: 'the key itself: shown only this once, stored only as a hash' }),
    createdAt: z.string(),
  })
  .openapi('CreatedApiKey');

const route = createRoute({
  method: 'post',
  path: '/api/v1/companies/{id}/api-keys',
  tags: ['companies'],
  summary: 'Create a company API key (operator); the key is shown once',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams, body: { required: false, content: { 'application/json': { schema: Body } } } },
  responses: { 201: { description: 'created', ...jsonContent(Created) }, ...errorResponses(400, 401, 403, 404) },
});

export function registerCreateApiKey(app: App): void {
  app.openapi(route, async (c) => {
    requireOperator(c.get('principal'));
    const { id } = c.req.valid('param');
    const { db } = c.get('deps');
    if (!(await findCompany(db, id))) throw ApiError.notFound('company');
    const name = (c.req.valid('json') as z.infer<typeof Body> | undefined)?.name ?? 'default';
    const key = generateApiKey();
    const row = await insertApiKey(db, { companyId: id, name, prefix: key.prefix, hash: key.hash });
    // The body carries the key itself: no cache (browser, proxy) may keep it.
    c.header('Cache-Control', 'no-store');
    return c.json(
      { id: row.id, name: row.name, prefix: row.prefix, key: key.key, createdAt: row.created_at.toISOString() },
      201,
    );
  });
}
