import { z } from '@hono/zod-openapi';
import { tryParseDn } from '../../sync/dn.js';
import { isGuid } from '../../sync/setup-scope.js';
import type { SyncSetup } from '../../db/schema.js';
import { designation } from './common.js';

export const initialsAttributes = ['onPremisesSamAccountName', 'mailNickname', 'employeeId'] as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `must be at most ${max} characters` })
    .nullish()
    .transform((v) => (v ? v : null));

/** The setup form's fields (tab "Opsætning"), plus schedule and deletion-guard settings. */
export const SetupFields = z.object({
  customerTypeId: z.uuid({ message: 'must be the id of one of your customer types' }),
  resourceType: z.literal('users', { message: "must be 'users' (the only resource type synced)" }).default('users'),
  designation,
  groupId: z
    .string({ message: 'is required' })
    .trim()
    .max(2000, { message: 'must be at most 2000 characters' })
    .refine((v) => isGuid(v) || (tryParseDn(v)?.length ?? 0) > 0, {
      message: 'must be the object id (a GUID) of an Entra group, or the DN of an Active Directory group',
    })
    // GUIDs lowercased; a DN as the admin chose it (the LDAP provider reads it back as the DC spells it)
    .transform((v) => (isGuid(v) ? v.toLowerCase() : v))
    .openapi({ description: 'Entra: the group object id; Active Directory (LDAP): the group DN' }),
  updateExisting: z.boolean({ message: 'must be true or false' }),
  deleteRemoved: z.boolean({ message: 'must be true or false' }),
  matchOn: z.enum(['email', 'initials'], { message: "must be 'email' or 'initials'" }),
  initialsAttributes: z.array(z.enum(initialsAttributes)).min(1).max(3).optional(),
  ldapPath: optionalText(1000).openapi({
    description:
      'LDAP connections: the search base (a DN; empty: the base DN). Azure: only users whose onPremisesDistinguishedName ends with it. Validated on save',
  }),
  ldapFilter: optionalText(2000).openapi({
    description:
      'an RFC 4515 filter the users must also match (LDAP: sent to the DC; Azure: evaluated on Graph data); parsed on save, the error says at which character it is malformed',
  }),
  intervalMinutes: z
    .number()
    .int({ message: 'must be a whole number of minutes' })
    .min(1, { message: 'must be at least 1 minute' })
    .max(10_080)
    .optional(),
  removalGraceDays: z.number().int().min(0).max(365).optional(),
  deletionThreshold: z
    .object({ count: z.number().int().min(0), percent: z.number().int().min(0).max(100) })
    .optional()
    .openapi({
      description:
        'a run that would remove or deactivate more than this many users (or this percentage of the users the setup manages) waits for approval; defaults 500 and 20%',
    }),
  enabled: z.boolean().optional(),
});

export const CreateSetupBody = SetupFields.extend({
  connectionId: z.uuid({ message: 'must be the id of one of your connections' }),
}).strict();
export const UpdateSetupBody = SetupFields.partial().strict();

export const SetupSchema = z
  .object({
    id: z.uuid(),
    connectionId: z.uuid(),
    customerTypeId: z.uuid(),
    resourceType: z.literal('users'),
    designation: z.string().nullable(),
    groupId: z.string(),
    groupDisplayName: z.string().nullable(),
    updateExisting: z.boolean(),
    deleteRemoved: z.boolean(),
    matchOn: z.enum(['email', 'initials']),
    initialsAttributes: z.array(z.string()),
    ldapPath: z.string().nullable(),
    ldapFilter: z.string().nullable(),
    intervalMinutes: z.number(),
    removalGraceDays: z.number(),
    deletionThreshold: z.object({ count: z.number(), percent: z.number() }),
    enabled: z.boolean(),
    status: z.enum(['active', 'paused', 'error']),
    statusReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Setup');

export function setupJson(s: SyncSetup) {
  return {
    id: s.id,
    connectionId: s.connection_id,
    customerTypeId: s.customer_type_id,
    resourceType: s.resource_type,
    designation: s.designation,
    groupId: s.group_id,
    groupDisplayName: s.group_display_name,
    updateExisting: s.update_existing,
    deleteRemoved: s.delete_removed,
    matchOn: s.match_on,
    initialsAttributes: s.initials_attributes,
    ldapPath: s.ldap_path,
    ldapFilter: s.ldap_filter,
    intervalMinutes: s.interval_minutes,
    removalGraceDays: s.removal_grace_days,
    deletionThreshold: { count: s.deletion_threshold_count, percent: s.deletion_threshold_percent },
    enabled: s.enabled,
    status: s.status,
    statusReason: s.status_reason,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}

/** Body fields → column values (only those given). */
export function setupColumns(body: Partial<z.infer<typeof SetupFields>>) {
  return {
    ...(body.customerTypeId !== undefined ? { customer_type_id: body.customerTypeId } : {}),
    ...(body.designation !== undefined ? { designation: body.designation } : {}),
    ...(body.groupId !== undefined ? { group_id: body.groupId } : {}),
    ...(body.updateExisting !== undefined ? { update_existing: body.updateExisting } : {}),
    ...(body.deleteRemoved !== undefined ? { delete_removed: body.deleteRemoved } : {}),
    ...(body.matchOn !== undefined ? { match_on: body.matchOn } : {}),
    ...(body.initialsAttributes !== undefined ? { initials_attributes: body.initialsAttributes } : {}),
    ...(body.ldapPath !== undefined ? { ldap_path: body.ldapPath } : {}),
    ...(body.ldapFilter !== undefined ? { ldap_filter: body.ldapFilter } : {}),
    ...(body.intervalMinutes !== undefined ? { interval_minutes: body.intervalMinutes } : {}),
    ...(body.removalGraceDays !== undefined ? { removal_grace_days: body.removalGraceDays } : {}),
    ...(body.deletionThreshold !== undefined
      ? {
          deletion_threshold_count: body.deletionThreshold.count,
          deletion_threshold_percent: body.deletionThreshold.percent,
        }
      : {}),
    ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
  };
}
