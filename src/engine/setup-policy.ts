import type { SyncSetup } from '../db/schema.js';
import type { MemberScope } from '../directory/provider.js';
import { compileStoredRules } from '../sync/customer-type-rules.js';
import { compileStoredMapping, mappableAttributesFor } from '../sync/product-mapping.js';
import type { SetupPolicy } from '../sync/types.js';

/** The planner's view of a setup row, with its connection's verified domains (adoption needs one). */
export function policyFromSetup(setup: SyncSetup, verifiedDomains: readonly string[] = []): SetupPolicy {
  return {
    setupId: setup.id,
    companyId: setup.company_id,
    customerTypeId: setup.customer_type_id,
    updateExisting: setup.update_existing,
    deleteRemoved: setup.delete_removed,
    matchOn: setup.match_on,
    initialsAttributes: setup.initials_attributes,
    removalGraceDays: setup.removal_grace_days,
    deletionThreshold: { count: setup.deletion_threshold_count, percent: setup.deletion_threshold_percent },
    verifiedDomains,
  };
}

/**
 * The policy for planning members: with the setup's mapping and customer-type rules, compiled for its connection's
 * provider (what the mapping may read; checked on save, compiled again for the run). Removals need neither.
 */
export function memberPolicyFromSetup(
  setup: SyncSetup,
  connection: { verified_domains: readonly string[]; provider: string } | undefined,
): SetupPolicy {
  return {
    ...policyFromSetup(setup, connection?.verified_domains ?? []),
    mapping: compileStoredMapping(setup.mapping, mappableAttributesFor(connection?.provider ?? 'azure')),
    customerTypeRules: compileStoredRules(setup.customer_type_rules),
  };
}

/** Whether the setup's mapping reads `manager` (then the reader resolves each member's manager). */
export function mapsManager(mapping: SyncSetup['mapping']): boolean {
  return /\bmanager\b/i.test(JSON.stringify(Object.values(mapping ?? {})));
}

/** What a setup reads from its directory: the group, narrowed by its LDAP path and filter where it has them. */
export function scopeFromSetup(setup: SyncSetup): MemberScope {
  return {
    groupId: setup.group_id,
    ldapPath: setup.ldap_path,
    ldapFilter: setup.ldap_filter,
    ...(mapsManager(setup.mapping) ? { withManager: true } : {}),
  };
}
