/** The LDAP (on-prem Active Directory) client: connection, verification, member and group reads. */
export { LdapError, classifyLdapError, type LdapFailureReason } from './errors.js';
export { describeLdapOptions, resolveLdapOptions, type LdapConnectionOptions, type LdapTransport } from './options.js';
export { openLdapSession, withLdapSession, type LdapSession } from './session.js';
export { readDirectoryControllerState, type DirectoryControllerState } from './directory-state.js';
export { verifyLdapConnection, countUsersUnder, type LdapVerification, type LdapVerificationFacts } from './verify.js';
export {
  DEFAULT_PAGE_SIZE,
  IN_CHAIN_RULE,
  memberSearchFilter,
  readAllGroupMembers,
  readGroupMembers,
  toDirectoryUser,
  USER_ATTRIBUTES,
  type LdapDirectoryUser,
  type MemberPage,
  type MemberQuery,
} from './members.js';
export { getGroupByDn, searchGroups, type LdapGroup } from './groups.js';
export { objectGuidFilterValue, objectGuidToBytes, objectGuidToString } from './guid.js';
