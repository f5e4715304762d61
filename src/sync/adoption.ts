/**
 * Whether an unlinked directory member may take over (adopt) an existing product user it matches.
 *
 * A match is only as trustworthy as the address it is made on. A guest's `mail` is whatever the person who
 * invited it typed, and any user's `mail` can be set by a tenant admin to an address of a domain the tenant does
 * not own; adopting on such an address would hand an existing product account (and, later, its deletion) to
 * someone else. So adoption by match needs both:
 * - the member is not a guest (its provider decides: Entra's `userType` Guest or `#EXT#` userPrincipalName);
 * - its address (the one the sync reads as its email) is in one of the tenant's verified domains, as stored on
 *   the connection when it was verified.
 * Otherwise the member is skipped with the reason, and the product user stays as it is. (A member no product
 * user matches is created as before: nothing existing is taken over.)
 */
import { directoryEmail } from './mapping.js';
import { because, type Reason } from './reasons.js';
import type { DirectoryUser, SetupPolicy } from './types.js';

export function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  return at > 0 && at < address.length - 1 ? address.slice(at + 1).toLowerCase() : null;
}

/** Null when the member may adopt the matched product user; otherwise the reason it may not. */
export function adoptionRefusal(
  member: DirectoryUser,
  policy: Pick<SetupPolicy, 'matchOn' | 'verifiedDomains'>,
  match: { key: string; userId: string },
): Reason | null {
  if (member.guest) return because.notAdoptedGuest(policy.matchOn, match.key, match.userId);
  const address = directoryEmail(member);
  const domain = address === null ? null : domainOf(address);
  const verified = new Set(policy.verifiedDomains.map((d) => d.toLowerCase()));
  if (domain === null || !verified.has(domain)) {
    return because.notAdoptedUnverifiedDomain(policy.matchOn, match.key, match.userId, domain);
  }
  return null;
}
