import { describe, expect, it } from 'vitest';
import { groupIdProblem, setupScopeProblems } from '../../src/sync/setup-scope.js';

describe('a setup scope checked on save', () => {
  it('on an ldap connection: the path is a DN, the filter RFC 4515, each refused with where it is malformed', () => {
    expect(setupScopeProblems('ldap', { ldapPath: 'OU=Staff,DC=contoso,DC=com', ldapFilter: '(mail=*)' })).toEqual([]);
    expect(setupScopeProblems('ldap', { ldapPath: ' ', ldapFilter: null })).toEqual([]);
    const problems = setupScopeProblems('ldap', { ldapPath: 'OU=Staff,,DC=x', ldapFilter: '(&(a=1)(b=2)' });
    expect(problems.map((p) => [p.field, p.offset])).toEqual([
      ['ldapPath', 9],
      ['ldapFilter', 12],
    ]);
    expect(problems[1]!.message).toMatch(/malformed at character 13/);
    // AD attributes Graph does not have are fine on AD
    expect(setupScopeProblems('ldap', { ldapFilter: '(msDS-cloudExtensionAttribute1=x)' })).toEqual([]);
  });

  it('on an azure connection: the filter may only name attributes Graph has', () => {
    expect(setupScopeProblems('azure', { ldapFilter: '(department=Sales)' })).toEqual([]);
    expect(setupScopeProblems('azure', { ldapFilter: '(msDS-cloudExtensionAttribute1=x)' })[0]?.field).toBe(
      'ldapFilter',
    );
  });

  it('names groups as the directory does: a GUID on Entra, a DN on AD', () => {
    const guid = '2b5c1d6e-0000-4000-8000-000000000001';
    expect(groupIdProblem('azure', guid)).toBeNull();
    expect(groupIdProblem('azure', 'CN=Staff,DC=x')?.field).toBe('groupId');
    expect(groupIdProblem('ldap', 'CN=Staff,DC=x')).toBeNull();
    expect(groupIdProblem('ldap', guid)?.message).toMatch(/DN of an Active Directory group/);
  });
});
