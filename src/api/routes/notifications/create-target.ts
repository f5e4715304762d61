import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { requireDirectorySync } from '../../module-gate.js';
import { jsonBody, jsonContent } from '../../schemas/common.js';
import { CreateTargetBody, CreatedTargetSchema, targetJson } from '../../schemas/notification.js';
import { createTarget, PrivateWebhookError } from '../../../notifications/targets.js';
import { SecretsKeyMissingError } from '../../../notifications/secret-box.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/notification-targets',
  tags: ['notifications'],
  summary:
    'Add a notification target: an HTTPS webhook (Standard Webhooks signing; the secret is shown once) or e-mail addresses',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { body: jsonBody(CreateTargetBody) },
  responses: {
    201: { description: 'created', ...jsonContent(CreatedTargetSchema) },
    ...errorResponses(400, 401, 403, 503),
  },
});

export function registerCreateTarget(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = await requireDirectorySync(c);
    try {
      const { row, secret } = await createTarget(c.get('deps'), companyId, c.req.valid('json'));
      return c.json({ ...targetJson(row), ...(secret ? { secret } : {}) }, 201);
    } catch (err) {
      if (err instanceof PrivateWebhookError) throw ApiError.validation([{ field: 'url', reason: err.message }]);
      if (err instanceof SecretsKeyMissingError) throw new ApiError(503, 'not_configured', err.message);
      throw err;
    }
  });
}
