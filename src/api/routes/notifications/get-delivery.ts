import { createRoute } from '@hono/zod-openapi';
import { findCompanyDelivery } from '../../../db/repositories/notifications.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { requireDirectorySync } from '../../module-gate.js';
import { IdParams, jsonContent } from '../../schemas/common.js';
import { DeliveryDetailSchema, deliveryJson } from '../../schemas/notification.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/notification-deliveries/{id}',
  tags: ['notifications'],
  summary: 'One delivery with its event and every attempt',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams },
  responses: {
    200: { description: 'the delivery', ...jsonContent(DeliveryDetailSchema) },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function registerGetDelivery(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = await requireDirectorySync(c);
    const delivery = await findCompanyDelivery(c.get('deps').db, companyId, c.req.valid('param').id);
    if (!delivery) throw ApiError.notFound('notification delivery');
    return c.json(
      {
        ...deliveryJson(delivery),
        data: delivery.data,
        attemptLog: delivery.attemptRows.map((a) => ({
          attempt: a.attempt,
          startedAt: a.started_at.toISOString(),
          finishedAt: a.finished_at?.toISOString() ?? null,
          ok: a.ok,
          statusCode: a.status_code,
          error: a.error,
        })),
      },
      200,
    );
  });
}
