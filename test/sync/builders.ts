/** Test data builders and a tiny in-memory "apply" that follows the contract documented on PlannedChange. */
import type { DirectoryUser, PlannedChange, ProductUser, SetupPolicy, SyncedFields } from '../../src/sync/index.js';
import { entraUser, type GraphUserFields } from '../support/directory-users.js';

export const SETUP = 'setup-1';
export const OTHER_SETUP = 'setup-2';
export const COMPANY = 'company-1';
export const OTHER_COMPANY = 'company-2';
export const CUSTOMER_TYPE = 'type-staff';
export const NOW = new Date('2025-06-01T12:00:00.000Z');

/** Alice as Entra sends her, with `overrides` in Graph's names, through the Entra mapper. */
export function directoryUser(overrides: GraphUserFields): DirectoryUser {
  return entraUser({
    displayName: 'Alice Example',
    givenName: 'Alice',
    surname: 'Example',
    mail: 'alice@example.com',
    userPrincipalName: 'alice@example.com',
    mailNickname: 'alice',
    jobTitle: 'Engineer',
    department: 'R&D',
    mobilePhone: '+41 79 000 00 00',
    businessPhones: ['+41 44 000 00 00'],
    officeLocation: 'Zurich',
    employeeId: 'E1',
    onPremisesSamAccountName: 'AEX',
    accountEnabled: true,
    userType: 'Member',
    ...overrides,
  });
}

/** What `directoryUser()` maps to with the default initials attributes. */
export const ALICE_FIELDS: Readonly<SyncedFields> = {
  email: 'alice@example.com',
  initials: 'AEX',
  firstName: 'Alice',
  lastName: 'Example',
  displayName: 'Alice Example',
  phone: '+41 44 000 00 00',
  mobile: '+41 79 000 00 00',
  department: 'R&D',
  jobTitle: 'Engineer',
  officeLocation: 'Zurich',
  active: true,
};

/** A product user whose synced fields equal what `directoryUser()` maps to. */
export function productUser(overrides: Partial<ProductUser> & { id: string }): ProductUser {
  return {
    companyId: COMPANY,
    customerTypeId: CUSTOMER_TYPE,
    ...ALICE_FIELDS,
    externalId: null,
    managingSetupId: null,
    deactivatedAt: null,
    deactivatedBySetupId: null,
    ...overrides,
  };
}

export function setupPolicy(overrides: Partial<SetupPolicy> = {}): SetupPolicy {
  return {
    setupId: SETUP,
    companyId: COMPANY,
    customerTypeId: CUSTOMER_TYPE,
    updateExisting: true,
    deleteRemoved: true,
    matchOn: 'email',
    initialsAttributes: ['onPremisesSamAccountName', 'mailNickname'],
    removalGraceDays: 0,
    deletionThreshold: { count: 500, percent: 20 },
    verifiedDomains: ['example.com'],
    ...overrides,
  };
}

export function daysBefore(date: Date, days: number): Date {
  return new Date(date.getTime() - days * 24 * 60 * 60 * 1000);
}

/** Applies planned changes to a list of product users the way the orchestrator is meant to. */
export function applyToSnapshot(
  users: readonly ProductUser[],
  changes: readonly PlannedChange[],
  policy: SetupPolicy,
  now: Date,
): ProductUser[] {
  let result = users.map((user) => ({ ...user }));
  const byId = (id: string | null) => {
    const user = result.find((candidate) => candidate.id === id);
    if (!user) throw new Error(`change for unknown product user ${id}`);
    return user;
  };
  for (const change of changes) {
    switch (change.action) {
      case 'create':
        result.push(
          productUser({
            id: `created:${change.externalId}`,
            companyId: policy.companyId,
            customerTypeId: policy.customerTypeId,
            ...change.after,
            externalId: change.externalId,
            managingSetupId: policy.setupId,
          }),
        );
        break;
      case 'adopt':
        Object.assign(
          byId(change.userId),
          { externalId: change.externalId, managingSetupId: policy.setupId },
          change.after,
        );
        if (change.after?.active === true)
          Object.assign(byId(change.userId), { deactivatedAt: null, deactivatedBySetupId: null });
        break;
      case 'update':
        Object.assign(byId(change.userId), change.after);
        if (change.after?.active === true)
          Object.assign(byId(change.userId), { deactivatedAt: null, deactivatedBySetupId: null });
        break;
      case 'deactivate':
        Object.assign(byId(change.userId), change.after, {
          active: false,
          deactivatedAt: now,
          deactivatedBySetupId: policy.setupId,
        });
        break;
      case 'delete':
        byId(change.userId);
        result = result.filter((user) => user.id !== change.userId);
        break;
      default:
        break;
    }
  }
  return result;
}
