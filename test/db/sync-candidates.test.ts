import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidatesQuery, countManagedUsers, loadCandidates } from '../../src/db/repositories/sync-candidates.js';
import type { SetupPolicy } from '../../src/sync/index.js';
import { insertUser, openScratchDb, seedCompany, seedSetup, type ScratchDb } from './fixtures.js';

describe('sync candidates', () => {
  let scratch: ScratchDb;
  let company: { companyId: string; customerTypeId: string };
  let setup: SetupPolicy;
  let otherSetup: SetupPolicy;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    scratch = await openScratchDb();
    const { db } = scratch;
    company = await seedCompany(db);
    setup = await seedSetup(db, company);
    otherSetup = await seedSetup(db, company);
    const elsewhere = await seedCompany(db);
    ids.linkedElsewhere = await insertUser(db, company, {
      external_id: 'e-linked',
      managing_setup_id: otherSetup.setupId,
      email: 'linked@example.com',
    });
    ids.linkedUnmanaged = await insertUser(db, company, { external_id: 'e-unmanaged' });
    ids.byEmail = await insertUser(db, company, {
      email: 'Ann.Smith@Example.COM',
      first_name: 'Ann',
      active: false,
      deactivated_at: new Date('2025-01-01T00:00:00Z'),
    });
    ids.byInitials = await insertUser(db, company, { initials: 'abc', email: 'abc@example.com' });
    ids.unrelated = await insertUser(db, company, { email: 'nobody@example.com', initials: 'NOB' });
    // the same keys in another company are never candidates
    await insertUser(db, elsewhere, { external_id: 'e-linked', email: 'ann.smith@example.com', initials: 'ABC' });
  });
  afterAll(async () => scratch?.close());

  it('finds users linked by Entra id under any setup, or not managed at all', async () => {
    const found = await loadCandidates(scratch.db, company.companyId, {
      externalIds: ['e-linked', 'e-unmanaged', 'e-none'],
      emails: [],
      initials: [],
    });
    expect(found.map((u) => u.id).sort()).toEqual([ids.linkedElsewhere, ids.linkedUnmanaged].sort());
    expect(found.find((u) => u.id === ids.linkedElsewhere)).toMatchObject({
      externalId: 'e-linked',
      managingSetupId: otherSetup.setupId,
      companyId: company.companyId,
    });
  });

  it('finds users by email case-insensitively and maps every field', async () => {
    const [ann, ...rest] = await loadCandidates(scratch.db, company.companyId, {
      externalIds: [],
      emails: ['ann.smith@example.com'],
      initials: [],
    });
    expect(rest).toEqual([]);
    expect(ann).toEqual({
      id: ids.byEmail,
      companyId: company.companyId,
      customerTypeId: company.customerTypeId,
      email: 'Ann.Smith@Example.COM',
      initials: null,
      firstName: 'Ann',
      lastName: null,
      displayName: null,
      phone: null,
      mobile: null,
      department: null,
      jobTitle: null,
      officeLocation: null,
      externalId: null,
      managingSetupId: null,
      active: false,
      deactivatedAt: new Date('2025-01-01T00:00:00Z'),
      deactivatedBySetupId: null,
      attributes: {},
    });
  });

  it('finds users by initials case-insensitively', async () => {
    const found = await loadCandidates(scratch.db, company.companyId, {
      externalIds: [],
      emails: [],
      initials: ['ABC'],
    });
    expect(found.map((u) => u.id)).toEqual([ids.byInitials]);
  });

  it('combines every kind of key in one query, each user once', async () => {
    const found = await loadCandidates(scratch.db, company.companyId, {
      externalIds: ['e-linked'],
      emails: ['ann.smith@example.com', 'linked@example.com'],
      initials: ['ABC'],
    });
    expect(found.map((u) => u.id).sort()).toEqual([ids.linkedElsewhere, ids.byEmail, ids.byInitials].sort());
  });

  it('returns nothing for no keys', async () => {
    expect(await loadCandidates(scratch.db, company.companyId, { externalIds: [], emails: [], initials: [] })).toEqual(
      [],
    );
  });

  // Each kind of key is joined to its own index, whatever the number of keys: a chunk of 1,000 members must not
  // make Postgres read the whole company. The expression statistics keep the estimates sane.
  it('answers every kind of key from its own index, even with a thousand keys of each', async () => {
    await sql`insert into users (company_id, customer_type_id, email, initials, external_id)
      select ${company.companyId}::uuid, ${company.customerTypeId}::uuid, 'filler' || g || '@example.com', 'F' || g, 'filler-' || g
      from generate_series(1, 20000) g`.execute(scratch.db);
    await sql`analyze users`.execute(scratch.db);
    const keys = (count: number, prefix: string, suffix = '') =>
      Array.from({ length: count }, (_, i) => `${prefix}${i * 13}${suffix}`);
    const explain = async (query: ReturnType<typeof candidatesQuery>) =>
      (await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(scratch.db)).rows
        .map((row) => row['QUERY PLAN'])
        .join('\n');
    const estimate = (plan: string) => Number(/rows=(\d+)/.exec(plan)?.[1]);

    const byEmail = await explain(
      candidatesQuery(company.companyId, {
        externalIds: [],
        emails: keys(500, 'filler', '@example.com'),
        initials: [],
      }),
    );
    expect(estimate(byEmail)).toBeLessThan(2_000);

    const all = await explain(
      candidatesQuery(company.companyId, {
        externalIds: keys(1000, 'filler-'),
        emails: keys(1000, 'filler', '@example.com'),
        initials: keys(1000, 'F'),
      }),
    );
    // a thousand keys of each kind: still one index probe per key, no scan of the company
    expect(all).not.toMatch(/Seq Scan on users/);
    expect(all).not.toMatch(/ANY \(/);
    expect(all).toContain('users_company_external_id');
    expect(all).toContain('users_one_email_per_company');
    expect(all).toContain('users_one_initials_per_company');
    await sql`delete from users where email like 'filler%'`.execute(scratch.db);
  });

  it('counts the users a setup manages', async () => {
    expect(await countManagedUsers(scratch.db, otherSetup.setupId)).toBe(1);
    expect(await countManagedUsers(scratch.db, setup.setupId)).toBe(0);
  });
});
