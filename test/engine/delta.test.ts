import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, changesOf, connectNewTenant, createSetup, runSetup, usersOf } from '../support/sync-fixtures.js';

describe('incremental sync with Graph delta', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  async function synced(name: string) {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, name);
    const people = Array.from({ length: 4 }, () => addPerson(stack, tenantId));
    const team = stack.sim.control.addGroup(tenantId, { displayName: 'Team', members: [people[3]!.id] });
    const group = stack.sim.control.addGroup(tenantId, {
      displayName: 'Staff',
      members: [...people.slice(0, 3).map((p) => p.id), team.id],
    });
    const setup = await createSetup(stack, company, connectionId, group.id);
    const first = await runSetup(stack, company, setup.id);
    expect(first).toMatchObject({ mode: 'full', status: 'succeeded', counts: { created: 4 } });
    expect(first.progress.fullReason).toMatch(/first sync/);
    return { company, tenantId, group, team, people, setup };
  }

  it('after a full sync, runs are delta: add, change, disable, remove and re-add', async () => {
    const { company, tenantId, group, team, people, setup } = await synced('Delta Co');
    const quiet = await runSetup(stack, company, setup.id);
    expect(quiet).toMatchObject({ mode: 'delta', status: 'succeeded' });
    expect(quiet.counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(await changesOf(stack, company, quiet.id)).toEqual([]);

    const joiner = addPerson(stack, tenantId);
    stack.sim.control.addMember(tenantId, team.id, joiner.id); // joins through the nested group
    stack.sim.control.updateUser(tenantId, people[0]!.id, { jobTitle: 'Head of Sales' });
    stack.sim.control.disableUser(tenantId, people[1]!.id);
    stack.sim.control.removeMember(tenantId, group.id, people[2]!.id);
    const outsider = addPerson(stack, tenantId); // changes in the tenant outside the group are ignored
    stack.sim.control.updateUser(tenantId, outsider.id, { jobTitle: 'Elsewhere' });

    const delta = await runSetup(stack, company, setup.id);
    expect(delta).toMatchObject({ mode: 'delta', status: 'succeeded' });
    expect(delta.counts).toMatchObject({ created: 1, updated: 1, deactivated: 1, deleted: 1, conflicts: 0, failed: 0 });
    const users = new Map((await usersOf(stack, company.companyId)).map((u) => [u.external_id, u]));
    expect(users.get(joiner.id)?.active).toBe(true);
    expect(users.get(people[0]!.id)?.job_title).toBe('Head of Sales');
    expect(users.get(people[1]!.id)?.active).toBe(false);
    expect(users.has(people[2]!.id)).toBe(false);
    expect(users.has(outsider.id)).toBe(false);

    stack.sim.control.addMember(tenantId, group.id, people[2]!.id);
    stack.sim.control.enableUser(tenantId, people[1]!.id);
    const back = await runSetup(stack, company, setup.id);
    expect(back).toMatchObject({ mode: 'delta', counts: { created: 1, updated: 1 } });
    expect((await usersOf(stack, company.companyId)).filter((u) => u.active)).toHaveLength(5);
  });

  it('a member removed from one nested group but still in another stays', async () => {
    const { company, tenantId, group, team, people, setup } = await synced('Two Paths Co');
    stack.sim.control.addMember(tenantId, group.id, people[3]!.id); // now direct and through Team
    await runSetup(stack, company, setup.id);
    stack.sim.control.removeMember(tenantId, team.id, people[3]!.id);
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ mode: 'delta', counts: { deleted: 0, deactivated: 0 } });
    expect((await usersOf(stack, company.companyId)).some((u) => u.external_id === people[3]!.id)).toBe(true);
  });

  it('a nested group added to or removed from the group falls back to a full sync, recorded on the run', async () => {
    const { company, tenantId, group, team, setup } = await synced('Structure Co');
    const newTeam = stack.sim.control.addGroup(tenantId, {
      displayName: 'New Team',
      members: [addPerson(stack, tenantId).id, addPerson(stack, tenantId).id],
    });
    stack.sim.control.addMember(tenantId, group.id, newTeam.id);
    const added = await runSetup(stack, company, setup.id);
    expect(added).toMatchObject({ mode: 'full', status: 'succeeded', counts: { created: 2 } });
    expect(added.progress.fullReason).toMatch(/nested-group structure changed/);

    stack.sim.control.removeMember(tenantId, group.id, team.id);
    const removed = await runSetup(stack, company, setup.id);
    expect(removed).toMatchObject({ mode: 'full', counts: { deleted: 1 } });
    expect((await runSetup(stack, company, setup.id)).mode).toBe('delta'); // and back to delta afterwards
  });

  it('an expired delta link (7 days) falls back to a full sync', async () => {
    const { company, tenantId, people, setup } = await synced('Expiry Co');
    // Our own clock says the links are fresh; Microsoft's (the simulator's) has moved 8 days on: 410 Gone.
    stack.sim.control.advanceClock(8 * 24 * 3600 * 1000);
    stack.sim.control.updateUser(tenantId, people[0]!.id, { department: 'Moved' });
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ mode: 'full', status: 'succeeded', counts: { updated: 1 } });
    expect(run.progress.fullReason).toMatch(/410/);

    // links older than 7 days by our own clock are not even tried
    await stack.db
      .updateTable('sync_delta_state')
      .set({ updated_at: new Date(Date.now() - 8 * 24 * 3600 * 1000) })
      .where('setup_id', '=', setup.id)
      .execute();
    const stale = await runSetup(stack, company, setup.id);
    expect(stale).toMatchObject({ mode: 'full' });
    expect(stale.progress.fullReason).toMatch(/older than 7 days/);
  });

  it('a crash between apply and link advance: the next run re-applies nothing and loses nothing', async () => {
    const { company, tenantId, group, people, setup } = await synced('Crash Delta Co');
    await runSetup(stack, company, setup.id); // delta, establishes a delta-run baseline
    const before = await stack.db
      .selectFrom('sync_delta_state')
      .selectAll()
      .where('setup_id', '=', setup.id)
      .executeTakeFirstOrThrow();

    stack.sim.control.updateUser(tenantId, people[0]!.id, { jobTitle: 'Changed once' });
    const joiner = addPerson(stack, tenantId);
    stack.sim.control.addMember(tenantId, group.id, joiner.id);
    const applied = await runSetup(stack, company, setup.id);
    expect(applied.counts).toMatchObject({ created: 1, updated: 1 });

    // As if the worker died after committing the changes but before storing the new links:
    await stack.db
      .updateTable('sync_delta_state')
      .set({ state: JSON.stringify(before.state) })
      .where('setup_id', '=', setup.id)
      .execute();
    const replay = await runSetup(stack, company, setup.id);
    expect(replay).toMatchObject({ mode: 'delta', status: 'succeeded' });
    expect(replay.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    expect(await changesOf(stack, company, replay.id)).toEqual([]);
    const users = await usersOf(stack, company.companyId);
    expect(users.filter((u) => u.external_id === joiner.id)).toHaveLength(1);
    expect(users.find((u) => u.external_id === people[0]!.id)?.job_title).toBe('Changed once');
  });
});
