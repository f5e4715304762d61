/**
 * The Entra provider scopes members after mapping them to the neutral DirectoryUser: deciding on the neutral user
 * (attributes flattened with dots, accountEnabled as `enabled`) must agree with deciding on Graph's object.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDirectoryUser } from '../../src/directory/entra/directory-user.js';
import { compileAzureScope, isDirectoryUserInAzureScope, isInAzureScope } from '../../src/sync/azure-scope.js';

const word = fc.constantFrom('Sales', 'sales', 'HR', 'Intern', 'Aarhus', '');
const filters = [
  '(department=Sales)',
  '(!(title=Intern*))',
  '(&(department=*)(extensionAttribute1=Aarhus))',
  '(|(l=Aarhus)(userAccountControl:1.2.840.113556.1.4.803:=2))',
  '(onPremisesExtensionAttributes.extensionAttribute1=HR)',
];

describe('Azure scoping on the neutral user', () => {
  it('agrees with scoping on the Graph object, for generated users, paths and filters', () => {
    expect(filters.filter((f) => compileAzureScope({ ldapFilter: f }).ok).length).toBeGreaterThanOrEqual(4);
    fc.assert(
      fc.property(
        fc.record({
          department: fc.option(word, { nil: null }),
          jobTitle: fc.option(word, { nil: null }),
          city: fc.option(word, { nil: null }),
          accountEnabled: fc.boolean(),
          ext: fc.option(word, { nil: null }),
          ou: fc.constantFrom('Sales', 'HR'),
        }),
        fc.constantFrom(...filters),
        fc.constantFrom(null, 'OU=Sales,DC=contoso,DC=com'),
        (u, filter, path) => {
          const compiled = compileAzureScope({ ldapFilter: filter, ldapPath: path });
          if (!compiled.ok) return; // a filter Graph cannot answer is refused on save
          const graph = {
            id: '11111111-2222-4333-8444-555555555555',
            userPrincipalName: 'a@contoso.com',
            department: u.department,
            jobTitle: u.jobTitle,
            city: u.city,
            accountEnabled: u.accountEnabled,
            onPremisesDistinguishedName: `CN=A,OU=${u.ou},DC=contoso,DC=com`,
            onPremisesExtensionAttributes: { extensionAttribute1: u.ext },
          };
          expect(isDirectoryUserInAzureScope(compiled.scope, parseDirectoryUser(graph))).toBe(
            isInAzureScope(compiled.scope, graph),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
