import { createRoute, z } from '@hono/zod-openapi';
import { listCompanyDeliveries } from '../../../db/repositories/notifications.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { requireDirectorySync } from '../../module-gate.js';
import { jsonContent } from '../../schemas/common.js';
import { DeliverySchema, deliveryJson } from '../../schemas/notification.js';

const Query = z.object({
  targetId: z.uuid({ message: 'must be a notification target id' }).optional(),
  status: z.enum(['pending', 'delivered', 'failed'], { message: 'must be pending, delivered or failed' }).optional(),
  page: z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be at least 1' })
    .max(100_000)
    .default(1),
});

const route = createRoute({
  method: 'get',
  path: '/api/v1/notification-deliveries',
  tags: ['notifications'],
  summary: 'Notification deliveries, newest first: status, attempts, last error',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { query: Query },
  responses: {
    200: {
      description: 'a page of deliveries',
      ...jsonContent(z.object({ items: z.array(DeliverySchema), total: z.number(), page: z.number() })),
    },
    ...errorResponses(400, 401, 403),
  },
});

export function registerListDeliveries(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = await requireDirectorySync(c);
    const query = c.req.valid('query');
    const { rows, total } = await listCompanyDeliveries(c.get('deps').db, companyId, query);
    return c.json({ items: rows.map(deliveryJson), total, page: query.page }, 200);
  });
}
