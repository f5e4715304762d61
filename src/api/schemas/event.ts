import { z } from '@hono/zod-openapi';
import { feedEventTypes } from '../../events/types.js';

export const EventSchema = z
  .object({
    id: z
      .string()
      .openapi({ description: 'the event id: unique, the same in webhooks (webhook-id evt_<id>)', example: '1234' }),
    cursor: z.string().openapi({ description: 'pass as ?after= to continue after this event' }),
    type: z.enum(feedEventTypes),
    occurredAt: z.string().openapi({ format: 'date-time' }),
    data: z.record(z.string(), z.unknown()).openapi({
      description:
        'user.*: userId, externalId, setupId, runId, reason, user (its fields), changedFields (user.updated); ' +
        'run.*: runId, setupId, trigger, mode, counts, error (run.failed), removals and approvePath (run.held)',
    }),
  })
  .openapi('Event');

export const EventPageSchema = z
  .object({
    items: z.array(EventSchema),
    nextCursor: z
      .string()
      .openapi({ description: 'the cursor to ask with next; unchanged when nothing new is visible yet' }),
  })
  .openapi('EventPage');

export function eventJson(
  row: { id: number; txid: string; type: string; data: Record<string, unknown>; created_at: Date },
  cursor: string,
) {
  return {
    id: String(row.id),
    cursor,
    type: row.type as (typeof feedEventTypes)[number],
    occurredAt: row.created_at.toISOString(),
    data: row.data,
  };
}
