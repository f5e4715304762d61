import type { InitialsAttribute, SetupPolicy } from './types.js';

/** sAMAccountName is what on-premises AD admins usually mean by "initials"; mailNickname covers cloud-only users. */
export const DEFAULT_INITIALS_ATTRIBUTES: readonly InitialsAttribute[] = ['onPremisesSamAccountName', 'mailNickname'];

/** 0 = a removed member is deleted in the same run. */
export const DEFAULT_REMOVAL_GRACE_DAYS = 0;

export const DEFAULT_DELETION_THRESHOLD: Readonly<SetupPolicy['deletionThreshold']> = { count: 500, percent: 20 };

/** The settings a setup may leave out, filled with their defaults. */
export type SetupPolicyInput = Omit<
  SetupPolicy,
  'initialsAttributes' | 'removalGraceDays' | 'deletionThreshold' | 'verifiedDomains'
> &
  Partial<Pick<SetupPolicy, 'initialsAttributes' | 'removalGraceDays' | 'deletionThreshold' | 'verifiedDomains'>>;

export function withPolicyDefaults(input: SetupPolicyInput): SetupPolicy {
  return {
    ...input,
    initialsAttributes: input.initialsAttributes ?? [...DEFAULT_INITIALS_ATTRIBUTES],
    removalGraceDays: input.removalGraceDays ?? DEFAULT_REMOVAL_GRACE_DAYS,
    deletionThreshold: input.deletionThreshold ?? { ...DEFAULT_DELETION_THRESHOLD },
    // None known: nobody is adopted by match (src/sync/adoption.ts).
    verifiedDomains: input.verifiedDomains ?? [],
  };
}
