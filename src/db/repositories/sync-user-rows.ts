import type { Insertable } from 'kysely';
import type { UserRow, UsersTable } from '../schema.js';
import type { ProductUser, SyncedColumnFields, SyncedFields } from '../../sync/types.js';

/**
 * How the planner's names for the synced fields map to the users table, in one place so reading users
 * (candidates, removals) and writing them (apply) cannot drift apart.
 */
export const syncedColumns = {
  email: 'email',
  initials: 'initials',
  firstName: 'first_name',
  lastName: 'last_name',
  displayName: 'display_name',
  phone: 'phone',
  mobile: 'mobile',
  department: 'department',
  jobTitle: 'job_title',
  officeLocation: 'office_location',
  active: 'active',
} as const satisfies Record<keyof SyncedColumnFields, keyof UsersTable>;

export type SyncedField = keyof typeof syncedColumns;

export const syncedFieldNames = Object.keys(syncedColumns) as SyncedField[];

export function toProductUser(row: UserRow): ProductUser {
  return {
    id: row.id,
    companyId: row.company_id,
    customerTypeId: row.customer_type_id,
    email: row.email,
    initials: row.initials,
    firstName: row.first_name,
    lastName: row.last_name,
    displayName: row.display_name,
    phone: row.phone,
    mobile: row.mobile,
    department: row.department,
    jobTitle: row.job_title,
    officeLocation: row.office_location,
    externalId: row.external_id,
    managingSetupId: row.managing_setup_id,
    active: row.active,
    deactivatedAt: row.deactivated_at,
    deactivatedBySetupId: row.deactivated_by_setup_id,
    attributes: row.attributes,
  };
}

/** A user of the company's customer type with every optional column empty: the base a create fills in. */
export function emptyUserRow(companyId: string, customerTypeId: string) {
  return {
    company_id: companyId,
    customer_type_id: customerTypeId,
    email: null,
    initials: null,
    first_name: null,
    last_name: null,
    display_name: null,
    phone: null,
    mobile: null,
    department: null,
    job_title: null,
    office_location: null,
    external_id: null,
    managing_setup_id: null,
    deactivated_at: null,
    deactivated_by_setup_id: null,
  } satisfies Insertable<UsersTable>;
}

/** The column values of the synced fields `fields` names (absent fields stay absent, null stays null). */
export function syncedColumnValues(fields: Partial<SyncedFields>): Partial<Insertable<UsersTable>> {
  const values: Record<string, unknown> = {};
  for (const field of syncedFieldNames) {
    if (fields[field] !== undefined) values[syncedColumns[field]] = fields[field];
  }
  return values as Partial<Insertable<UsersTable>>;
}
