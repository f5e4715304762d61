/**
 * Directory users for fixtures, built from Graph's fields through the Entra mapper (the same path a member page
 * takes), so a fixture names only what it is about (`mail`, `accountEnabled`, `userType`…) and stays short.
 */
import { parseDirectoryUser } from '../../src/directory/entra/directory-user.js';
import type { DirectoryUser } from '../../src/sync/directory-user.js';

/** A Graph user object with the attributes the sync selects; missing ones are "not selected". */
export interface GraphUserFields {
  id: string;
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  mailNickname?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  mobilePhone?: string | null;
  businessPhones?: string[];
  officeLocation?: string | null;
  employeeId?: string | null;
  onPremisesSamAccountName?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
}

/** The neutral user Entra's mapper makes of these Graph fields. */
export function entraUser(fields: GraphUserFields): DirectoryUser {
  return parseDirectoryUser(fields);
}
