import { createRoute, z } from '@hono/zod-openapi';
import { decodeCursor, encodeCursor, readFeed } from '../../../db/repositories/events.js';
import { feedEventTypes } from '../../../events/types.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { requireDirectorySync } from '../../module-gate.js';
import { jsonContent } from '../../schemas/common.js';
import { EventPageSchema, eventJson } from '../../schemas/event.js';

const Query = z.object({
  after: z.string().max(100).optional().openapi({
    description:
      'a cursor from an earlier page (nextCursor or an item’s cursor); omit to start at the oldest kept event',
  }),
  types: z
    .string()
    .max(500)
    .optional()
    .openapi({ description: `comma-separated event types (default all): ${feedEventTypes.join(', ')}` }),
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be at least 1' })
    .max(1000, { message: 'must be at most 1000' })
    .default(100),
});

const route = createRoute({
  method: 'get',
  path: '/api/v1/events',
  tags: ['events'],
  summary:
    'The ordered feed of directory events (users created, updated, deactivated, deleted; runs succeeded, failed, held)',
  description:
    'Events in a stable order with a gap-free cursor: an event appears only once every transaction that began before ' +
    'it has ended, so nothing is ever inserted before a cursor already handed out, even with runs of several setups ' +
    'at once. Events are kept 30 days. Poll with the nextCursor of the previous page.',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { query: Query },
  responses: {
    200: { description: 'a page of events', ...jsonContent(EventPageSchema) },
    ...errorResponses(400, 401, 403),
  },
});

export function registerListEvents(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = await requireDirectorySync(c);
    const query = c.req.valid('query');
    const after = query.after === undefined ? undefined : decodeCursor(query.after);
    if (query.after !== undefined && !after)
      throw ApiError.validation([{ field: 'after', reason: 'is not a cursor this API handed out' }]);
    let types: readonly string[] = feedEventTypes;
    if (query.types !== undefined) {
      types = query.types
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
      const unknown = types.filter((t) => !(feedEventTypes as readonly string[]).includes(t));
      if (unknown.length > 0 || types.length === 0) {
        throw ApiError.validation([
          {
            field: 'types',
            reason: `unknown event type(s) ${unknown.join(', ') || '(none given)'}; known: ${feedEventTypes.join(', ')}`,
          },
        ]);
      }
    }
    const rows = await readFeed(c.get('deps').db, { companyId, after, types, limit: query.limit });
    const items = rows.map((row) => eventJson(row, encodeCursor(row)));
    const nextCursor =
      items.length > 0 ? items[items.length - 1]!.cursor : (query.after ?? encodeCursor({ txid: '0', id: 0 }));
    return c.json({ items, nextCursor }, 200);
  });
}
