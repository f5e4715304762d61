/**
 * What a member becomes in the product under a setup's mapping and customer-type rules (issue 16): the preview
 * shows it for the saved settings and for proposed ones, side by side, before anything is saved.
 */
import { customerTypeFor } from './customer-type-rules.js';
import { mapDirectoryUser } from './mapping.js';
import type { DirectoryUser, SetupPolicy } from './types.js';

/** A member's product fields (the columns, the mapped attributes) and the customer type it would get. */
export type ProductView = Record<string, string | null>;

export function productView(
  member: DirectoryUser,
  policy: Pick<SetupPolicy, 'initialsAttributes' | 'mapping' | 'customerTypeRules' | 'customerTypeId'>,
  ruleGroups: ReadonlySet<string>,
): ProductView {
  const { active: _active, customerTypeId: _routed, ...fields } = mapDirectoryUser(member, policy);
  const { customerTypeId } = customerTypeFor(member, ruleGroups, policy.customerTypeRules ?? [], policy.customerTypeId);
  return { ...(fields as Record<string, string | null>), customerTypeId };
}

/** One preview row: the member, and what it becomes under the saved settings and under the proposed ones. */
export function previewMember(
  member: DirectoryUser,
  saved: Parameters<typeof productView>[1],
  proposed: Parameters<typeof productView>[1],
  ruleGroups: ReadonlySet<string>,
) {
  return {
    externalId: member.id,
    displayName: member.displayName,
    current: productView(member, saved, ruleGroups),
    proposed: productView(member, proposed, ruleGroups),
  };
}
