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
 * The dotted path of each member of a complex property, by property and member: made once, because the Entra mapper
 * names every member of every user it maps by them.
 */
export const ENTRA_NESTED_PATHS: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(
  Object.entries(NESTED).map(([name, inners]) => [name, new Map(inners.map((inner) => [inner, `${name}.${inner}`]))]),
);

/**
 * What a mapping on an Entra connection may name: the select (complex ones by dotted path), and `manager`, the
 * manager's e-mail, which the reader resolves (Graph `GET /users/{id}/manager`) when a mapping asks for it.
 */
export const ENTRA_MAPPABLE_ATTRIBUTES: readonly string[] = [
  ...ENTRA_USER_SELECT.flatMap((name) => {
    const paths = ENTRA_NESTED_PATHS.get(name);
    return paths ? [...paths.values()] : [name];
  }),
  'manager',
];
