import { extensionAttributeNames, optionalTextProperties, type SimGroup, type SimUser } from './model.js';
import type { Tenant } from './tenant.js';

/** How the simulator's objects look in Graph v1.0 responses. */

/** What Graph returns for a user without `$select` (accountEnabled, department… only on request). */
export const userDefaultProperties = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

export const userSelectableProperties = new Set<string>([
  ...userDefaultProperties,
  'mailNickname',
  'department',
  'employeeId',
  'onPremisesSamAccountName',
  'accountEnabled',
  'userType',
  'createdDateTime',
  'deletedDateTime',
  'onPremisesExtensionAttributes',
  'employeeOrgData',
  ...optionalTextProperties,
]);

export const odataType = { user: '#microsoft.graph.user', group: '#microsoft.graph.group' } as const;

/**
 * A user's properties. `limited` is Graph's answer to an app that may list members but not read users
 * (GroupMember.Read.All without User.Read.All): the same keys, every value but `id` null, HTTP 200.
 */
export function userResource(
  user: SimUser,
  select: readonly string[] | null,
  limited = false,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const property of select ?? userDefaultProperties) {
    out[property] = limited && property !== 'id' ? null : userProperty(user, property);
  }
  return out;
}

/** One property as Graph writes it: the complex ones complete (all fifteen extension attributes, null where unset). */
function userProperty(user: SimUser, property: string): unknown {
  if (property === 'onPremisesExtensionAttributes')
    return Object.fromEntries(
      extensionAttributeNames.map((name) => [name, user.onPremisesExtensionAttributes?.[name] ?? null]),
    );
  if (property === 'employeeOrgData') return user.employeeOrgData ?? null;
  const value = (user as unknown as Record<string, unknown>)[property];
  return value === undefined && (optionalTextProperties as readonly string[]).includes(property) ? null : value;
}

/** Graph's default group properties, in its order (group-get example 1). */
export function groupResource(group: SimGroup): Record<string, unknown> {
  return {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: group.createdDateTime,
    description: group.description,
    displayName: group.displayName,
    expirationDateTime: null,
    groupTypes: group.groupTypes,
    isAssignableToRole: null,
    mail: group.mail,
    mailEnabled: group.mailEnabled,
    mailNickname: group.mailNickname,
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesDomainName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesNetBiosName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: group.mail ? [`SMTP:${group.mail}`] : [],
    renewedDateTime: group.createdDateTime,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: group.securityEnabled,
    securityIdentifier: securityIdentifier(group.id),
    theme: null,
    visibility: group.visibility,
    onPremisesProvisioningErrors: [],
  };
}

export const groupSelectableProperties = new Set<string>(
  Object.keys(groupResource({ id: '00000000-0000-0000-0000-000000000000', members: new Set() } as unknown as SimGroup)),
);

/** A group with `$select`: Graph keeps `id` even when it was not asked for (group-get example 2). */
export function selectedGroup(group: SimGroup, select: readonly string[] | null): Record<string, unknown> {
  const all = groupResource(group);
  if (!select) return all;
  const out: Record<string, unknown> = { id: group.id };
  for (const property of select) out[property] = all[property];
  return out;
}

/** Entra's SID for cloud groups: S-1-12-1 followed by the object id read as four little-endian uint32s. */
function securityIdentifier(objectId: string): string {
  const hex = objectId.replace(/-/g, '');
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length !== 16) return 'S-1-12-1';
  // GUID byte order: the first three fields are stored little-endian.
  const guidBytes = Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8),
  ]);
  const parts = [0, 4, 8, 12].map((offset) => guidBytes.readUInt32LE(offset));
  return `S-1-12-1-${parts.join('-')}`;
}

export function organizationResource(tenant: Tenant): Record<string, unknown> {
  return {
    id: tenant.id,
    deletedDateTime: null,
    businessPhones: ['+45 70 20 30 40'],
    city: 'København',
    country: 'Denmark',
    countryLetterCode: 'DK',
    createdDateTime: tenant.createdDateTime,
    defaultUsageLocation: null,
    displayName: tenant.displayName,
    isMultipleDataLocationsForServicesEnabled: null,
    marketingNotificationEmails: [],
    onPremisesLastSyncDateTime: null,
    onPremisesSyncEnabled: null,
    partnerTenantType: null,
    postalCode: null,
    preferredLanguage: 'en',
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: null,
    street: null,
    technicalNotificationMails: [`admin@${tenant.defaultDomain}`],
    tenantType: 'AAD',
    directorySizeQuota: { used: tenant.users.size + tenant.groups.size, total: 300000 },
    assignedPlans: [
      {
        assignedDateTime: tenant.createdDateTime,
        capabilityStatus: 'Enabled',
        service: 'exchange',
        servicePlanId: '113feb6c-3fe4-4440-bddc-54d774bf0318',
      },
    ],
    privacyProfile: { contactEmail: '', statementUrl: '' },
    provisionedPlans: [{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' }],
    verifiedDomains: tenant.verifiedDomains.map((d) => ({ ...d })),
  };
}
