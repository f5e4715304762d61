/**
 * An AD user as the sync sees it (the provider-neutral DirectoryUser): objectGUID as the id; email from `mail`,
 * else `userPrincipalName`, lowercased; enabled from userAccountControl's ACCOUNTDISABLE bit (0x2); the usual
 * AD attributes for names, phones, department, title and office; every attribute read under its AD name in
 * `attributes` (sAMAccountName for initials, anything a filter or a mapping names).
 */
import type { DirectoryUser } from '../../sync/directory-user.js';
import type { LdapDirectoryUser } from './members.js';

export function toNeutralUser(user: LdapDirectoryUser): DirectoryUser {
  const attributes: Record<string, string | null> = {
    objectGUID: user.id,
    distinguishedName: user.distinguishedName,
    mail: user.mail,
    userPrincipalName: user.userPrincipalName,
    sAMAccountName: user.sAMAccountName,
    givenName: user.givenName,
    sn: user.surname,
    displayName: user.displayName,
    telephoneNumber: user.telephoneNumber,
    mobile: user.mobile,
    department: user.department,
    title: user.title,
    physicalDeliveryOfficeName: user.office,
    uSNChanged: user.usnChanged,
  };
  for (const [name, values] of Object.entries(user.extra)) attributes[name] ??= values[0] ?? null;
  return {
    id: user.id,
    email: user.email?.trim().toLowerCase() || null,
    displayName: user.displayName,
    givenName: user.givenName,
    surname: user.surname,
    phone: user.telephoneNumber,
    mobilePhone: user.mobile,
    department: user.department,
    jobTitle: user.title,
    officeLocation: user.office,
    enabled: user.accountEnabled,
    guest: false,
    attributes,
  };
}
