import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, changesOf, connectNewTenant, createSetup, runSetup, usersOf } from '../support/sync-fixtures.js';

/** Setup changes the delta links cannot follow drop them: the next run is full and says why (issue 11). */
describe('setup changes reset the delta state', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  async function syncedTwice(name: string) {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, name);
    const oldPeople = Array.from({ length: 3 }, () => addPerson(stack, tenantId));
    const newPeople = Array.from({ length: 2 }, () => addPerson(stack, tenantId));
    const oldGroup = stack.sim.control.addGroup(tenantId, { displayName: 'Old', members: oldPeople.map((p) => p.id) });
    const newGroup = stack.sim.control.addGroup(tenantId, {
      displayName: 'New',
      members: [oldPeople[0]!.id, ...newPeople.map((p) => p.id)],
    });
    const setup = await createSetup(stack, company, connectionId, oldGroup.id, {
      deletionThreshold: { count: 500, percent: 100 },
    });
    await runSetup(stack, company, setup.id);
    expect((await runSetup(stack, company, setup.id)).mode).toBe('delta');
    return { company, tenantId, oldGroup, newGroup, oldPeople, newPeople, setup };
  }

  const patch = (company: { key: string }, setupId: string, body: Record<string, unknown>) =>
    stack.call('PATCH', `/api/v1/setups/${setupId}`, { key: company.key, body });

  it('a setup moved to another group syncs the new group on its next run, and its preview and its run agree', async () => {
    const { company, tenantId, oldGroup, newGroup, oldPeople, newPeople, setup } = await syncedTwice('Moved Co');
    expect((await patch(company, setup.id, { groupId: newGroup.id })).status).toBe(200);
    // the old group keeps changing: none of it may reach the product any more
    stack.sim.control.addMember(tenantId, oldGroup.id, addPerson(stack, tenantId).id);

    const preview = await runSetup(stack, company, setup.id, { dryRun: true });
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ mode: 'full', status: 'succeeded' });
    expect(run.progress.fullReason).toMatch(/^the setup changed \(groupId .+ → .+\): its delta links were dropped$/);
    expect(run.counts).toEqual(preview.counts);
    expect(run.counts).toMatchObject({ created: 2, deleted: 2, unchanged: 1 });
    const plan = (await changesOf(stack, company, preview.id)).map((c) => `${c.action}:${c.externalId}`).sort();
    const done = (await changesOf(stack, company, run.id)).map((c) => `${c.action}:${c.externalId}`).sort();
    expect(done).toEqual(plan);
    const linked = (await usersOf(stack, company.companyId)).map((u) => u.external_id).sort();
    expect(linked).toEqual([oldPeople[0]!.id, ...newPeople.map((p) => p.id)].sort());

    // and the run after that follows the new group's delta
    const joiner = addPerson(stack, tenantId);
    stack.sim.control.addMember(tenantId, newGroup.id, joiner.id);
    expect(await runSetup(stack, company, setup.id)).toMatchObject({ mode: 'delta', counts: { created: 1 } });
  });

  it.each([
    [{ matchOn: 'initials' }, /matchOn email → initials/],
    [{ initialsAttributes: ['employeeId'] }, /initialsAttributes/],
  ])('changing %o makes the next run full, saying why', async (body, reason) => {
    const { company, setup } = await syncedTwice(`Rekeyed Co ${JSON.stringify(body)}`);
    expect((await patch(company, setup.id, body)).status).toBe(200);
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ mode: 'full', status: 'succeeded' });
    expect(run.progress.fullReason).toMatch(reason);
    expect((await runSetup(stack, company, setup.id)).mode).toBe('delta');
  });

  it('a change that does not affect what delta reads (the interval) keeps the delta links', async () => {
    const { company, setup } = await syncedTwice('Same Co');
    expect((await patch(company, setup.id, { intervalMinutes: 30 })).status).toBe(200);
    expect((await runSetup(stack, company, setup.id)).mode).toBe('delta');
  });
});
