import { z } from '@hono/zod-openapi';
import { tryParseDn } from '../../sync/dn.js';
import { isGuid } from '../../sync/setup-scope.js';
import type { SyncSetup } from '../../db/schema.js';
import { initialsAttributes, limits } from '../../domain/rules.js';
import { designation, optionalText } from './common.js';

/** `mapping`: product field → source; null = today's mapping. Checked in full by the setup service. */
export const MappingBody = z
  .record(z.string(), z.unknown())
  .nullable()
  .openapi({
    description:
      'product field → source, each { "attribute": name } | { "constant": text } | { "expression": text } ' +
      '(Coalesce, Lower, Upper, Trim, Left, Replace, Join, string literals); fields not named keep today’s mapping; ' +
      'null: today’s mapping. Fields: firstName, lastName, displayName, email, initials, phone, mobile, department, ' +
      'jobTitle, officeLocation, employeeId, manager, preferredLanguage, companyName, costCenter',
    example: {
      employeeId: { attribute: 'employeeId' },
      costCenter: { attribute: 'onPremisesExtensionAttributes.extensionAttribute1' },
    },
  });

/** `customerTypeRules`: ordered, first match wins, else the setup's customer type. */
export const CustomerTypeRulesBody = z
  .array(z.unknown())
  .max(20, { message: 'at most 20 rules' })
  .openapi({
    description:
      'ordered rules, the first that matches gives the customer type, else the setup’s: ' +
      '{ "memberOf": groupId, "customerTypeId" } or { "filter": RFC 4515 filter, "customerTypeId" }',
    example: [
      { memberOf: '00000000-0000-0000-0000-000000000001', customerTypeId: '00000000-0000-0000-0000-000000000002' },
    ],
  });

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
  initialsAttributes: z
    .array(z.enum(initialsAttributes))
    .min(limits.initialsAttributes.min)
    .max(limits.initialsAttributes.max)
    .optional(),
  ldapPath: optionalText(limits.ldapPath).openapi({
    description:
      'LDAP connections: the search base (a DN; empty: the base DN). Azure: only users whose onPremisesDistinguishedName ends with it. Validated on save',
  }),
  ldapFilter: optionalText(limits.ldapFilter).openapi({
    description:
      'an RFC 4515 filter the users must also match (LDAP: sent to the DC; Azure: evaluated on Graph data); parsed on save, the error says at which character it is malformed',
  }),
  intervalMinutes: z
    .number()
    .int({ message: 'must be a whole number of minutes' })
    .min(limits.intervalMinutes.min, { message: 'must be at least 1 minute' })
    .max(limits.intervalMinutes.max)
    .optional(),
  removalGraceDays: z.number().int().min(limits.removalGraceDays.min).max(limits.removalGraceDays.max).optional(),
  deletionThreshold: z
    .object({
      count: z.number().int().min(0),
      percent: z.number().int().min(limits.thresholdPercent.min).max(limits.thresholdPercent.max),
    })
    .optional()
    .openapi({
      description:
        'a run that would remove or deactivate more than this many users (or this percentage of the users the setup manages) waits for approval; defaults 500 and 20%',
    }),
  enabled: z.boolean().optional(),
  // issue 16: checked (parsed, type-checked, customer types of the company) by src/setups/mapping-settings.ts
  mapping: MappingBody.optional(),
  customerTypeRules: CustomerTypeRulesBody.optional(),
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
    mapping: z.record(z.string(), z.record(z.string(), z.string())).openapi({
      description: 'the fields this setup maps differently from today’s mapping ({} = today’s)',
    }),
    customerTypeRules: z.array(z.record(z.string(), z.string())),
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
    mapping: (s.mapping ?? {}) as Record<string, Record<string, string>>,
    customerTypeRules: s.customer_type_rules as Record<string, string>[],
    status: s.status,
    statusReason: s.status_reason,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}
