/**
 * Input rules shared by the JSON API (its zod schemas) and the admin pages (their form checks): each limit and
 * its English message is defined here once, so the two edges cannot drift apart. The admin pages show their
 * own words for a refusal (English or Danish), built from the same limits.
 */
export const limits = {
  /** A connection's or setup's free-text designation. */
  designation: 200,
  ldapPath: 1000,
  ldapFilter: 2000,
  customerTypeName: 200,
  /** A group search by display name (the API's `search`, the admin form's search box). */
  groupSearch: 100,
  /** The users list's search text. */
  userSearch: 200,
  intervalMinutes: { min: 1, max: 10_080 },
  removalGraceDays: { min: 0, max: 365 },
  thresholdPercent: { min: 0, max: 100 },
  initialsAttributes: { min: 1, max: 3 },
} as const;

/** The English messages the API gives for these rules (details[].reason). */
export const ruleMessages = {
  required: 'is required',
  tooLong: (max: number) => `must be at most ${max} characters`,
} as const;

/** The directory attributes initials may be read from (a setup's `initialsAttributes`). */
export const initialsAttributes = ['onPremisesSamAccountName', 'mailNickname', 'employeeId'] as const;
export type InitialsAttribute = (typeof initialsAttributes)[number];

/** A customer type's name as both edges judge it: trimmed; why it is refused, or null. */
export function customerTypeNameProblem(name: string): 'required' | 'too_long' | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'required';
  return trimmed.length > limits.customerTypeName ? 'too_long' : null;
}
