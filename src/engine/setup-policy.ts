import type { SyncSetup } from '../db/schema.js';
import type { MemberScope } from '../directory/provider.js';
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

/** What a setup reads from its directory: the group, narrowed by its LDAP path and filter where it has them. */
export function scopeFromSetup(setup: SyncSetup): MemberScope {
  return { groupId: setup.group_id, ldapPath: setup.ldap_path, ldapFilter: setup.ldap_filter };
}
