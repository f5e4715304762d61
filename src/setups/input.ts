import type { InitialsAttribute } from '../domain/rules.js';

/**
 * What the setup use cases take: plain values, already validated against src/domain/rules.ts by the edge that
 * received them (the API's zod schemas, the admin form). Texts are trimmed, empty optional texts are null.
 */
export interface SetupSettings {
  customerTypeId: string;
  designation: string | null;
  /** The directory group's object id, lower case. */
  groupId: string;
  updateExisting: boolean;
  deleteRemoved: boolean;
  matchOn: 'email' | 'initials';
  initialsAttributes?: InitialsAttribute[];
  ldapPath: string | null;
  ldapFilter: string | null;
  intervalMinutes?: number;
  removalGraceDays?: number;
  deletionThreshold?: { count: number; percent: number };
  enabled?: boolean;
  /** The attribute mapping ({ <field>: source }, null = today's) and customer-type rules; checked by the service. */
  mapping?: Record<string, unknown> | null;
  customerTypeRules?: unknown[];
}

export interface NewSetupInput extends SetupSettings {
  connectionId: string;
}

/** A change: only the settings given change. The connection of a setup never does. */
export type SetupChange = { [K in keyof SetupSettings]?: SetupSettings[K] | undefined };

/** Settings → column values (only those given). */
export function setupColumns(input: SetupChange) {
  return {
    ...(input.customerTypeId !== undefined ? { customer_type_id: input.customerTypeId } : {}),
    ...(input.designation !== undefined ? { designation: input.designation } : {}),
    ...(input.groupId !== undefined ? { group_id: input.groupId } : {}),
    ...(input.updateExisting !== undefined ? { update_existing: input.updateExisting } : {}),
    ...(input.deleteRemoved !== undefined ? { delete_removed: input.deleteRemoved } : {}),
    ...(input.matchOn !== undefined ? { match_on: input.matchOn } : {}),
    ...(input.initialsAttributes !== undefined ? { initials_attributes: input.initialsAttributes } : {}),
    ...(input.ldapPath !== undefined ? { ldap_path: input.ldapPath } : {}),
    ...(input.ldapFilter !== undefined ? { ldap_filter: input.ldapFilter } : {}),
    ...(input.intervalMinutes !== undefined ? { interval_minutes: input.intervalMinutes } : {}),
    ...(input.removalGraceDays !== undefined ? { removal_grace_days: input.removalGraceDays } : {}),
    ...(input.deletionThreshold !== undefined
      ? {
          deletion_threshold_count: input.deletionThreshold.count,
          deletion_threshold_percent: input.deletionThreshold.percent,
        }
      : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
  };
}
