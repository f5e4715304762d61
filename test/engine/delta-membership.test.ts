import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.js';
import {
  addPerson,
  runSetup,
  syncedStaffGroup,
  usersOf,
  waitForRun,
  type SetupOptions,
} from '../support/sync-fixtures.js';

/**
 * What a delta run knows about membership without asking Graph (issue 15): a changed user the group delta did
 * not mention is a member exactly when it was one after the last successful run. The setup's managed users that
 * a run saw outside the group and kept carry a marker (users.not_member_since); only they, and users the setup
 * does not manage, are confirmed with checkMemberGroups.
 */
describe('delta runs and the membership they already know', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  const synced = (name: string, size: number, options: SetupOptions = {}) =>
    syncedStaffGroup(stack, name, size, options);

  /** checkMemberGroups calls Graph answered since the last clearRequests, inside $batch or not. */
  const checks = (tenantId: string) =>
    stack.sim.control.requests({ tenantId }).filter((r) => /checkMemberGroups/i.test(r.url)).length;

  const marker = async (externalId: string) =>
    (
      await stack.db
        .selectFrom('users')
        .select('not_member_since')
        .where('external_id', '=', externalId)
        .executeTakeFirstOrThrow()
    ).not_member_since;

  const userOf = async (companyId: string, externalId: string) =>
    (await usersOf(stack, companyId)).find((u) => u.external_id === externalId);

  it('attribute changes of known members are applied without a single checkMemberGroups', async () => {
    const { company, tenantId, people, setup } = await synced('Known Members Co', 30);
    for (const p of people.slice(0, 25)) stack.sim.control.updateUser(tenantId, p.id, { jobTitle: 'Renamed' });
    stack.sim.control.clearRequests();
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ mode: 'delta', status: 'succeeded', counts: { updated: 25, unchanged: 5 } });
    expect(checks(tenantId)).toBe(0);
    expect((await usersOf(stack, company.companyId)).filter((u) => u.job_title === 'Renamed')).toHaveLength(25);
  });

  it('a member who left while deleteRemoved was off is still checked when it changes, and not updated', async () => {
    const { company, tenantId, group, people, setup } = await synced('Left Off Co', 3, { deleteRemoved: false });
    const [leaver, stayer] = [people[0]!, people[1]!];
    stack.sim.control.removeMember(tenantId, group.id, leaver.id);
    expect(await runSetup(stack, company, setup.id)).toMatchObject({ mode: 'delta', counts: { deleted: 0 } });
    expect(await marker(leaver.id)).not.toBeNull();
    expect(await marker(stayer.id)).toBeNull();

    stack.sim.control.updateUser(tenantId, leaver.id, { jobTitle: 'Changed after leaving' });
    stack.sim.control.updateUser(tenantId, stayer.id, { jobTitle: 'Changed as a member' });
    stack.sim.control.clearRequests();
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ mode: 'delta', counts: { updated: 1 } });
    expect(checks(tenantId)).toBe(1); // the leaver only
    expect((await userOf(company.companyId, leaver.id))?.job_title).toBe('Engineer');
    expect((await userOf(company.companyId, stayer.id))?.job_title).toBe('Changed as a member');
    expect(await marker(leaver.id)).not.toBeNull();
  });

  it('a user whose removal was rejected stays marked: checked on a change, not updated', async () => {
    const { company, tenantId, group, people, setup } = await synced('Rejected Co', 4, {
      deletionThreshold: { count: 0, percent: 0 },
    });
    const leaver = people[0]!;
    stack.sim.control.removeMember(tenantId, group.id, leaver.id);
    const held = await runSetup(stack, company, setup.id, { until: 'awaiting_approval' });
    expect(held).toMatchObject({ mode: 'delta', status: 'awaiting_approval' });
    expect((await stack.call('POST', `/api/v1/runs/${held.id}/reject-removals`, { key: company.key })).status).toBe(
      202,
    );
    expect(await waitForRun(stack, company, held.id)).toMatchObject({ status: 'succeeded', counts: { skipped: 1 } });
    expect(await marker(leaver.id)).not.toBeNull();

    stack.sim.control.updateUser(tenantId, leaver.id, { department: 'Gone' });
    stack.sim.control.clearRequests();
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ mode: 'delta', status: 'succeeded', counts: { updated: 0 } });
    expect(checks(tenantId)).toBe(1);
    expect((await userOf(company.companyId, leaver.id))?.department).toBe('R&D');
  });

  it('a full run marks the members it did not read, and a user who rejoins is a known member again', async () => {
    const { company, tenantId, group, people, setup } = await synced('Rejoin Co', 3, { deleteRemoved: false });
    const leaver = people[0]!;
    stack.sim.control.removeMember(tenantId, group.id, leaver.id);
    // a preview plans against the whole group but writes nothing, markers included
    expect(await runSetup(stack, company, setup.id, { dryRun: true })).toMatchObject({ status: 'succeeded' });
    expect(await marker(leaver.id)).toBeNull();
    expect(await runSetup(stack, company, setup.id, { fullSync: true })).toMatchObject({ mode: 'full' });
    expect(await marker(leaver.id)).not.toBeNull();

    stack.sim.control.addMember(tenantId, group.id, leaver.id);
    stack.sim.control.updateUser(tenantId, leaver.id, { jobTitle: 'Back' });
    const back = await runSetup(stack, company, setup.id);
    expect(back).toMatchObject({ mode: 'delta', counts: { updated: 1 } });
    expect(await marker(leaver.id)).toBeNull();

    stack.sim.control.updateUser(tenantId, leaver.id, { jobTitle: 'Back for good' });
    stack.sim.control.clearRequests();
    expect(await runSetup(stack, company, setup.id)).toMatchObject({ mode: 'delta', counts: { updated: 1 } });
    expect(checks(tenantId)).toBe(0);
    expect((await userOf(company.companyId, leaver.id))?.job_title).toBe('Back for good');
  });

  it('a full read also clears the marker of a member it reads again (settled or not)', async () => {
    const { company, tenantId, group, people, setup } = await synced('Full Rejoin Co', 2, { deleteRemoved: false });
    const leaver = people[0]!;
    stack.sim.control.removeMember(tenantId, group.id, leaver.id);
    await runSetup(stack, company, setup.id);
    expect(await marker(leaver.id)).not.toBeNull();
    // back with the very data it was applied with: a settled member, which the member apply does not write
    stack.sim.control.addMember(tenantId, group.id, leaver.id);
    expect(await runSetup(stack, company, setup.id, { fullSync: true })).toMatchObject({
      mode: 'full',
      counts: { unchanged: 2 },
    });
    expect(await marker(leaver.id)).toBeNull();
  });

  it('links stored before the markers existed: every changed managed user is confirmed until a full run', async () => {
    const { company, tenantId, people, setup } = await synced('Old Links Co', 3);
    await stack.db
      .updateTable('sync_delta_state')
      .set({ non_members_marked: false })
      .where('setup_id', '=', setup.id)
      .execute();
    for (const p of people) stack.sim.control.updateUser(tenantId, p.id, { jobTitle: 'Asked' });
    stack.sim.control.clearRequests();
    expect(await runSetup(stack, company, setup.id)).toMatchObject({ mode: 'delta', counts: { updated: 3 } });
    expect(checks(tenantId)).toBe(3);
    // a delta run does not complete the markers; a full run does
    const state = () =>
      stack.db
        .selectFrom('sync_delta_state')
        .select('non_members_marked')
        .where('setup_id', '=', setup.id)
        .executeTakeFirstOrThrow();
    expect((await state()).non_members_marked).toBe(false);
    await runSetup(stack, company, setup.id, { fullSync: true });
    expect((await state()).non_members_marked).toBe(true);
  });

  it('a changed user the setup does not manage is still asked about (it may have been skipped while disabled)', async () => {
    const { company, tenantId, setup } = await synced('Unmanaged Co', 2);
    const outsider = addPerson(stack, tenantId);
    stack.sim.control.updateUser(tenantId, outsider.id, { jobTitle: 'Elsewhere' });
    stack.sim.control.clearRequests();
    expect(await runSetup(stack, company, setup.id)).toMatchObject({ mode: 'delta', counts: { created: 0 } });
    expect(checks(tenantId)).toBe(1);
  });
});
