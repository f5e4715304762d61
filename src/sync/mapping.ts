import { cleanText, emailKey, initialsKey, isGuestUserPrincipalName, looksLikeEmail } from './normalise.js';
import type { DirectoryUser, InitialsAttribute, ProductUser, SetupPolicy, SyncedFields } from './types.js';

/**
 * The user's email: `mail` when it is an address, else the UPN when it is an address and not a guest's
 * #EXT# UPN (for most tenants the UPN is the sign-in address and equals the mail address). Lowercased.
 */
export function directoryEmail(user: DirectoryUser): string | null {
  const mail = emailKey(user.mail);
  if (mail !== null && looksLikeEmail(mail)) return mail;
  const upn = emailKey(user.userPrincipalName);
  if (upn !== null && looksLikeEmail(upn) && !isGuestUserPrincipalName(upn)) return upn;
  return null;
}

/** The first of the setup's initials attributes that has a value, uppercased. */
export function directoryInitials(user: DirectoryUser, attributes: readonly InitialsAttribute[]): string | null {
  for (const attribute of attributes) {
    const value = initialsKey(user[attribute]);
    if (value !== null) return value;
  }
  return null;
}

/**
 * Whether Entra lets the user sign in. null (Graph did not return accountEnabled, e.g. for lack of
 * User.Read.All) counts as enabled: missing data must never switch anyone off.
 */
export function isEnabledInEntra(user: DirectoryUser): boolean {
  return user.accountEnabled !== false;
}

/** What the product user should look like according to Entra. */
export function mapDirectoryUser(user: DirectoryUser, policy: Pick<SetupPolicy, 'initialsAttributes'>): SyncedFields {
  return {
    email: directoryEmail(user),
    initials: directoryInitials(user, policy.initialsAttributes),
    firstName: cleanText(user.givenName),
    lastName: cleanText(user.surname),
    displayName: cleanText(user.displayName),
    phone: user.businessPhones.map(cleanText).find((phone) => phone !== null) ?? null,
    mobile: cleanText(user.mobilePhone),
    department: cleanText(user.department),
    jobTitle: cleanText(user.jobTitle),
    officeLocation: cleanText(user.officeLocation),
    active: isEnabledInEntra(user),
  };
}

/** The synced fields of a product user as it is now. */
export function syncedFieldsOf(user: ProductUser): SyncedFields {
  const {
    email,
    initials,
    firstName,
    lastName,
    displayName,
    phone,
    mobile,
    department,
    jobTitle,
    officeLocation,
    active,
  } = user;
  return {
    email,
    initials,
    firstName,
    lastName,
    displayName,
    phone,
    mobile,
    department,
    jobTitle,
    officeLocation,
    active,
  };
}
