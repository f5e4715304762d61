import type { Client } from '@microsoft/microsoft-graph-client';
import { stillMembers } from '../graph/delta.js';
import type { RuleGroupMembership } from '../sync/plan-members.js';

/** Which of the customer-type rules' groups each member is in: asked of the directory per chunk (issue 16). */
export type RuleGroupReader = (
  externalIds: readonly string[],
  groupIds: readonly string[],
) => Promise<RuleGroupMembership>;

/**
 * Entra: one bulk membership check (checkMemberGroups, 20 to a $batch) per rule group. A failed read throws, so
 * the chunk is retried rather than planned as "in no group", which would move users out of their rule's type.
 */
export function graphRuleGroups(client: Client): RuleGroupReader {
  return async (externalIds, groupIds) => {
    const membership = new Map<string, Set<string>>();
    for (const groupId of groupIds) {
      const { still } = await stillMembers(client, groupId, externalIds);
      for (const id of still) membership.set(id, (membership.get(id) ?? new Set()).add(groupId));
    }
    return membership;
  };
}
