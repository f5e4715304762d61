/** A setup's LDAP path and filter as a scope on Entra users: validation, $select, AD names, the path rule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAzureScope, isInAzureScope, scopeAttributes, type AzureScope } from '../../src/sync/azure-scope.js';

function scopeOf(input: { ldapPath?: string | null; ldapFilter?: string | null }): AzureScope | null {
  const result = compileAzureScope(input);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.scope;
}

const anne = {
  id: 'e1',
  displayName: 'Anne Hansen',
  givenName: 'Anne',
  surname: 'Hansen',
  jobTitle: 'Account Manager',
  department: 'Sales',
  city: 'Aarhus',
  businessPhones: ['+45 1111 2222'],
  accountEnabled: true,
  onPremisesSamAccountName: 'ANHA',
  onPremisesDistinguishedName: 'CN=Anne Hansen,OU=Nordic,OU=Sales,DC=contoso,DC=com',
  onPremisesExtensionAttributes: { extensionAttribute1: 'Contractor', extensionAttribute2: null },
};
const cloudOnly = {
  id: 'e2',
  displayName: 'Zoë',
  department: 'Sales',
  accountEnabled: false,
  onPremisesDistinguishedName: null,
};

describe('compileAzureScope', () => {
  it('is no scope when both fields are empty', () => {
    expect(compileAzureScope({})).toEqual({ ok: true, scope: null });
    expect(compileAzureScope({ ldapPath: '  ', ldapFilter: '' })).toEqual({ ok: true, scope: null });
  });

  it('selects only the Graph properties the scope reads', () => {
    expect(scopeOf({ ldapPath: 'OU=Sales,DC=contoso,DC=com' })!.select).toEqual(['onPremisesDistinguishedName']);
    const scope = scopeOf({ ldapFilter: '(&(title=Account*)(|(sn=Hansen)(l=Aarhus))(extensionAttribute1=*))' })!;
    expect(scope.select).toEqual(['city', 'jobTitle', 'onPremisesExtensionAttributes', 'surname']);
    expect(scopeOf({ ldapFilter: '(!(userAccountControl:1.2.840.113556.1.4.803:=2))' })!.select).toEqual([
      'accountEnabled',
    ]);
  });

  it('names the field and the position of a malformed path or filter', () => {
    const result = compileAzureScope({ ldapPath: 'OU=Sales;DC=x', ldapFilter: '(department=Sales' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.field, e.offset])).toEqual([
      ['ldapPath', 8],
      ['ldapFilter', 17],
    ]);
    expect(result.errors[1]!.message).toContain('malformed at character 18');
  });

  it('refuses filters Entra data cannot answer, instead of scoping everyone out', () => {
    for (const [filter, text] of [
      ['(memberOf=CN=Staff,DC=x)', 'memberOf is not available'],
      ['(memberOf:1.2.840.113556.1.4.1941:=CN=Staff,DC=x)', 'choose the group in the setup'],
      ['(manager=*)', '"manager" is not one Entra gives'],
      ['(department:dn:=Sales)', '":dn" matches need the directory'],
      ['(department:=Sales)', "needs one of AD's bitwise rules"],
      ['(department:caseIgnoreMatch:=Sales)', 'is not one AD evaluates'],
    ] as const) {
      const result = compileAzureScope({ ldapFilter: filter });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors[0]!.message).toContain(text);
    }
  });
});

describe('isInAzureScope', () => {
  it('puts users under the path in scope, RDN by RDN and case-insensitively', () => {
    expect(isInAzureScope(scopeOf({ ldapPath: 'ou=sales, dc=CONTOSO, dc=com' }), anne)).toBe(true);
    expect(isInAzureScope(scopeOf({ ldapPath: 'OU=Nordic,OU=Sales,DC=contoso,DC=com' }), anne)).toBe(true);
    expect(isInAzureScope(scopeOf({ ldapPath: 'OU=les,DC=contoso,DC=com' }), anne)).toBe(false);
    expect(isInAzureScope(scopeOf({ ldapPath: 'OU=Sales,DC=contoso,DC=com' }), cloudOnly)).toBe(false);
    expect(isInAzureScope(null, cloudOnly)).toBe(true);
  });

  it('evaluates AD-style filters on Graph properties (AD names, synthetic objectClass and userAccountControl)', () => {
    const adFilter = '(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))';
    expect(isInAzureScope(scopeOf({ ldapFilter: adFilter }), anne)).toBe(true);
    expect(isInAzureScope(scopeOf({ ldapFilter: adFilter }), cloudOnly)).toBe(false); // disabled
    expect(isInAzureScope(scopeOf({ ldapFilter: '(title=account manager)' }), anne)).toBe(true);
    expect(isInAzureScope(scopeOf({ ldapFilter: '(jobTitle=Account*)' }), anne)).toBe(true);
    expect(isInAzureScope(scopeOf({ ldapFilter: '(sAMAccountName=anha)' }), anne)).toBe(true);
    expect(isInAzureScope(scopeOf({ ldapFilter: '(telephoneNumber=+45 1111 2222)' }), anne)).toBe(true);
    expect(isInAzureScope(scopeOf({ ldapFilter: '(extensionAttribute1=contractor)' }), anne)).toBe(true);
    expect(isInAzureScope(scopeOf({ ldapFilter: '(extensionAttribute2=*)' }), anne)).toBe(false);
    expect(isInAzureScope(scopeOf({ ldapFilter: '(distinguishedName=*OU=Nordic*)' }), anne)).toBe(true);
  });

  it('needs both the path and the filter when both are set', () => {
    const scope = scopeOf({ ldapPath: 'OU=Sales,DC=contoso,DC=com', ldapFilter: '(department=Sales)' });
    expect(isInAzureScope(scope, anne)).toBe(true);
    expect(isInAzureScope(scope, { ...anne, department: 'HR' })).toBe(false);
    expect(isInAzureScope(scope, cloudOnly)).toBe(false);
  });

  it('a user is in scope iff under the path and matching the filter (property over generated users)', () => {
    const ou = fc.constantFrom('OU=Sales', 'OU=sales', 'OU=XSales', 'OU=Nordic,OU=Sales', 'OU=HR');
    const userArb = fc.record({
      department: fc.constantFrom('Sales', 'HR', null),
      accountEnabled: fc.constantFrom(true, false, null),
      onPremisesDistinguishedName: fc.option(
        ou.map((o) => `CN=X,${o},DC=contoso,DC=com`),
        { nil: null },
      ),
    });
    const scope = scopeOf({
      ldapPath: 'OU=Sales,DC=contoso,DC=com',
      ldapFilter: '(&(department=Sales)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))',
    });
    fc.assert(
      fc.property(userArb, (user) => {
        const underPath = /,OU=Sales,DC=contoso,DC=com$/i.test(user.onPremisesDistinguishedName ?? '');
        const matches = user.department === 'Sales' && user.accountEnabled !== false;
        // accountEnabled null: userAccountControl absent, so the bitwise test is FALSE and its negation TRUE.
        expect(isInAzureScope(scope, user)).toBe(underPath && matches);
      }),
    );
  });

  it('reads Graph values as the filter sees them', () => {
    const index = scopeAttributes({ ...anne, accountEnabled: false });
    expect(index.get('useraccountcontrol')).toEqual(['514']);
    expect(index.get('accountenabled')).toEqual(['FALSE']);
    expect(index.get('sn')).toEqual(['Hansen']);
    expect(index.has('extensionattribute2')).toBe(false);
  });
});
