import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, runSetup, usersOf } from '../support/sync-fixtures.js';

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
    const setup = await createSetup(stack, company, connectionId, group.id, { deleteRemoved: true, deletionThreshold: { count: 500, percent: 100 } });
    return { company, tenantId, connectionId, group, people, setup };
  }

  it('a member page whose nextLink leaves GRAPH_BASE_URL/v1.0/ fails the run once, without following it', async () => {
    const { company, tenantId, setup } = await syncedGroup('Foreign NextLink', 5);
    stack.sim.control.setFaults(tenantId, { foreignNextLink: { count: 100, match: 'microsoft.graph.user', url: 'https://graph.attacker.example/v1.0/' } });
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
    const before = await stack.db.selectFrom('sync_delta_state').selectAll().where('setup_id', '=', setup.id).executeTakeFirstOrThrow();
    stack.sim.control.updateUser(tenantId, people[0]!.id, { jobTitle: 'Changed' });
    stack.sim.control.setFaults(tenantId, { foreignNextLink: { count: 100, match: '/delta' } });
    const run = await runSetup(stack, company, setup.id);
    stack.sim.control.clearFaults(tenantId);
    expect(run).toMatchObject({ status: 'failed', mode: 'delta' });
    expect(run.error).toMatch(/graph\.attacker\.example/);
    const after = await stack.db.selectFrom('sync_delta_state').selectAll().where('setup_id', '=', setup.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(after)).not.toContain('attacker');
    expect(after.users_link).toBe(before.users_link);
  });
});
