import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, changesOf, connectNewTenant, createSetup, runSetup, usersOf } from '../support/sync-fixtures.js';

/**
 * A setup's mapping and customer-type rules in real runs (issue 16): mapped fields reach the product, two groups
 * route into two customer types, a changed mapping makes the next run full and updates each affected user once
 * with before/after in the audit, and a user whose rule result changes moves customer type, audited as an update.
 */
describe('mapping and customer-type rules in runs', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  const customerType = async (company: { key: string }, name: string) =>
    (await (await stack.call('POST', '/api/v1/customer-types', { key: company.key, body: { name } })).json())
      .id as string;

  it('maps employeeId and an extension attribute, routes two groups into two customer types, and follows changes', async () => {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Mapped Co');
    const [sales, support] = [await customerType(company, 'Sales'), await customerType(company, 'Support')];
    const ext = (value: string) => ({ onPremisesExtensionAttributes: { extensionAttribute1: value } });
    const ann = addPerson(stack, tenantId, { employeeId: 'E-1', ...ext('CC-10') });
    const bob = addPerson(stack, tenantId, { employeeId: 'E-2', ...ext('CC-20') });
    const cid = addPerson(stack, tenantId, { employeeId: null, ...ext('CC-30') });
    const salesGroup = stack.sim.control.addGroup(tenantId, { displayName: 'Sales team', members: [ann.id] });
    const supportGroup = stack.sim.control.addGroup(tenantId, { displayName: 'Support team', members: [bob.id] });
    // everyone through nesting: the setup's group holds both teams and Cid directly
    const all = stack.sim.control.addGroup(tenantId, {
      displayName: 'Everyone',
      members: [salesGroup.id, supportGroup.id, cid.id],
    });
    const setup = await createSetup(stack, company, connectionId, all.id);
    const patched = await stack.call('PATCH', `/api/v1/setups/${setup.id}`, {
      key: company.key,
      body: {
        mapping: {
          employeeId: { attribute: 'employeeId' },
          costCenter: { attribute: 'onPremisesExtensionAttributes.extensionAttribute1' },
        },
        customerTypeRules: [
          { memberOf: salesGroup.id, customerTypeId: sales },
          { memberOf: supportGroup.id, customerTypeId: support },
        ],
      },
    });
    expect(patched.status).toBe(200);

    const first = await runSetup(stack, company, setup.id);
    expect(first).toMatchObject({ status: 'succeeded', counts: { created: 3 } });
    const byId = async () => new Map((await usersOf(stack, company.companyId)).map((u) => [u.external_id, u]));
    let users = await byId();
    expect(users.get(ann.id)).toMatchObject({
      customer_type_id: sales,
      attributes: { employeeId: 'E-1', costCenter: 'CC-10' },
    });
    expect(users.get(bob.id)).toMatchObject({
      customer_type_id: support,
      attributes: { employeeId: 'E-2', costCenter: 'CC-20' },
    });
    expect(users.get(cid.id)).toMatchObject({
      customer_type_id: company.customerTypeId,
      attributes: { employeeId: null, costCenter: 'CC-30' },
    });
    // the users API lists them
    const listed = await (
      await stack.call('GET', `/api/v1/users?customerTypeId=${sales}`, { key: company.key })
    ).json();
    expect(listed.items).toEqual([
      expect.objectContaining({ externalId: ann.id, attributes: { employeeId: 'E-1', costCenter: 'CC-10' } }),
    ]);

    // Bob moves from support to sales: his rule result changes, and he moves customer type as an update
    stack.sim.control.removeMember(tenantId, supportGroup.id, bob.id);
    stack.sim.control.addMember(tenantId, salesGroup.id, bob.id);
    const moved = await runSetup(stack, company, setup.id, { fullSync: true });
    expect(moved.counts).toMatchObject({ updated: 1, unchanged: 2 });
    const [move] = await changesOf(stack, company, moved.id, 'update');
    expect(move).toMatchObject({
      externalId: bob.id,
      before: { customerTypeId: support },
      after: { customerTypeId: sales },
    });
    expect((await byId()).get(bob.id)!.customer_type_id).toBe(sales);

    // a changed mapping: the next run is full, says why, and updates each affected user once with before/after
    await stack.call('PATCH', `/api/v1/setups/${setup.id}`, {
      key: company.key,
      body: {
        mapping: {
          employeeId: { expression: 'Coalesce(employeeId, "none")' },
          costCenter: { attribute: 'onPremisesExtensionAttributes.extensionAttribute1' },
        },
      },
    });
    const remapped = await runSetup(stack, company, setup.id);
    expect(remapped.mode).toBe('full');
    expect(remapped.progress.fullReason).toBe('the setup changed (mapping): its delta links were dropped');
    expect(remapped.counts).toMatchObject({ updated: 1, unchanged: 2 });
    expect(await changesOf(stack, company, remapped.id, 'update')).toEqual([
      expect.objectContaining({ externalId: cid.id, before: { employeeId: null }, after: { employeeId: 'none' } }),
    ]);
    // and once only: the run after changes nothing
    const again = await runSetup(stack, company, setup.id);
    expect(again.counts).toMatchObject({ updated: 0, created: 0, unchanged: 3 });
    users = await byId();
    expect(users.get(cid.id)!.attributes).toEqual({ employeeId: 'none', costCenter: 'CC-30' });
  });

  it('maps the manager’s e-mail, for a manager outside the group too, and follows a change of manager', async () => {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Managed Co');
    const boss = addPerson(stack, tenantId); // not in the setup's group
    const lead = addPerson(stack, tenantId);
    const report = addPerson(stack, tenantId);
    const loner = addPerson(stack, tenantId);
    stack.sim.control.setManager(tenantId, report.id, boss.id);
    stack.sim.control.setManager(tenantId, lead.id, boss.id);
    const group = stack.sim.control.addGroup(tenantId, {
      displayName: 'Team',
      members: [lead.id, report.id, loner.id],
    });
    const setup = await createSetup(stack, company, connectionId, group.id);
    const patched = await stack.call('PATCH', `/api/v1/setups/${setup.id}`, {
      key: company.key,
      body: { mapping: { manager: { attribute: 'manager' } } },
    });
    expect(patched.status).toBe(200);

    expect((await runSetup(stack, company, setup.id)).counts).toMatchObject({ created: 3 });
    const managerOf = async () =>
      new Map((await usersOf(stack, company.companyId)).map((u) => [u.external_id, u.attributes.manager]));
    expect(await managerOf()).toEqual(
      new Map([
        [lead.id, boss.mail],
        [report.id, boss.mail],
        [loner.id, null],
      ]),
    );

    // the report now reports to the lead: a full run updates that one user, before/after in the audit
    stack.sim.control.setManager(tenantId, report.id, lead.id);
    const changed = await runSetup(stack, company, setup.id, { fullSync: true });
    expect(changed.counts).toMatchObject({ updated: 1, unchanged: 2 });
    expect(await changesOf(stack, company, changed.id, 'update')).toEqual([
      expect.objectContaining({ externalId: report.id, before: { manager: boss.mail }, after: { manager: lead.mail } }),
    ]);
    // an incremental run reads no managers, and so changes none
    stack.sim.control.updateUser(tenantId, loner.id, { jobTitle: 'Lone wolf' });
    const delta = await runSetup(stack, company, setup.id);
    expect(delta.mode).toBe('delta');
    expect((await managerOf()).get(report.id)).toBe(lead.mail);
  });
});
