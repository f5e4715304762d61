/**
 * How values from Graph and from the product are cleaned before they are compared or stored.
 * One place, so the key the planner looks up is always the key the candidate index was built with.
 */

/** Trimmed text; blank or missing is null, so "" and null never count as a difference. */
export function cleanText(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** Email addresses are compared case-insensitively; lowercase is the one form the sync stores and looks up. */
export function emailKey(value: string | null | undefined): string | null {
  return cleanText(value)?.toLowerCase() ?? null;
}

/** Initials are compared case-insensitively; uppercase is the one form the sync stores and looks up. */
export function initialsKey(value: string | null | undefined): string | null {
  return cleanText(value)?.toUpperCase() ?? null;
}

/** Deliberately loose: one @, something on each side, a dot in the domain, no white space. */
export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

/** A B2B guest's UPN (alice_contoso.com#EXT#@tenant.onmicrosoft.com) is not an address anyone can receive mail at. */
export function isGuestUserPrincipalName(upn: string): boolean {
  return upn.toUpperCase().includes('#EXT#');
}
