import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disabledManagedMembersCountQuery } from '../../src/db/repositories/pending-removals.js';
import { stagedChunkQuery } from '../../src/db/repositories/sync-staging.js';
import { openScratchDb, seedCompany, seedSetup, type ScratchDb } from './fixtures.js';
import { indexesOf } from './plan-indexes.js';

/**
 * A full sync that changes nothing stages nearly every member settled (without data) and plans only the rest.
 * Those reads — the apply's chunks and the guard's count of disabled members — must find the few members staged
 * with data through sync_run_members_unsettled, not walk all of the run's staged rows (measured at 100,000
 * members: ~190 ms each before the index, on the no-change run's critical path).
 */
describe('reads of the members a run staged with data', () => {
  let scratch: ScratchDb;
  let scope: { companyId: string; setupId: string; runId: string };

  beforeAll(async () => {
    scratch = await openScratchDb();
    const company = await seedCompany(scratch.db);
    const setup = await seedSetup(scratch.db, company);
    scope = { companyId: company.companyId, setupId: setup.setupId, runId: randomUUID() };
    // 20,000 users the setup manages; 49,000 members staged settled and 1,000 with data, as a no-change run leaves them
    await sql`
      insert into users (company_id, customer_type_id, managing_setup_id, external_id, email)
      select ${company.companyId}::uuid, ${company.customerTypeId}::uuid, ${setup.setupId}::uuid, 'm-' || lpad(i::text, 6, '0'),
        'user' || i || '@example.test'
      from generate_series(1, 20000) as i`.execute(scratch.db);
    await sql`
      insert into sync_run_members (run_id, external_id, ordinal, data, data_hash, settled)
      select ${scope.runId}::uuid, 'm-' || lpad(i::text, 6, '0'), i,
        case when i % 50 = 0 then jsonb_build_object('id', 'm-' || lpad(i::text, 6, '0'), 'enabled', i % 100 <> 0) end,
        md5(i::text), i % 50 <> 0
      from generate_series(1, 50000) as i`.execute(scratch.db);
    await sql`analyze users`.execute(scratch.db);
    await sql`analyze sync_run_members`.execute(scratch.db);
  });
  afterAll(() => scratch?.close());

  it("the apply's chunk read", async () => {
    for (const page of [
      { afterExternalId: null, limit: 2000 },
      { afterExternalId: 'm-010000', limit: 2000, upToExternalId: 'm-030000' },
    ]) {
      const [row] = await stagedChunkQuery(scratch.db, scope.runId, page).explain('json');
      expect(indexesOf(row!['QUERY PLAN'])).toContain('sync_run_members_unsettled');
      const members = await stagedChunkQuery(scratch.db, scope.runId, page).execute();
      expect(members.every((m) => m.data !== null)).toBe(true);
      expect(members.length).toBe(page.afterExternalId === null ? 1000 : 400);
    }
  });

  it("the deletion guard's count of managed members disabled in the directory", async () => {
    const plan = await sql<{
      'QUERY PLAN': unknown;
    }>`explain (format json) ${disabledManagedMembersCountQuery(scope)}`.execute(scratch.db);
    expect(indexesOf(plan.rows[0]!['QUERY PLAN'])).toContain('sync_run_members_unsettled');
    // members 100, 200, … 20,000 are disabled and have a user
    expect((await disabledManagedMembersCountQuery(scope).execute(scratch.db)).rows[0]!.n).toBe(200);
  });
});
