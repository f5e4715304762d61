import { z } from '@hono/zod-openapi';
import { defaultTargetEventTypes, subscribableEventTypes } from '../../events/types.js';

const eventTypes = z
  .array(z.enum(subscribableEventTypes, { message: `must be one of ${subscribableEventTypes.join(', ')}` }))
  .min(1, { message: 'needs at least one event type' })
  .max(subscribableEventTypes.length)
  .transform((types) => [...new Set(types)])
  .optional()
  .openapi({ description: `what the target receives (default: ${defaultTargetEventTypes.join(', ')})` });

const name = z
  .string()
  .trim()
  .min(1, { message: 'is required' })
  .max(200, { message: 'must be at most 200 characters' });

const webhookUrl = z
  .url({ message: 'must be an absolute https:// URL' })
  .max(2000, { message: 'must be at most 2000 characters' })
  .refine((v) => v.startsWith('https://'), { message: 'must use https:// (the payload is signed, not encrypted)' })
  .refine((v) => !new URL(v).username && !new URL(v).password, { message: 'must not contain a user name or password' });

export const CreateTargetBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), name, url: webhookUrl, eventTypes }).strict(),
  z
    .object({
      kind: z.literal('email'),
      name,
      emails: z
        .array(z.email({ message: 'must be an e-mail address' }).max(320))
        .min(1, { message: 'needs at least one address' })
        .max(20, { message: 'at most 20 addresses' }),
      eventTypes,
    })
    .strict(),
]);

export const TargetSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['webhook', 'email']),
    name: z.string(),
    url: z.string().nullable(),
    emails: z.array(z.string()).nullable(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('NotificationTarget');

export const CreatedTargetSchema = TargetSchema.extend({
  secret: z.string().optional().openapi({ description: 'webhook only: the whsec_ signing secret, shown this once' }),
}).openapi('CreatedNotificationTarget');

export function targetJson(row: {
  id: string;
  kind: 'webhook' | 'email';
  name: string;
  url: string | null;
  emails: string[] | null;
  event_types: string[];
  enabled: boolean;
  created_at: Date;
}) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    url: row.url,
    emails: row.emails,
    eventTypes: row.event_types,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
  };
}

export const AttemptSchema = z
  .object({
    attempt: z.number(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    ok: z.boolean().nullable(),
    statusCode: z.number().nullable(),
    error: z.string().nullable(),
  })
  .openapi('NotificationAttempt');

export const DeliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    targetId: z.string(),
    targetName: z.string(),
    kind: z.enum(['webhook', 'email']),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .openapi('NotificationDelivery');

export const DeliveryDetailSchema = DeliverySchema.extend({
  data: z.record(z.string(), z.unknown()),
  attemptLog: z.array(AttemptSchema),
}).openapi('NotificationDeliveryDetail');

export function deliveryJson(row: {
  id: string;
  event_id: number;
  type: string;
  target_id: string;
  target_name: string;
  kind: 'webhook' | 'email';
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}) {
  return {
    id: row.id,
    eventId: String(row.event_id),
    eventType: row.type,
    targetId: row.target_id,
    targetName: row.target_name,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
  };
}
