import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { sendTestNotification } from '../../../notifications/targets.js';
import { loadOwnTarget } from './load-target.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/notification-targets/{id}/test',
  tags: ['notifications'],
  summary: 'Send a test notification to the target; follow it in GET /api/v1/notification-deliveries/{deliveryId}',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams },
  responses: {
    202: { description: 'queued', ...jsonContent(z.object({ deliveryId: z.string() })) },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function registerTestTarget(app: App): void {
  app.openapi(route, async (c) => {
    const target = await loadOwnTarget(c, c.req.valid('param').id);
    return c.json({ deliveryId: await sendTestNotification(c.get('deps'), target.company_id, target.id) }, 202);
  });
}
