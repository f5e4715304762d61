import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../context.js';
import { errorResponses } from '../errors.js';
import { authenticate } from '../middleware/auth.js';

const MeSchema = z
  .object({ kind: z.enum(['operator', 'company']), companyId: z.string().uuid().nullable() })
  .openapi('Principal');

const me = createRoute({
  method: 'get',
  path: '/api/v1/me',
  tags: ['auth'],
  summary: 'Who the API key belongs to',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  responses: {
    200: { description: 'the caller', content: { 'application/json': { schema: MeSchema } } },
    ...errorResponses(401),
  },
});

export function registerMeRoute(app: App): void {
  app.openapi(me, (c) => {
    const p = c.get('principal');
    return c.json({ kind: p.kind, companyId: p.kind === 'company' ? p.companyId : null }, 200);
  });
}
