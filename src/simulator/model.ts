/** The directory objects the simulator keeps, in Graph's property names. */

export interface SimUser {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  userPrincipalName: string;
  mailNickname: string;
  jobTitle: string | null;
  department: string | null;
  mobilePhone: string | null;
  businessPhones: readonly string[];
  officeLocation: string | null;
  employeeId: string | null;
  onPremisesSamAccountName: string | null;
  accountEnabled: boolean;
  /**
   * Graph's user resource: "A String value that can be used to classify user types in your directory. The possible
   * values are Member and Guest." Returned only on $select. Invited B2B guests are Guest, with a `#EXT#` UPN.
   */
  userType: 'Member' | 'Guest';
  preferredLanguage: string | null;
  /** "The name of the company that the user is associated with." Returned only on $select. */
  companyName?: string | null;
  /**
   * "Contains extensionAttributes1-15 for the user." Returned only on $select; Graph sends all fifteen keys, null
   * where unset (onPremisesExtensionAttributes resource type).
   */
  onPremisesExtensionAttributes?: Readonly<Partial<Record<ExtensionAttributeName, string | null>>>;
  /** "Represents organization data (for example, division and costCenter) associated with a user." $select only. */
  employeeOrgData?: { costCenter: string | null; division: string | null } | null;
  /** employeeType, city, country, state, streetAddress, postalCode, usageLocation: plain strings ($select only). */
  employeeType?: string | null;
  city?: string | null;
  country?: string | null;
  state?: string | null;
  streetAddress?: string | null;
  postalCode?: string | null;
  usageLocation?: string | null;
  /** The user's manager (the `manager` relationship), a user id; read with GET /users/{id}/manager. */
  managerId?: string | null;
  createdDateTime: string;
  /** Set while the user sits in the recycle bin (soft-deleted); hard deletion removes the object. */
  deletedDateTime: string | null;
}

export const extensionAttributeNames = Array.from(
  { length: 15 },
  (_, i) => `extensionAttribute${i + 1}` as const,
) as readonly `extensionAttribute${number}`[];
export type ExtensionAttributeName = `extensionAttribute${number}`;

export interface SimGroup {
  id: string;
  displayName: string;
  description: string | null;
  mail: string | null;
  mailNickname: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: readonly string[];
  visibility: string | null;
  createdDateTime: string;
  /** Direct members (user and group ids) in the order they were added. */
  members: Set<string>;
}

export interface VerifiedDomain {
  name: string;
  isDefault: boolean;
  isInitial: boolean;
  type: 'Managed';
  capabilities: string;
}

export type UserInput = Partial<Omit<SimUser, 'createdDateTime' | 'deletedDateTime' | 'managerId'>> & {
  displayName: string;
};
export type UserPatch = Partial<Omit<SimUser, 'id' | 'createdDateTime' | 'deletedDateTime' | 'managerId'>>;
export type GroupInput = Partial<Omit<SimGroup, 'members' | 'createdDateTime'>> & { displayName: string };
export type GroupPatch = Partial<Omit<SimGroup, 'id' | 'members' | 'createdDateTime'>>;

/** Text properties a user may lack in the simulator's model (null in Graph's answers). */
export const optionalTextProperties = [
  'companyName',
  'employeeType',
  'city',
  'country',
  'state',
  'streetAddress',
  'postalCode',
  'usageLocation',
] as const;

/** User properties the simulator can change; also the set `$select` accepts on users. */
export const userPropertyNames = [
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
  'userType',
  'preferredLanguage',
  'onPremisesExtensionAttributes',
  'employeeOrgData',
  ...optionalTextProperties,
  'createdDateTime',
  'deletedDateTime',
] as const;

export const groupPropertyNames = [
  'id',
  'displayName',
  'description',
  'mail',
  'mailNickname',
  'mailEnabled',
  'securityEnabled',
  'groupTypes',
  'visibility',
  'createdDateTime',
] as const;
