import { createRoute, z } from '@hono/zod-openapi';
import { createSetup } from '../../../setups/service.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { requireDirectorySync } from '../../module-gate.js';
import { jsonBody, jsonContent } from '../../schemas/common.js';
import { CreateSetupBody, SetupSchema, setupJson } from '../../schemas/setup.js';

const Created = SetupSchema.extend({
  group: z.object({
    id: z.string(),
    displayName: z.string(),
    userCount: z.number().openapi({ description: 'user objects among the group’s transitive members' }),
  }),
}).openapi('CreatedSetup');

const route = createRoute({
  method: 'post',
  path: '/api/v1/setups',
  tags: ['setups'],
  summary: 'Create a sync setup (checks the group in the tenant and schedules it)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { body: jsonBody(CreateSetupBody) },
  responses: {
    201: { description: 'created', ...jsonContent(Created) },
    ...errorResponses(400, 401, 403, 409, 422, 502),
  },
});

export function registerCreateSetup(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = await requireDirectorySync(c);
    const { setup, group } = await createSetup(c.get('deps'), companyId, c.req.valid('json'));
    return c.json({ ...setupJson(setup), group }, 201);
  });
}
