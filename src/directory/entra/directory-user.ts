/**
 * The Entra mapper: the user attributes the sync reads from Graph, and how one of Graph's user objects becomes the
 * provider-neutral DirectoryUser. Entra's own rules live here and nowhere else: the email is `mail` when it is an
 * address, else a non-guest userPrincipalName; a guest is `userType` Guest or a `#EXT#` userPrincipalName;
 * `accountEnabled` decides `enabled`; the first business phone is `phone`.
 */
import type { DirectoryUser } from '../../sync/directory-user.js';
import { ENTRA_NESTED_PATHS, ENTRA_USER_SELECT } from '../../sync/entra-attributes.js';
import { cleanText, emailKey, isGuestUserPrincipalName, looksLikeEmail } from '../../sync/normalise.js';

/** `$select` for member pages and delta rounds: one list with what a mapping may name (src/sync/entra-attributes.ts). */
export const directoryUserSelect = ENTRA_USER_SELECT;

export type { DirectoryUser };

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** One attribute value as the neutral user carries it: single-valued text (a list gives its first value). */
function attributeValue(value: unknown): string | null | undefined {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const first = value.find((item) => typeof item === 'string' && item.trim() !== '') as string | undefined;
    return first ?? null;
  }
  return undefined;
}

/** Every attribute Graph sent, by Graph's name; nested objects (onPremisesExtensionAttributes…) flattened with dots. */
function attributesOf(object: Record<string, unknown>): Record<string, string | null> {
  const attributes: Record<string, string | null> = {};
  // for…in, not Object.entries: no array of pairs per member (Graph's JSON has no inherited enumerable keys)
  for (const name in object) {
    if (name.includes('@')) continue; // OData annotations (@odata.type, @removed) are not attributes
    const value = object[name];
    const single = attributeValue(value);
    if (single !== undefined) attributes[name] = single;
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // the known members' paths are made once (ENTRA_NESTED_PATHS); others Graph might send, as they come
      const known = ENTRA_NESTED_PATHS.get(name);
      const inner = value as Record<string, unknown>;
      for (const innerName in inner) {
        const nested = attributeValue(inner[innerName]);
        if (nested !== undefined) attributes[known?.get(innerName) ?? `${name}.${innerName}`] = nested;
      }
    }
  }
  return attributes;
}

/**
 * The user's email: `mail` when it is an address, else the UPN when it is an address and not a guest's
 * #EXT# UPN (for most tenants the UPN is the sign-in address and equals the mail address). Lowercased.
 */
export function entraEmail(mail: string | null, userPrincipalName: string | null): string | null {
  const address = emailKey(mail);
  if (address !== null && looksLikeEmail(address)) return address;
  const upn = emailKey(userPrincipalName);
  if (upn !== null && looksLikeEmail(upn) && !isGuestUserPrincipalName(upn)) return upn;
  return null;
}

/** Invited B2B users: `userType` Guest, or the `#EXT#` userPrincipalName Entra gives them. */
export function isEntraGuest(userType: string | null, userPrincipalName: string | null): boolean {
  return userType?.toLowerCase() === 'guest' || isGuestUserPrincipalName(userPrincipalName ?? '');
}

/** One of Graph's user objects that passed graphUserObject's checks: an object with a string id. */
export type GraphUserObject = Record<string, unknown> & { id: string };

/**
 * Checks one user as Graph sends it in member lists, casts, delta pages and `GET /users/{id}`: an object, with
 * or without `@odata.type` (but no other type), with a string `id`; nothing else is required.
 */
export function graphUserObject(raw: unknown): GraphUserObject {
  if (typeof raw !== 'object' || raw === null)
    throw new TypeError(`a directory user must be an object, got ${raw === null ? 'null' : typeof raw}`);
  const object = raw as Record<string, unknown>;
  const type = object['@odata.type'];
  if (type !== undefined && type !== '#microsoft.graph.user')
    throw new TypeError(`expected a #microsoft.graph.user, got ${String(type)}`);
  if (!text(object.id)) throw new TypeError('a directory user needs an id');
  return object as GraphUserObject;
}

/**
 * Reads one user as Graph sends it (graphUserObject's checks), with properties missing (not selected) or null
 * (limited information without User.Read.All — which must not be read as "the mail was removed": the caller
 * decides).
 */
export function parseDirectoryUser(raw: unknown): DirectoryUser {
  const object = graphUserObject(raw);
  const userPrincipalName = text(object.userPrincipalName);
  const businessPhones = Array.isArray(object.businessPhones) ? object.businessPhones : [];
  return {
    id: object.id,
    email: entraEmail(text(object.mail), userPrincipalName),
    displayName: text(object.displayName),
    givenName: text(object.givenName),
    surname: text(object.surname),
    phone: businessPhones.map((p) => cleanText(text(p))).find((p) => p !== null) ?? null,
    mobilePhone: text(object.mobilePhone),
    department: text(object.department),
    jobTitle: text(object.jobTitle),
    officeLocation: text(object.officeLocation),
    // null (not read, e.g. without User.Read.All) counts as enabled: missing data never switches anyone off.
    enabled: typeof object.accountEnabled === 'boolean' ? object.accountEnabled : null,
    guest: isEntraGuest(text(object.userType), userPrincipalName),
    attributes: attributesOf(object),
  };
}
