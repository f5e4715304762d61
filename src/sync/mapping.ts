import { attributeOf } from './directory-user.js';
import { cleanText, emailKey, initialsKey, looksLikeEmail } from './normalise.js';
import type { DirectoryUser, InitialsAttribute, ProductUser, SetupPolicy, SyncedFields } from './types.js';

/**
 * The user's email, as its provider chose it (Entra: `mail`, else a non-guest UPN), lowercased; null when it is
 * not an address.
 */
export function directoryEmail(user: Pick<DirectoryUser, 'email'>): string | null {
  const email = emailKey(user.email);
  return email !== null && looksLikeEmail(email) ? email : null;
}

/** The first of the setup's initials attributes that has a value, uppercased. */
export function directoryInitials(
  user: Pick<DirectoryUser, 'attributes'>,
  attributes: readonly InitialsAttribute[],
): string | null {
  for (const attribute of attributes) {
    const value = initialsKey(attributeOf(user, attribute));
    if (value !== null) return value;
  }
  return null;
}

/**
 * Whether the directory lets the user sign in. null (not read, e.g. Graph without User.Read.All) counts as
 * enabled: missing data must never switch anyone off.
 */
export function isEnabledInDirectory(user: Pick<DirectoryUser, 'enabled'>): boolean {
  return user.enabled !== false;
}

/** What the product user should look like according to the directory. */
export function mapDirectoryUser(user: DirectoryUser, policy: Pick<SetupPolicy, 'initialsAttributes'>): SyncedFields {
  return {
    email: directoryEmail(user),
    initials: directoryInitials(user, policy.initialsAttributes),
    firstName: cleanText(user.givenName),
    lastName: cleanText(user.surname),
    displayName: cleanText(user.displayName),
    phone: cleanText(user.phone),
    mobile: cleanText(user.mobilePhone),
    department: cleanText(user.department),
    jobTitle: cleanText(user.jobTitle),
    officeLocation: cleanText(user.officeLocation),
    active: isEnabledInDirectory(user),
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
