/**
 * A setup's "LDAP path" and "Filter" checked on save, for the kind of directory its connection reaches. Pure.
 * - ldap: the path is the search base (a DN; empty: the connection's base DN), the filter an RFC 4515 filter
 *   sent to the DC;
 * - azure: the same fields scope Graph data (src/sync/azure-scope.ts), so the filter may only name attributes
 *   Graph has.
 * A malformed part is reported with its field and where it is (1-based character in the message).
 */
import { compileAzureScope, type ScopeError } from './azure-scope.js';
import { DnSyntaxError, parseDn, tryParseDn } from './dn.js';
import { LdapFilterSyntaxError, parseLdapFilter } from './ldap-filter.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

/** The group id a connection's directory names groups by: Entra an object id, AD a DN. */
export function groupIdProblem(kind: string, groupId: string): { field: 'groupId'; message: string } | null {
  if (kind === 'ldap')
    return isGuid(groupId) || (tryParseDn(groupId)?.length ?? 0) === 0
      ? { field: 'groupId', message: 'must be the DN of an Active Directory group (CN=Sales,OU=Groups,DC=…)' }
      : null;
  return isGuid(groupId) ? null : { field: 'groupId', message: 'must be the object id (a GUID) of an Entra group' };
}

export function setupScopeProblems(
  kind: string,
  input: { ldapPath?: string | null; ldapFilter?: string | null },
): ScopeError[] {
  if (kind !== 'ldap') {
    const compiled = compileAzureScope(input);
    return compiled.ok ? [] : compiled.errors;
  }
  const problems: ScopeError[] = [];
  const path = input.ldapPath?.trim() ?? '';
  const filter = input.ldapFilter?.trim() ?? '';
  if (path !== '') {
    try {
      parseDn(path);
    } catch (error) {
      if (!(error instanceof DnSyntaxError)) throw error;
      problems.push({ field: 'ldapPath', message: error.message, offset: error.offset });
    }
  }
  if (filter !== '') {
    try {
      parseLdapFilter(filter);
    } catch (error) {
      if (!(error instanceof LdapFilterSyntaxError)) throw error;
      problems.push({ field: 'ldapFilter', message: error.message, offset: error.offset });
    }
  }
  return problems;
}
