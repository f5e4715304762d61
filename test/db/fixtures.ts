/** A migrated scratch database per test file, and the rows a sync run needs around it. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDb, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createRun } from '../../src/db/repositories/sync-runs.js';
import { emptyUserRow } from '../../src/db/repositories/sync-user-rows.js';
import type { UserRow } from '../../src/db/schema.js';
import { withPolicyDefaults, type DirectoryUser, type SetupPolicy } from '../../src/sync/index.js';
import { createScratchDatabase } from '../../src/runtime/scratch-database.js';
import { adminDatabaseUrl } from './admin-url.js';
import { entraUser, type GraphUserFields } from '../support/directory-users.js';

export interface ScratchDb {
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function openScratchDb(): Promise<ScratchDb> {
  const scratch = await createScratchDatabase(adminDatabaseUrl(), 'ds_db_test');
  const db = createDb(scratch.url, { poolSize: 4, applicationName: 'ds-db-test' });
  await migrateToLatest(db);
  return {
    db,
    url: scratch.url,
    close: async () => {
      await db.destroy();
      await scratch.drop();
    },
  };
}

export async function seedCompany(db: Db): Promise<{ companyId: string; customerTypeId: string }> {
  const company = await db
    .insertInto('companies')
    .values({ name: `Company ${randomUUID()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const type = await db
    .insertInto('customer_types')
    .values({ company_id: company.id, name: 'Staff' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { companyId: company.id, customerTypeId: type.id };
}

/** A setup (with its connection) of the company, as the planner's policy. */
export async function seedSetup(
  db: Db,
  company: { companyId: string; customerTypeId: string },
  overrides: Partial<SetupPolicy> = {},
): Promise<SetupPolicy> {
  const connection = await db
    .insertInto('directory_connections')
    .values({
      company_id: company.companyId,
      provider: 'azure',
      tenant_id: `${randomUUID()}.onmicrosoft.com`,
      tenant_guid: null,
      designation: null,
      status_reason: null,
      organization_name: null,
      connected_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const setup = await db
    .insertInto('sync_setups')
    .values({
      company_id: company.companyId,
      connection_id: connection.id,
      customer_type_id: company.customerTypeId,
      designation: null,
      group_id: randomUUID(),
      group_display_name: null,
      ldap_path: null,
      ldap_filter: null,
      status_reason: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return withPolicyDefaults({
    setupId: setup.id,
    companyId: company.companyId,
    customerTypeId: company.customerTypeId,
    updateExisting: true,
    deleteRemoved: true,
    matchOn: 'email',
    verifiedDomains: ['example.com'],
    ...overrides,
  });
}

export async function startRun(db: Db, policy: SetupPolicy, options: { dryRun?: boolean } = {}): Promise<string> {
  const run = await createRun(db, {
    setupId: policy.setupId,
    companyId: policy.companyId,
    trigger: 'manual',
    mode: 'full',
    dryRun: options.dryRun ?? false,
    workflowId: null,
  });
  await db.updateTable('sync_runs').set({ status: 'running' }).where('id', '=', run.id).execute();
  return run.id;
}

/** A product user row; synced fields default to null, active to true. */
export async function insertUser(
  db: Db,
  company: { companyId: string; customerTypeId: string },
  fields: Partial<Omit<UserRow, 'id' | 'company_id' | 'customer_type_id' | 'created_at' | 'updated_at'>> = {},
): Promise<string> {
  const row = await db
    .insertInto('users')
    .values({ ...emptyUserRow(company.companyId, company.customerTypeId), ...fields })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function userById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function auditRows(db: Db, runId: string) {
  return db.selectFrom('sync_changes').selectAll().where('run_id', '=', runId).orderBy('id').execute();
}

export async function countRows(
  db: Db,
  table: 'users' | 'sync_changes' | 'sync_run_batches' | 'sync_run_members',
): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
  return row.rows[0]?.n ?? 0;
}

/** A directory member with a predictable email and initials derived from its number. */
/** Member n as Entra sends it, with `overrides` in Graph's names, through the Entra mapper. */
export function member(n: number, overrides: Omit<GraphUserFields, 'id'> = {}): DirectoryUser {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return entraUser({
    id,
    displayName: `Member ${n}`,
    givenName: 'Member',
    surname: String(n),
    mail: `member${n}@example.com`,
    userPrincipalName: `member${n}@example.com`,
    mailNickname: `member${n}`,
    jobTitle: 'Engineer',
    department: 'R&D',
    mobilePhone: null,
    businessPhones: [],
    officeLocation: null,
    employeeId: null,
    onPremisesSamAccountName: `M${n}`,
    accountEnabled: true,
    userType: 'Member',
    ...overrides,
  });
}
