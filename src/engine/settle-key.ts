import { createHash } from 'node:crypto';
import type { SettleScope } from '../db/repositories/sync-settled.js';
import { ruleGroupIds } from '../sync/customer-type-rules.js';
import type { SetupPolicy } from '../sync/types.js';

/**
 * The key a setup's applied users are settled under (sync-settled.ts), or none: a digest of everything the planner
 * reads besides the member and the user — the setup policy — so any change of the policy plans every member again.
 * None for a setup routing customer types by group membership: it reads memberships that are not in the member's
 * data, so its members are planned every run and never marked settled.
 */
export function settleKeyOf(policy: SetupPolicy): string | undefined {
  if (ruleGroupIds(policy.customerTypeRules ?? []).length > 0) return undefined;
  return createHash('sha256').update(JSON.stringify(policy)).digest('hex');
}

/** What staging asks to tell settled members apart under this policy; none when its members never settle. */
export function settleScopeOf(policy: SetupPolicy): Omit<SettleScope, 'runId'> | undefined {
  const policyKey = settleKeyOf(policy);
  return policyKey === undefined ? undefined : { policyKey, companyId: policy.companyId, setupId: policy.setupId };
}
