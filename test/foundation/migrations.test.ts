import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/database.js';
import { migrateAllDown, migrateToLatest, migrations } from '../../src/db/migrate.js';
import { emptyUserRow } from '../../src/db/repositories/sync-user-rows.js';
import { testEnvironment } from '../support/context.js';
import { createScratchDatabase } from '../../src/runtime/scratch-database.js';

async function tables(db: Db): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(db);
  return result.rows.map((r) => r.table_name);
}

const expectedTables = [
  'api_keys',
  'companies',
  'consent_states',
  'customer_types',
  'directory_connections',
  'sync_changes',
  'sync_runs',
  'sync_setups',
  'users',
];

describe('migrations', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let db: Db;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testEnvironment().adminDatabaseUrl);
    db = createDb(scratch.url);
  });
  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  it('go up, all the way down, and up again', async () => {
    expect(await migrateToLatest(db)).toEqual(Object.keys(migrations));
    const afterUp = await tables(db);
    expect(afterUp).toEqual(expect.arrayContaining(expectedTables));
    expect(await migrateToLatest(db)).toEqual([]);

    expect((await migrateAllDown(db)).length).toBe(Object.keys(migrations).length);
    expect(await tables(db)).toEqual([]);

    expect(await migrateToLatest(db)).toEqual(Object.keys(migrations));
    expect(await tables(db)).toEqual(afterUp);
  });

  describe('constraints that make bad states impossible', () => {
    let companyA: string;
    let companyB: string;
    let typeA: string;
    let typeB: string;

    beforeAll(async () => {
      await migrateToLatest(db);
      companyA = (await db.insertInto('companies').values({ name: 'A' }).returning('id').executeTakeFirstOrThrow()).id;
      companyB = (await db.insertInto('companies').values({ name: 'B' }).returning('id').executeTakeFirstOrThrow()).id;
      typeA = (
        await db
          .insertInto('customer_types')
          .values({ company_id: companyA, name: 'Staff' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      typeB = (
        await db
          .insertInto('customer_types')
          .values({ company_id: companyB, name: 'Staff' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    });

    const user = (company: string, type: string, email: string | null, initials: string | null = null) => ({
      ...emptyUserRow(company, type),
      email,
      initials,
    });

    it('one email per company, case-insensitively; the same email in another company is fine', async () => {
      await db
        .insertInto('users')
        .values(user(companyA, typeA, 'Ann@Example.com'))
        .execute();
      await expect(
        db
          .insertInto('users')
          .values(user(companyA, typeA, 'ann@example.COM'))
          .execute(),
      ).rejects.toThrow(/users_one_email_per_company/);
      await db
        .insertInto('users')
        .values(user(companyB, typeB, 'ann@example.com'))
        .execute();
    });

    it('one set of initials per company', async () => {
      await db
        .insertInto('users')
        .values(user(companyA, typeA, null, 'abc'))
        .execute();
      await expect(
        db
          .insertInto('users')
          .values(user(companyA, typeA, null, 'ABC'))
          .execute(),
      ).rejects.toThrow(/users_one_initials_per_company/);
    });

    it("a user cannot be put in another company's customer type", async () => {
      await expect(
        db
          .insertInto('users')
          .values(user(companyA, typeB, 'x@example.com'))
          .execute(),
      ).rejects.toThrow(/foreign key/);
    });

    it('one active run per setup, and the audit is append-only', async () => {
      const connection = await db
        .insertInto('directory_connections')
        .values({
          company_id: companyA,
          provider: 'azure',
          tenant_id: 'contoso.onmicrosoft.com',
          tenant_guid: null,
          designation: null,
          status_reason: null,
          organization_name: null,
          connected_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await expect(
        db
          .insertInto('directory_connections')
          .values({
            company_id: companyA,
            provider: 'azure',
            tenant_id: 'contoso.onmicrosoft.com',
            tenant_guid: null,
            designation: null,
            status_reason: null,
            organization_name: null,
            connected_at: null,
          })
          .execute(),
      ).rejects.toThrow(/directory_connections_one_per_tenant/);
      const setup = await db
        .insertInto('sync_setups')
        .values({
          company_id: companyA,
          connection_id: connection.id,
          customer_type_id: typeA,
          designation: null,
          group_id: 'g1',
          group_display_name: null,
          ldap_path: null,
          ldap_filter: null,
          status_reason: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await expect(
        db
          .insertInto('sync_setups')
          .values({
            company_id: companyB,
            connection_id: connection.id,
            customer_type_id: typeB,
            designation: null,
            group_id: 'g2',
            group_display_name: null,
            ldap_path: null,
            ldap_filter: null,
            status_reason: null,
          })
          .execute(),
      ).rejects.toThrow(/foreign key/);

      const run = await db
        .insertInto('sync_runs')
        .values({ setup_id: setup.id, company_id: companyA, trigger: 'manual', error: null, workflow_id: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await expect(
        db
          .insertInto('sync_runs')
          .values({ setup_id: setup.id, company_id: companyA, trigger: 'manual', error: null, workflow_id: null })
          .execute(),
      ).rejects.toThrow(/sync_runs_one_active_per_setup/);

      const change = {
        run_id: run.id,
        setup_id: setup.id,
        company_id: companyA,
        user_id: null,
        external_id: 'e1',
        action: 'skip' as const,
        before: null,
        after: null,
        reason: 'no email',
        subject_key: 'e1',
      };
      await db.insertInto('sync_changes').values(change).execute();
      await expect(db.insertInto('sync_changes').values(change).execute()).rejects.toThrow(/duplicate key/);
      await expect(
        db.updateTable('sync_changes').set({ reason: 'edited' }).where('run_id', '=', run.id).execute(),
      ).rejects.toThrow(/append-only/);
      await expect(db.deleteFrom('sync_changes').where('run_id', '=', run.id).execute()).rejects.toThrow(/append-only/);
    });
  });
});
