import type { DirectoryProvider } from '../directory/provider.js';
import type { RuleGroupMembership } from '../sync/plan-members.js';

/** Which of the customer-type rules' groups each member is in: asked of the directory per chunk (issue 16). */
export type RuleGroupReader = (
  externalIds: readonly string[],
  groupIds: readonly string[],
) => Promise<RuleGroupMembership>;

/**
 * Through the port: one bulk membership check (`confirmMembers`, Entra: checkMemberGroups 20 to a $batch) per rule
 * group. A failed read throws, so the chunk is retried rather than planned as "in no group", which would move
 * users out of their rule's customer type.
 */
export function providerRuleGroups(provider: DirectoryProvider): RuleGroupReader {
  return async (externalIds, groupIds) => {
    const membership = new Map<string, Set<string>>();
    for (const groupId of groupIds) {
      const { still } = await provider.confirmMembers({ groupId }, externalIds);
      for (const id of still) membership.set(id, (membership.get(id) ?? new Set()).add(groupId));
    }
    return membership;
  };
}
