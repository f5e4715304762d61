/**
 * "A second provider needs a folder under src/directory/ and one line in the factory": a static in-memory directory
 * (test/support/static-directory/), registered with one line beside Entra, runs real syncs through the same engine,
 * workflows, activities and database: the first sync creates the users, a change updates one (through the
 * provider's incremental round), a mass removal is held by the deletion guard and applied once approved.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertConnection, markConnectionConnected } from '../../src/db/repositories/connections.js';
import { directoryProviders } from '../../src/directory/factory.js';
import type { DirectoryUser } from '../../src/sync/directory-user.js';
import { openScratchDb, type ScratchDb } from '../db/fixtures.js';
import { StaticDirectory, staticDirectoryProvider, staticKind } from '../support/static-directory/index.js';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { changesOf, createSetup, runSetup, usersOf, waitForRun } from '../support/sync-fixtures.js';

const domain = 'static.example';

function person(n: number): DirectoryUser {
  return {
    id: randomUUID(),
    email: `person${n}@${domain}`,
    displayName: `Person ${n}`,
    givenName: 'Person',
    surname: String(n),
    phone: null,
    mobilePhone: null,
    department: 'R&D',
    jobTitle: 'Engineer',
    officeLocation: null,
    enabled: true,
    guest: false,
    attributes: { sAMAccountName: `P${n}` },
  };
}

describe('a second directory provider (static, in memory) through the real engine', () => {
  const directory = new StaticDirectory();
  let scratch: ScratchDb;
  let stack: TestStack;

  beforeAll(async () => {
    scratch = await openScratchDb();
    // The shipped schema lists the kinds the service ships; this test's own database also allows the test's kind.
    await sql`
      alter table directory_connections drop constraint directory_connections_provider_check;
      alter table directory_connections add constraint directory_connections_provider_check
        check (provider in ('azure', ${sql.lit(staticKind)}))`.execute(scratch.db);
    // The one line: the static provider beside the built-in ones.
    stack = await startTestStack({
      db: scratch.db,
      directoryProviders: { ...directoryProviders, [staticKind]: staticDirectoryProvider(directory) },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await scratch?.close();
  });

  it('creates, updates and (after the guard) removes users of a static directory', async () => {
    const company = await onboardCompany(stack);
    const connection = await insertConnection(scratch.db, {
      companyId: company.companyId,
      provider: staticKind,
      tenantId: 'static-directory',
      designation: 'Static',
    });
    await markConnectionConnected(
      scratch.db,
      connection.id,
      { tenantGuid: randomUUID(), organizationName: 'Static Directory', verifiedDomains: [domain] },
      { upn: `admin@${domain}`, objectId: randomUUID() },
    );
    const groupId = directory.addGroup('Static Staff');
    const people = [1, 2, 3].map((n) => directory.putUser(person(n)));
    for (const p of people) directory.addMember(groupId, p.id);

    // The setup form's group check goes through the same provider.
    const setup = await createSetup(stack, company, connection.id, groupId, {
      deletionThreshold: { count: 1, percent: 100 },
    });
    expect(setup.group).toMatchObject({ id: groupId, displayName: 'Static Staff', userCount: 3 });

    const first = await runSetup(stack, company, setup.id);
    expect(first).toMatchObject({ status: 'succeeded', mode: 'full', counts: { created: 3 } });
    const created = await usersOf(stack, company.companyId);
    expect(created.map((u) => [u.email, u.external_id, u.managing_setup_id, u.active])).toEqual(
      people.map((p) => [p.email, p.id, setup.id, true]),
    );

    directory.updateUser(people[0]!.id, { jobTitle: 'Head of R&D' });
    const second = await runSetup(stack, company, setup.id);
    expect(second).toMatchObject({ status: 'succeeded', mode: 'delta', counts: { updated: 1, created: 0 } });
    expect((await usersOf(stack, company.companyId)).find((u) => u.external_id === people[0]!.id)?.job_title).toBe(
      'Head of R&D',
    );

    directory.removeMember(groupId, people[1]!.id);
    directory.removeMember(groupId, people[2]!.id);
    const held = await runSetup(stack, company, setup.id, { until: 'awaiting_approval' });
    expect(held).toMatchObject({ status: 'awaiting_approval', progress: { removals: 2 } });
    expect(await usersOf(stack, company.companyId)).toHaveLength(3); // nothing removed before the approval
    const approved = await stack.call('POST', `/api/v1/runs/${held.id}/approve-removals`, { key: company.key });
    expect(approved.status).toBe(202);
    const done = await waitForRun(stack, company, held.id);
    expect(done).toMatchObject({ status: 'succeeded', counts: { deleted: 2 } });
    expect((await usersOf(stack, company.companyId)).map((u) => u.external_id)).toEqual([people[0]!.id]);
    const deletions = await changesOf(stack, company, held.id, 'delete');
    expect(deletions.map((c) => c.externalId).sort()).toEqual([people[1]!.id, people[2]!.id].sort());
    for (const change of deletions) expect(String(change.reason)).toMatch(/\S/);
  });
});
