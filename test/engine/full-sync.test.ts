import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, changesOf, connectNewTenant, createSetup, runSetup, usersOf } from '../support/sync-fixtures.js';

describe('full sync of a group into the product', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it('first sync of a nested group creates every user; a second sync writes nothing', async () => {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Nested Co');
    const direct = [addPerson(stack, tenantId), addPerson(stack, tenantId)];
    const nested = [addPerson(stack, tenantId), addPerson(stack, tenantId), addPerson(stack, tenantId)];
    const deeper = [addPerson(stack, tenantId)];
    const inner2 = stack.sim.control.addGroup(tenantId, { displayName: 'Deeper', members: deeper.map((u) => u.id) });
    const inner = stack.sim.control.addGroup(tenantId, {
      displayName: 'Team',
      members: [...nested.map((u) => u.id), inner2.id, direct[0]!.id],
    });
    const group = stack.sim.control.addGroup(tenantId, {
      displayName: 'All Staff',
      members: [...direct.map((u) => u.id), inner.id],
    });

    const setup = await createSetup(stack, company, connectionId, group.id);
    expect(setup.group).toEqual({ id: group.id, displayName: 'All Staff', userCount: 6 });

    const first = await runSetup(stack, company, setup.id);
    expect(first.status).toBe('succeeded');
    expect(first.counts).toEqual({
      created: 6,
      updated: 0,
      adopted: 0,
      deactivated: 0,
      deleted: 0,
      unchanged: 0,
      skipped: 0,
      conflicts: 0,
      failed: 0,
    });
    expect(first.progress).toMatchObject({ membersRead: 6, phase: 'done' });
    const users = await usersOf(stack, company.companyId);
    expect(users.map((u) => u.external_id).sort()).toEqual([...direct, ...nested, ...deeper].map((u) => u.id).sort());
    expect(
      users.every((u) => u.managing_setup_id === setup.id && u.customer_type_id === company.customerTypeId && u.active),
    ).toBe(true);
    const created = await changesOf(stack, company, first.id, 'create');
    expect(created).toHaveLength(6);
    expect(created[0]).toMatchObject({ action: 'create', reason: expect.any(String) });

    const second = await runSetup(stack, company, setup.id, { fullSync: true });
    expect(second).toMatchObject({ mode: 'full', counts: { created: 0, updated: 0, unchanged: 6 } });
    expect(await changesOf(stack, company, second.id)).toEqual([]);
    const third = await runSetup(stack, company, setup.id); // incremental from here on
    expect(third).toMatchObject({ mode: 'delta', counts: { created: 0, updated: 0, unchanged: 6 } });
    expect(await changesOf(stack, company, third.id)).toEqual([]);
  });
});
