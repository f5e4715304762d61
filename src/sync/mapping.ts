import { attributeOf } from './directory-user.js';
import { ATTRIBUTE_FIELDS, applyMapping, mappedValue } from './product-mapping.js';
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

function hasAttribute(user: Pick<DirectoryUser, 'attributes'>, name: string): boolean {
  return Object.keys(user.attributes).some((key) => key.toLowerCase() === name.toLowerCase());
}

/** How a mapping reads the member: its attributes by name, case-insensitively (`attributeOf`). */
export const attributeReader = (user: Pick<DirectoryUser, 'attributes'>) => (path: string) => attributeOf(user, path);

/** The member's email under the setup's mapping: the mapped one when the mapping names email, else the provider's. */
export function mappedEmail(user: DirectoryUser, policy: Pick<SetupPolicy, 'mapping'>): string | null {
  const source = policy.mapping?.email;
  return source ? mappedValue('email', source, attributeReader(user)) : directoryEmail(user);
}

/** The member's initials under the setup's mapping: the mapped ones, else the first initials attribute with a value. */
export function mappedInitials(
  user: DirectoryUser,
  policy: Pick<SetupPolicy, 'mapping' | 'initialsAttributes'>,
): string | null {
  const source = policy.mapping?.initials;
  return source
    ? mappedValue('initials', source, attributeReader(user))
    : directoryInitials(user, policy.initialsAttributes);
}

/**
 * What the product user should look like according to the directory: today's fields, with those the setup maps
 * differently replaced, and the mapped fields beyond the columns (only those the mapping names).
 */
export function mapDirectoryUser(
  user: DirectoryUser,
  policy: Pick<SetupPolicy, 'initialsAttributes' | 'mapping'>,
): SyncedFields {
  const todays = todaysFields(user, policy);
  if (!policy.mapping || Object.keys(policy.mapping).length === 0) return todays;
  const { columns, attributes } = applyMapping(todays, policy.mapping, attributeReader(user));
  // A manager the reader did not resolve (an incremental round reads no managers) is not known to be gone.
  if (!hasAttribute(user, 'manager')) delete attributes.manager;
  return { ...columns, ...attributes };
}

function todaysFields(user: DirectoryUser, policy: Pick<SetupPolicy, 'initialsAttributes'>): SyncedFields {
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

/**
 * The fields of a product user as it is now, for comparing with what the sync wants: the columns, the customer
 * type and the mapped attributes (unset ones as null).
 */
export function currentFieldsOf(user: ProductUser): SyncedFields {
  const attributes = Object.fromEntries(ATTRIBUTE_FIELDS.map((field) => [field, user.attributes?.[field] ?? null]));
  return { ...syncedFieldsOf(user), customerTypeId: user.customerTypeId, ...attributes };
}

/** The synced fields of a product user as it is now (the columns: a deactivation's snapshot). */
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
