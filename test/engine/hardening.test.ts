import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import {
  addPerson,
  changesOf,
  connectNewTenant,
  createSetup,
  runSetup,
  usersOf,
  waitForRun,
} from '../support/sync-fixtures.js';

describe('sync hardening against the simulator: foreign paging links', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Two members a page, so a group of five has nextLinks.
    stack = await startTestStack({ config: { SYNC_PAGE_SIZE: '2' } });
  });
  afterAll(() => stack?.close());

  async function syncedGroup(name: string, size: number) {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, name);
    const people = Array.from({ length: size }, () => addPerson(stack, tenantId));
    const group = stack.sim.control.addGroup(tenantId, { displayName: 'Staff', members: people.map((p) => p.id) });
    const setup = await createSetup(stack, company, connectionId, group.id, {
      deleteRemoved: true,
      deletionThreshold: { count: 500, percent: 100 },
    });
    return { company, tenantId, connectionId, group, people, setup };
  }

  it('a member page whose nextLink leaves GRAPH_BASE_URL/v1.0/ fails the run once, without following it', async () => {
    const { company, tenantId, setup } = await syncedGroup('Foreign NextLink', 5);
    stack.sim.control.setFaults(tenantId, {
      foreignNextLink: { count: 100, match: 'microsoft.graph.user', url: 'https://graph.attacker.example/v1.0/' },
    });
    stack.sim.control.clearRequests();
    const run = await runSetup(stack, company, setup.id, { fullSync: true });
    stack.sim.control.clearFaults(tenantId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/paging link outside .*\/v1\.0\/ \(https:\/\/graph\.attacker\.example\/v1\.0\//);
    expect(run.error).not.toMatch(/skiptoken/i);
    // Not retried: the member read was asked once.
    const reads = stack.sim.control.requests({ tenantId, urlIncludes: 'microsoft.graph.user' });
    expect(reads.length).toBe(1);
    expect((await usersOf(stack, company.companyId)).length).toBe(0);
  });

  it('a delta answer whose deltaLink leaves GRAPH_BASE_URL/v1.0/ fails the run and is not stored', async () => {
    const { company, tenantId, setup, people } = await syncedGroup('Foreign DeltaLink', 3);
    expect((await runSetup(stack, company, setup.id)).status).toBe('succeeded');
    const before = await stack.db
      .selectFrom('sync_delta_state')
      .selectAll()
      .where('setup_id', '=', setup.id)
      .executeTakeFirstOrThrow();
    stack.sim.control.updateUser(tenantId, people[0]!.id, { jobTitle: 'Changed' });
    stack.sim.control.setFaults(tenantId, { foreignNextLink: { count: 100, match: '/delta' } });
    const run = await runSetup(stack, company, setup.id);
    stack.sim.control.clearFaults(tenantId);
    expect(run).toMatchObject({ status: 'failed', mode: 'delta' });
    expect(run.error).toMatch(/graph\.attacker\.example/);
    const after = await stack.db
      .selectFrom('sync_delta_state')
      .selectAll()
      .where('setup_id', '=', setup.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(after)).not.toContain('attacker');
    expect(after.state.usersLink).toBe(before.state.usersLink);
  });
});

describe('sync hardening against the simulator: safe adoption', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it('adopts only non-guests with an address in a verified domain; the rest are skipped with the reason', async () => {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Adoption Co');
    const domain = stack.sim.control.tenant(tenantId).defaultDomain;
    const connection = await (
      await stack.call('GET', `/api/v1/connections/${connectionId}`, { key: company.key })
    ).json();
    expect(connection.verifiedDomains).toContain(domain);

    const existing = async (email: string) =>
      stack.db
        .insertInto('users')
        .values({
          company_id: company.companyId,
          customer_type_id: company.customerTypeId,
          email,
          initials: null,
          first_name: 'Existing',
          last_name: 'User',
          display_name: 'Existing User',
          phone: null,
          mobile: null,
          department: null,
          job_title: null,
          office_location: null,
          external_id: null,
          managing_setup_id: null,
          deactivated_by_setup_id: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    const ceo = await existing(`ceo@${domain}`);
    const partner = await existing('boss@partner.example');
    const colleague = await existing(`colleague@${domain}`);

    // A guest whose inviter typed the CEO's address; a member whose mail an admin set to another company's domain.
    const guest = addPerson(stack, tenantId, {
      mail: `CEO@${domain}`,
      userPrincipalName: `ceo_${domain}#EXT#@${domain}`,
      userType: 'Guest',
    });
    const outsider = addPerson(stack, tenantId, { mail: 'boss@partner.example' });
    const member = addPerson(stack, tenantId, { mail: `colleague@${domain}` });
    const group = stack.sim.control.addGroup(tenantId, {
      displayName: 'Staff',
      members: [guest.id, outsider.id, member.id],
    });
    const setup = await createSetup(stack, company, connectionId, group.id, { matchOn: 'email' });
    stack.sim.control.clearRequests();
    const run = await runSetup(stack, company, setup.id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ adopted: 1, skipped: 2, created: 0 });

    const read = stack.sim.control.requests({ tenantId, urlIncludes: 'microsoft.graph.user' })[0]!;
    expect(decodeURIComponent(read.url)).toMatch(/\$select=[^&]*userType/);

    const users = await usersOf(stack, company.companyId);
    expect(users.find((u) => u.id === colleague.id)).toMatchObject({
      external_id: member.id,
      managing_setup_id: setup.id,
    });
    for (const untouched of [ceo, partner]) {
      expect(users.find((u) => u.id === untouched.id)).toMatchObject({
        external_id: null,
        managing_setup_id: null,
        email: untouched.email,
        active: true,
      });
    }
    const skips = await changesOf(stack, company, run.id, 'skip');
    const reasonOf = (externalId: string) => String(skips.find((c) => c.externalId === externalId)?.reason);
    expect(reasonOf(guest.id)).toMatch(new RegExp(`product user ${ceo.id}, but the directory user is a guest`));
    expect(reasonOf(outsider.id)).toMatch(
      new RegExp(
        `product user ${partner.id}, but its address domain partner\\.example is not one of the tenant's verified domains`,
      ),
    );
  });
});

