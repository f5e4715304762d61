/**
 * The Entra user attributes the sync reads, in one list: the Entra reader `$select`s exactly these on member pages
 * and delta rounds, and a setup's mapping (and a filter rule) may name what they give (issue 16).
 */

/** `$select` for member pages: what the product maps by default, what Graph omits unless asked, what a mapping reads. */
export const ENTRA_USER_SELECT = [
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
  // For mappings (each "Returned only on $select" but preferredLanguage):
  'preferredLanguage',
  'companyName',
  'employeeType',
  'city',
  'country',
  'state',
  'streetAddress',
  'postalCode',
  'usageLocation',
  'onPremisesExtensionAttributes',
  'employeeOrgData',
] as const;

/** Complex properties of the select, read by their members' dotted paths (the neutral user's `attributes`). */
const NESTED: Readonly<Record<string, readonly string[]>> = {
  onPremisesExtensionAttributes: Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
  employeeOrgData: ['costCenter', 'division'],
};

/**
 * What a mapping on an Entra connection may name: the select (complex ones by dotted path), and `manager`, the
 * manager's e-mail, which the reader resolves (Graph `GET /users/{id}/manager`) when a mapping asks for it.
 */
export const ENTRA_MAPPABLE_ATTRIBUTES: readonly string[] = [
  ...ENTRA_USER_SELECT.flatMap((name) => NESTED[name]?.map((inner) => `${name}.${inner}`) ?? [name]),
  'manager',
];
