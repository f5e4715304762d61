import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, runSetup, usersOf } from '../support/sync-fixtures.js';

/** Bugs the model-based history test (test/fuzz) found, each pinned by its own case. */
describe('regressions found by the directory-history fuzz', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  async function synced(name: string, options: Parameters<typeof createSetup>[4] = {}) {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, name);
    const disabled = addPerson(stack, tenantId, { accountEnabled: false });
    const enabled = addPerson(stack, tenantId);
    const group = stack.sim.control.addGroup(tenantId, { displayName: 'Staff', members: [disabled.id, enabled.id] });
    const setup = await createSetup(stack, company, connectionId, group.id, options);
    expect((await runSetup(stack, company, setup.id)).counts).toMatchObject({ created: 1, skipped: 1 });
    return { company, tenantId, group, disabled, enabled, setup };
  }

  // seed 2: {"policy":{"updateExisting":false,"deleteRemoved":false,"matchOn":"email"},"initial":[{"into":"root","enabled":false},
  // {"into":"root","enabled":true}],"steps":[{"op":"enable","user":0},…]} — the delta run never created the enabled member.
  it('a member skipped while disabled and enabled later is created by the next delta run', async () => {
    const { company, tenantId, disabled, setup } = await synced('Enabled Later Co', {
      updateExisting: false,
      deleteRemoved: false,
    });
    stack.sim.control.enableUser(tenantId, disabled.id);
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ mode: 'delta', status: 'succeeded', counts: { created: 1 } });
    expect((await usersOf(stack, company.companyId)).find((u) => u.external_id === disabled.id)).toMatchObject({
      active: true,
      managing_setup_id: setup.id,
    });
  });

  it('a change to someone outside the group still creates nobody', async () => {
    const { company, tenantId, setup } = await synced('Outsider Co');
    const outsider = addPerson(stack, tenantId);
    stack.sim.control.updateUser(tenantId, outsider.id, { jobTitle: 'Elsewhere' });
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ mode: 'delta', counts: { created: 0 } });
    expect((await usersOf(stack, company.companyId)).some((u) => u.external_id === outsider.id)).toBe(false);
  });

  // seed 2: {"policy":{"updateExisting":true,"deleteRemoved":false,"matchOn":"email"},"steps":[{"op":"removeMember","user":0},
  // {"op":"run","kind":"delta"},{"op":"changeAttr","user":0,"attr":"jobTitle","value":0},…]} — a member that left the group (kept,
  // deleteRemoved off) was still updated by delta runs, as if a member.
  it('a user who left the group (kept because deleteRemoved is off) is not updated by later delta runs', async () => {
    const { company, tenantId, group, enabled, setup } = await synced('Left Kept Co', { deleteRemoved: false });
    stack.sim.control.removeMember(tenantId, group.id, enabled.id);
    expect(await runSetup(stack, company, setup.id)).toMatchObject({
      mode: 'delta',
      counts: { deleted: 0, deactivated: 0 },
    });
    stack.sim.control.updateUser(tenantId, enabled.id, { jobTitle: 'Changed after leaving' });
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ mode: 'delta', counts: { updated: 0 } });
    expect((await usersOf(stack, company.companyId)).find((u) => u.external_id === enabled.id)?.job_title).toBe(
      'Engineer',
    );
  });

  // the same gap with a grace period: a removed member, deactivated for its grace period, was reactivated by a change
  it('a removed member deactivated for its grace period is not reactivated by a change in Entra', async () => {
    const { company, tenantId, group, enabled, setup } = await synced('Grace Co', { removalGraceDays: 30 });
    stack.sim.control.removeMember(tenantId, group.id, enabled.id);
    expect(await runSetup(stack, company, setup.id)).toMatchObject({ mode: 'delta', counts: { deactivated: 1 } });
    stack.sim.control.updateUser(tenantId, enabled.id, { department: 'Moved on' });
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ mode: 'delta', counts: { updated: 0 } });
    expect((await usersOf(stack, company.companyId)).find((u) => u.external_id === enabled.id)).toMatchObject({
      active: false,
      department: 'R&D',
    });
  });
});
