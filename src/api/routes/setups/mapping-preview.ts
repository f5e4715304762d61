import { createRoute, z } from '@hono/zod-openapi';
import { previewSetupMapping } from '../../../setups/service.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonBody, jsonContent } from '../../schemas/common.js';
import { CustomerTypeRulesBody, MappingBody } from '../../schemas/setup.js';
import { loadOwnSetup } from './load-setup.js';

const Body = z.object({ mapping: MappingBody, customerTypeRules: CustomerTypeRulesBody.optional() }).strict();

const Fields = z.record(z.string(), z.string().nullable()).openapi({
  description: 'the product fields (the columns and the mapped attributes) and the customerTypeId it would get',
});

const Preview = z
  .object({
    items: z.array(
      z.object({ externalId: z.string(), displayName: z.string().nullable(), current: Fields, proposed: Fields }),
    ),
  })
  .openapi('MappingPreview');

const route = createRoute({
  method: 'post',
  path: '/api/v1/setups/{id}/mapping-preview',
  tags: ['setups'],
  summary: 'Ten sample members under the saved and a proposed mapping and customer-type rules; nothing is saved',
  description:
    'Takes what PATCH /api/v1/setups/{id} takes under `mapping` and `customerTypeRules`, checked the same way (a bad ' +
    'source is a 400 whose details name the field and the position). `current` is what the saved settings give, ' +
    '`proposed` what the body would. A dry run (POST /setups/{id}/runs with dryRun) shows the whole effect once saved.',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams, body: jsonBody(Body) },
  responses: {
    200: { description: 'the preview', ...jsonContent(Preview) },
    ...errorResponses(400, 401, 403, 404, 422, 502),
  },
});

export function registerMappingPreview(app: App): void {
  app.openapi(route, async (c) => {
    const setup = await loadOwnSetup(c, c.req.valid('param').id);
    return c.json({ items: await previewSetupMapping(c.get('deps'), setup, c.req.valid('json')) }, 200);
  });
}
