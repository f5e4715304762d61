/**
 * An Azure setup scoped by an LDAP filter, on the simulator through the real service: only the group's members
 * that match are synced; a member who stops matching is removed like one who left the group (through the
 * guard); scoped setups read in full, saying why; "Test" answers the same count without saving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, runSetup, usersOf } from '../support/sync-fixtures.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

describe('an Azure setup scoped by an LDAP filter', () => {
  it('syncs only the members that match, removes one who stops matching, and reads in full', async () => {
    const company = await onboardCompany(stack, { name: 'Scoped Co' });
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Scoped Tenant');
    const sales = [
      addPerson(stack, tenantId, { department: 'Sales' }),
      addPerson(stack, tenantId, { department: 'Sales' }),
    ];
    const rnd = addPerson(stack, tenantId); // department R&D
    const group = stack.sim.control.addGroup(tenantId, {
      displayName: 'Everyone',
      members: [...sales.map((p) => p.id), rnd.id],
    });
    const body = {
      connectionId,
      customerTypeId: company.customerTypeId,
      groupId: group.id,
      ldapFilter: '(department=Sales)',
      updateExisting: true,
      deleteRemoved: true,
      matchOn: 'email',
      deletionThreshold: { count: 500, percent: 100 },
    };
    const refused = await stack.call('POST', '/api/v1/setups', {
      key: company.key,
      body: { ...body, ldapFilter: '(msDS-cloudExtensionAttribute1=x)' },
    });
    expect(refused.status).toBe(400);
    const created = await stack.call('POST', '/api/v1/setups', { key: company.key, body });
    const setup = await created.json();
    expect(created.status, JSON.stringify(setup)).toBe(201);

    const test = await stack.call('POST', `/api/v1/connections/${connectionId}/scope-test`, {
      key: company.key,
      body: { groupId: group.id, ldapFilter: '(department=Sales)' },
    });
    expect((await test.json()).count).toBe(2);

    const first = await runSetup(stack, company, setup.id);
    expect(first).toMatchObject({ status: 'succeeded', counts: { created: 2 } });
    expect((await usersOf(stack, company.companyId)).map((u) => u.external_id).sort()).toEqual(
      sales.map((p) => p.id).sort(),
    );

    stack.sim.control.updateUser(tenantId, sales[0]!.id, { department: 'Support' });
    const second = await runSetup(stack, company, setup.id);
    expect(second, JSON.stringify(second)).toMatchObject({ status: 'succeeded', mode: 'full', counts: { deleted: 1 } });
    expect(second.progress.fullReason).toMatch(/LDAP path or filter/);
    expect((await usersOf(stack, company.companyId)).map((u) => u.external_id)).toEqual([sales[1]!.id]);
  });
});
