import { createRoute, z } from '@hono/zod-openapi';
import { listCompanyTargets } from '../../../db/repositories/notifications.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { requireDirectorySync } from '../../module-gate.js';
import { jsonContent } from '../../schemas/common.js';
import { TargetSchema, targetJson } from '../../schemas/notification.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/notification-targets',
  tags: ['notifications'],
  summary: "The company's notification targets (webhook secrets are never returned)",
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  responses: {
    200: { description: 'the targets', ...jsonContent(z.object({ items: z.array(TargetSchema) })) },
    ...errorResponses(401, 403),
  },
});

export function registerListTargets(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = await requireDirectorySync(c);
    return c.json({ items: (await listCompanyTargets(c.get('deps').db, companyId)).map(targetJson) }, 200);
  });
}
