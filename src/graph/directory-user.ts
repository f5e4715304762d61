/** The user attributes the sync reads from Entra, and a lenient reader for Graph's user objects. */
import type { DirectoryUser } from '../sync/types.js';

/** `$select` for member pages: everything the product maps, including what Graph omits by default (accountEnabled…). */
export const directoryUserSelect = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'mailNickname',
  'jobTitle',
  'department',
  'mobilePhone',
  'businessPhones',
  'officeLocation',
  'employeeId',
  'onPremisesSamAccountName',
  'accountEnabled',
  // Guests (Member or Guest; returned only on $select): a guest never adopts an existing product user.
  'userType',
] as const;

/** The user as the planner sees it (one definition, in the pure sync module). */
export type { DirectoryUser };

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * Reads one user as Graph sends it in member lists, casts, delta pages and `GET /users/{id}`: with or
 * without `@odata.type`, with properties missing (not selected) or null (limited information without
 * User.Read.All — which must not be read as "the mail was removed": the caller decides). Only `id` is required.
 */
export function parseDirectoryUser(raw: unknown): DirectoryUser {
  if (typeof raw !== 'object' || raw === null)
    throw new TypeError(`a directory user must be an object, got ${raw === null ? 'null' : typeof raw}`);
  const object = raw as Record<string, unknown>;
  const type = object['@odata.type'];
  if (type !== undefined && type !== '#microsoft.graph.user')
    throw new TypeError(`expected a #microsoft.graph.user, got ${String(type)}`);
  const id = text(object.id);
  if (!id) throw new TypeError('a directory user needs an id');
  return {
    id,
    displayName: text(object.displayName),
    givenName: text(object.givenName),
    surname: text(object.surname),
    mail: text(object.mail),
    userPrincipalName: text(object.userPrincipalName),
    mailNickname: text(object.mailNickname),
    jobTitle: text(object.jobTitle),
    department: text(object.department),
    mobilePhone: text(object.mobilePhone),
    businessPhones: Array.isArray(object.businessPhones)
      ? object.businessPhones.filter((p): p is string => typeof p === 'string')
      : [],
    officeLocation: text(object.officeLocation),
    employeeId: text(object.employeeId),
    onPremisesSamAccountName: text(object.onPremisesSamAccountName),
    accountEnabled: typeof object.accountEnabled === 'boolean' ? object.accountEnabled : null,
    userType: text(object.userType),
  };
}
