import { ATTRIBUTE_FIELDS, type ProductAttributes } from '../../sync/product-mapping.js';
import { z } from '@hono/zod-openapi';
import type { SyncChange, SyncRun, UserRow } from '../../db/schema.js';
import { toRunCounts } from '../../db/repositories/sync-runs.js';
import { isReason, reasonCodes } from '../../sync/reasons.js';

export const runStatuses = ['queued', 'running', 'awaiting_approval', 'succeeded', 'failed', 'cancelled'] as const;
export const changeActions = [
  'create',
  'update',
  'adopt',
  'deactivate',
  'delete',
  'skip',
  'conflict',
  'failed',
] as const;

export const CountsSchema = z
  .object({
    created: z.number(),
    updated: z.number(),
    adopted: z.number(),
    deactivated: z.number(),
    deleted: z.number(),
    unchanged: z.number(),
    skipped: z.number(),
    conflicts: z.number(),
    failed: z.number(),
  })
  .openapi('RunCounts', { description: 'every member of the group and every removed user counted exactly once' });

export const RunSchema = z
  .object({
    id: z.uuid(),
    setupId: z.uuid().nullable(),
    status: z.enum(runStatuses),
    mode: z.enum(['full', 'delta']),
    trigger: z.enum(['schedule', 'manual', 'api']),
    dryRun: z.boolean(),
    counts: CountsSchema,
    progress: z
      .object({
        phase: z.string().optional(),
        pagesRead: z.number().optional(),
        membersRead: z.number().optional(),
        membersExpected: z.number().nullable().optional(),
        processed: z.number().optional(),
        total: z.number().optional(),
        removals: z.number().optional(),
        fullReason: z
          .string()
          .optional()
          .openapi({ description: 'why this run reads the whole group instead of a delta' }),
        retrying: z
          .object({
            attempt: z.number().int().openapi({ description: 'the attempt that comes next (2 = the first retry)' }),
            reason: z
              .string()
              .openapi({ description: "what failed: Graph's answer and the request (method and path)" }),
            nextAttemptAt: z.string().openapi({ description: 'when the next attempt is made (ISO 8601)' }),
          })
          .nullable()
          .optional()
          .openapi({
            description:
              'set while a transient Graph failure (429, 5xx, a dropped connection) is retried; null once it passed',
          }),
      })
      .passthrough()
      .openapi({ description: 'pages and members read, changes applied of total' }),
    error: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Run');

export function runJson(r: SyncRun) {
  return {
    id: r.id,
    setupId: r.setup_id,
    status: r.status,
    mode: r.mode,
    trigger: r.trigger,
    dryRun: r.dry_run,
    counts: toRunCounts(r.counts),
    progress: r.progress,
    error: r.error,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
  };
}

export const ChangeSchema = z
  .object({
    id: z.number(),
    action: z.enum(changeActions),
    userId: z.string().nullable(),
    externalId: z.string().nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    reason: z.string().openapi({ description: 'Why, in English (the text the audit export carries).' }),
    reasonCode: z
      .enum(reasonCodes)
      .nullable()
      .openapi({ description: 'The reason as a code (null for changes recorded before reasons had codes).' }),
    reasonParams: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "The reason code's parameters: ids, counts, fields, and nested reasons." }),
    createdAt: z.string(),
  })
  .openapi('Change');

export function changeJson(ch: SyncChange) {
  return {
    id: Number(ch.id),
    action: ch.action,
    userId: ch.user_id,
    externalId: ch.external_id,
    before: ch.before,
    after: ch.after,
    reason: ch.reason,
    reasonCode: isReason(ch.reason_detail) ? ch.reason_detail.code : null,
    reasonParams: isReason(ch.reason_detail) ? (ch.reason_detail.params as Record<string, unknown>) : null,
    createdAt: ch.created_at.toISOString(),
  };
}

export const UserSchema = z
  .object({
    id: z.uuid(),
    customerTypeId: z.uuid(),
    email: z.string().nullable(),
    initials: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    displayName: z.string().nullable(),
    phone: z.string().nullable(),
    mobile: z.string().nullable(),
    department: z.string().nullable(),
    jobTitle: z.string().nullable(),
    officeLocation: z.string().nullable(),
    externalId: z.string().nullable(),
    managingSetupId: z.string().nullable(),
    active: z.boolean(),
    attributes: z
      .object({
        employeeId: z.string().nullable().optional(),
        manager: z.string().nullable().optional().openapi({ description: "the manager's e-mail" }),
        preferredLanguage: z.string().nullable().optional(),
        companyName: z.string().nullable().optional(),
        costCenter: z.string().nullable().optional(),
      })
      .openapi({ description: 'mapped product fields beyond the columns; present once a mapping wrote them' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('User');

/** Only the known attribute fields, as strings or null: the column is typed, but nothing unchecked leaves. */
function productAttributes(stored: unknown): ProductAttributes {
  const attributes: ProductAttributes = {};
  if (typeof stored !== 'object' || stored === null) return attributes;
  for (const field of ATTRIBUTE_FIELDS) {
    const value = (stored as Record<string, unknown>)[field];
    if (typeof value === 'string' || value === null) attributes[field] = value;
  }
  return attributes;
}

export function userJson(u: UserRow) {
  return {
    id: u.id,
    customerTypeId: u.customer_type_id,
    email: u.email,
    initials: u.initials,
    firstName: u.first_name,
    lastName: u.last_name,
    displayName: u.display_name,
    phone: u.phone,
    mobile: u.mobile,
    department: u.department,
    jobTitle: u.job_title,
    officeLocation: u.office_location,
    externalId: u.external_id,
    managingSetupId: u.managing_setup_id,
    active: u.active,
    attributes: productAttributes(u.attributes),
    createdAt: u.created_at.toISOString(),
    updatedAt: u.updated_at.toISOString(),
  };
}

export const PageQuery = z.object({
  page: z.coerce.number({ message: 'must be a page number' }).int().min(1, { message: 'must be 1 or more' }).default(1),
});

/** Lists answer { items, total, page }. */
export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ items: z.array(item), total: z.number(), page: z.number() }).openapi(name);
}
