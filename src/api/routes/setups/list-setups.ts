import { createRoute, z } from '@hono/zod-openapi';
import { listCompanySetups } from '../../../db/repositories/setups.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { requireDirectorySync } from '../../module-gate.js';
import { jsonContent } from '../../schemas/common.js';
import { SetupSchema, setupJson } from '../../schemas/setup.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/setups',
  tags: ['setups'],
  summary: "The company's sync setups",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  responses: {
    200: { description: 'the list', ...jsonContent(z.object({ items: z.array(SetupSchema) })) },
    ...errorResponses(401, 403),
  },
});

export function registerListSetups(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = await requireDirectorySync(c);
    return c.json({ items: (await listCompanySetups(c.get('deps').db, companyId)).map(setupJson) }, 200);
  });
}