describe('sync hardening against the simulator: the deletion guard waits at most APPROVAL_TIMEOUT', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ config: { APPROVAL_TIMEOUT: '8s' } });
  });
  afterAll(() => stack?.close());

  async function heldRun(name: string) {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, name);
    const people = Array.from({ length: 5 }, () => addPerson(stack, tenantId));
    const group = stack.sim.control.addGroup(tenantId, { displayName: 'Staff', members: people.map((p) => p.id) });
    const setup = await createSetup(stack, company, connectionId, group.id, {
      deleteRemoved: true,
      deletionThreshold: { count: 2, percent: 100 },
    });
    expect((await runSetup(stack, company, setup.id)).counts.created).toBe(5);
    for (const p of people.slice(0, 4)) stack.sim.control.removeMember(tenantId, group.id, p.id);
    const held = await runSetup(stack, company, setup.id, { until: 'awaiting_approval' });
    expect(held.status).toBe('awaiting_approval');
    return { company, tenantId, group, people, setup, held };
  }

  it('a run nobody decides on ends after APPROVAL_TIMEOUT with its removals skipped, not after days', async () => {
    const { company, held } = await heldRun('Approval Timeout');
    const started = Date.now();
    const done = await waitForRun(stack, company, held.id);
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ deleted: 0, deactivated: 0, skipped: 4, unchanged: 1 });
    const skips = await changesOf(stack, company, held.id, 'skip');
    expect(skips.every((c) => /removals not approved within 8s/.test(String(c.reason)))).toBe(true);
    expect((await usersOf(stack, company.companyId)).filter((u) => u.active)).toHaveLength(5);
  });

  it('an approval of a read older than APPROVAL_TIMEOUT reads the group again first and removes only who is still gone', async () => {
    const { company, tenantId, group, people, held } = await heldRun('Stale Approval');
    // The read is made old (as if the approval came a day later); two of the four came back to the group meanwhile.
    await sql`update sync_runs set progress = progress || jsonb_build_object('readAt', ${new Date(Date.now() - 24 * 3600_000).toISOString()}::text)
      where id = ${held.id}::uuid`.execute(stack.db);
    stack.sim.control.addMember(tenantId, group.id, people[0]!.id);
    stack.sim.control.addMember(tenantId, group.id, people[1]!.id);
    expect((await stack.call('POST', `/api/v1/runs/${held.id}/approve-removals`, { key: company.key })).status).toBe(
      202,
    );
    const done = await waitForRun(stack, company, held.id);
    expect(done.status).toBe('succeeded');
    expect(done.progress.fullReason).toMatch(/approved after the read was older than APPROVAL_TIMEOUT/);
    expect(done.counts).toMatchObject({ deleted: 2, unchanged: 3 });
    const remaining = (await usersOf(stack, company.companyId)).map((u) => u.external_id).sort();
    expect(remaining).toEqual([people[0]!.id, people[1]!.id, people[4]!.id].sort());
  });

  it('passes APPROVAL_TIMEOUT to scheduled runs too', async () => {
    const { setup } = await heldRun('Schedule Args');
    const schedule = await stack.temporal.schedule.getHandle(`setup-sync-${setup.id}`).describe();
    const action = schedule.action as { args?: { approvalTimeoutMs?: number }[] };
    expect(action.args?.[0]?.approvalTimeoutMs).toBe(8000);
  });
});
