import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import {
  addPerson,
  changesOf,
  connectNewTenant,
  createSetup,
  runSetup,
  usersOf,
  type SetupOptions,
} from '../support/sync-fixtures.js';

/** One directory story — add, change, disable, remove, re-add — under each combination of the two switches. */
describe.each([
  { updateExisting: true, deleteRemoved: true },
  { updateExisting: false, deleteRemoved: true },
  { updateExisting: true, deleteRemoved: false },
  { updateExisting: false, deleteRemoved: false },
])('directory changes with updateExisting=$updateExisting, deleteRemoved=$deleteRemoved', (options: SetupOptions) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it('follows the group', async () => {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Lifecycle Co');
    const [stays, changes, disabled, leaves] = [
      addPerson(stack, tenantId),
      addPerson(stack, tenantId),
      addPerson(stack, tenantId),
      addPerson(stack, tenantId),
    ];
    const group = stack.sim.control.addGroup(tenantId, {
      displayName: 'Staff',
      members: [stays, changes, disabled, leaves].map((u) => u.id),
    });
    const setup = await createSetup(stack, company, connectionId, group.id, options);
    expect((await runSetup(stack, company, setup.id)).counts.created).toBe(4);

    // add one, change one, disable one, remove one
    const joiner = addPerson(stack, tenantId);
    stack.sim.control.addMember(tenantId, group.id, joiner.id);
    stack.sim.control.updateUser(tenantId, changes.id, { jobTitle: 'Director', department: 'Board' });
    stack.sim.control.disableUser(tenantId, disabled.id);
    stack.sim.control.removeMember(tenantId, group.id, leaves.id);

    const run = await runSetup(stack, company, setup.id);
    expect(run.status).toBe('succeeded');
    const byExternal = new Map((await usersOf(stack, company.companyId)).map((u) => [u.external_id, u]));
    expect(byExternal.get(joiner.id)).toMatchObject({ active: true, email: joiner.mail!.toLowerCase() });
    expect(byExternal.get(changes.id)!.job_title).toBe(options.updateExisting ? 'Director' : 'Engineer');
    expect(byExternal.get(disabled.id)!.active).toBe(false); // access follows Entra whatever updateExisting says
    if (options.deleteRemoved) expect(byExternal.has(leaves.id)).toBe(false);
    else expect(byExternal.get(leaves.id)).toMatchObject({ active: true });

    expect(run.counts).toEqual({
      created: 1,
      updated: options.updateExisting ? 1 : 0,
      adopted: 0,
      deactivated: 1,
      deleted: options.deleteRemoved ? 1 : 0,
      unchanged: options.updateExisting ? 1 : 2,
      skipped: 0,
      conflicts: 0,
      failed: 0,
    });
    if (options.updateExisting) {
      const [update] = await changesOf(stack, company, run.id, 'update');
      expect(update).toMatchObject({
        before: { jobTitle: 'Engineer', department: 'R&D' },
        after: { jobTitle: 'Director', department: 'Board' },
      });
    }

    // re-add the one who left, re-enable the disabled one
    stack.sim.control.addMember(tenantId, group.id, leaves.id);
    stack.sim.control.enableUser(tenantId, disabled.id);
    const back = await runSetup(stack, company, setup.id);
    const after = new Map((await usersOf(stack, company.companyId)).map((u) => [u.external_id, u]));
    expect(after.get(leaves.id)).toMatchObject({ active: true, managing_setup_id: setup.id });
    expect(after.get(disabled.id)!.active).toBe(true);
    expect(back.counts.created).toBe(options.deleteRemoved ? 1 : 0);
    expect(after.size).toBe(5);
  });
});
