import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { connectNewTenant, createSetup } from '../support/sync-fixtures.js';

/** PATCH /setups/{id} `mapping` and `customerTypeRules` (issue 16): checked on save, stored, returned. */
describe('a setup’s mapping and customer-type rules through the API', () => {
  let stack: TestStack;
  let company: Awaited<ReturnType<typeof onboardCompany>>;
  let tenantId: string;
  let setupId: string;
  beforeAll(async () => {
    stack = await startTestStack();
    company = await onboardCompany(stack);
    let connectionId: string;
    ({ tenantId, connectionId } = await connectNewTenant(stack, company, 'Mapping API Co'));
    const group = stack.sim.control.addGroup(tenantId, { displayName: 'Everyone' });
    setupId = (await createSetup(stack, company, connectionId, group.id)).id;
  });
  afterAll(() => stack?.close());

  const patch = (body: Record<string, unknown>, key = company.key) =>
    stack.call('PATCH', `/api/v1/setups/${setupId}`, { key, body });
  const stored = () =>
    stack.db.selectFrom('sync_setups').selectAll().where('id', '=', setupId).executeTakeFirstOrThrow();

  it('a new setup has today’s mapping and no rules', async () => {
    const setup = await (await stack.call('GET', `/api/v1/setups/${setupId}`, { key: company.key })).json();
    expect(setup).toMatchObject({ mapping: {}, customerTypeRules: [] });
  });

  it('refuses a bad source with a 400 naming the field and the position, and changes nothing', async () => {
    const before = await stored();
    const res = await patch({
      designation: 'not saved either',
      mapping: {
        employeeId: { expression: 'Lower(employeeId' },
        costCenter: { expression: 'Left(onPremisesExtensionAttributes.extensionAttribute1, "2")' },
        nickname: { constant: 'x' },
        manager: { attribute: 'boss' },
      },
      customerTypeRules: [{ filter: '(department=Sales', customerTypeId: company.customerTypeId }],
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details).toEqual([
      { field: 'mapping.employeeId', position: 16, reason: expect.stringContaining('expected "," or ")"') },
      { field: 'mapping.costCenter', position: 56, reason: expect.stringContaining("Left's length") },
      { field: 'mapping.nickname', position: 0, reason: expect.stringContaining('unknown product field') },
      { field: 'mapping.manager', position: 0, reason: expect.stringContaining('unknown attribute boss') },
      { field: 'customerTypeRules[0].filter', position: 17, reason: expect.stringContaining('malformed') },
    ]);
    expect(await stored()).toEqual(before);
  });

  it('refuses a customer type of another company and a group the tenant does not have (422)', async () => {
    const other = await onboardCompany(stack, { name: 'Other Co' });
    const missing = randomUUID();
    const res = await patch({
      customerTypeRules: [
        { memberOf: missing, customerTypeId: company.customerTypeId },
        { filter: '(department=Sales)', customerTypeId: other.customerTypeId },
      ],
    });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details).toEqual([
      { field: 'customerTypeRules[0].memberOf', reason: expect.stringContaining(missing) },
      { field: 'customerTypeRules[1].customerTypeId', reason: 'no such customer type in this company' },
    ]);
    expect((await stored()).customer_type_rules).toEqual([]);
  });

  it('stores a mapping and rules, returns them, and the next run is full and says why', async () => {
    const sales = stack.sim.control.addGroup(tenantId, { displayName: 'Sales' });
    const partners = (
      await (
        await stack.call('POST', '/api/v1/customer-types', { key: company.key, body: { name: 'Partners' } })
      ).json()
    ).id;
    const mapping = {
      employeeId: { attribute: 'EMPLOYEEID' },
      costCenter: { attribute: 'onPremisesExtensionAttributes.extensionAttribute1' },
      department: { expression: 'Upper(Coalesce(department, "none"))' },
    };
    const rules = [
      { memberOf: sales.id.toUpperCase(), customerTypeId: partners },
      { filter: '(jobTitle=Partner*)', customerTypeId: partners },
    ];
    const res = await patch({ mapping, customerTypeRules: rules });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.mapping).toEqual({ ...mapping, employeeId: { attribute: 'employeeId' } });
    expect(body.customerTypeRules).toEqual([{ ...rules[0], memberOf: sales.id.toLowerCase() }, rules[1]]);
    expect((await stored()).delta_reset_reason).toBe('mapping, customerTypeRules');

    // the same again changes nothing the delta state cares about; null is today's mapping again
    await stack.db.updateTable('sync_setups').set({ delta_reset_reason: null }).where('id', '=', setupId).execute();
    expect(
      (
        await patch({
          mapping: {
            costCenter: mapping.costCenter,
            department: mapping.department,
            employeeId: { attribute: 'employeeId' },
          },
        })
      ).status,
    ).toBe(200);
    expect((await stored()).delta_reset_reason).toBeNull();
    const reset = await (await patch({ mapping: null, customerTypeRules: [] })).json();
    expect(reset).toMatchObject({ mapping: {}, customerTypeRules: [] });
    expect((await stored()).delta_reset_reason).toBe('mapping, customerTypeRules');
  });

  it('lists each user’s mapped attributes', async () => {
    await stack.db
      .insertInto('users')
      .values({
        company_id: company.companyId,
        customer_type_id: company.customerTypeId,
        email: 'attr@example.com',
        attributes: JSON.stringify({ employeeId: 'E-1', costCenter: null }),
      })
      .execute();
    const users = await (await stack.call('GET', '/api/v1/users?q=attr@', { key: company.key })).json();
    expect(users.items).toEqual([
      expect.objectContaining({ email: 'attr@example.com', attributes: { employeeId: 'E-1', costCenter: null } }),
    ]);
  });

  it('previews ten sample members under the saved and the proposed settings, and saves nothing', async () => {
    const company2 = await onboardCompany(stack, { name: 'Preview Co' });
    const { tenantId: tenant2, connectionId } = await connectNewTenant(stack, company2, 'Preview Co');
    const vip = (
      await (await stack.call('POST', '/api/v1/customer-types', { key: company2.key, body: { name: 'VIP' } })).json()
    ).id;
    const people = Array.from({ length: 12 }, (_, i) =>
      stack.sim.control.addUser(tenant2, {
        displayName: `Sample ${i}`,
        employeeId: `E-${i}`,
        onPremisesExtensionAttributes: { extensionAttribute1: `CC-${i}` },
      }),
    );
    const vips = stack.sim.control.addGroup(tenant2, { displayName: 'VIPs', members: people.map((p) => p.id) });
    const all = stack.sim.control.addGroup(tenant2, { displayName: 'All', members: people.map((p) => p.id) });
    const setup = await createSetup(stack, company2, connectionId, all.id);
    const before = await stack.db
      .selectFrom('sync_setups')
      .selectAll()
      .where('id', '=', setup.id)
      .executeTakeFirstOrThrow();
    const preview = (body: Record<string, unknown>) =>
      stack.call('POST', `/api/v1/setups/${setup.id}/mapping-preview`, { key: company2.key, body });

    const res = await preview({
      mapping: {
        employeeId: { attribute: 'employeeId' },
        costCenter: { attribute: 'onPremisesExtensionAttributes.extensionAttribute1' },
      },
      customerTypeRules: [{ memberOf: vips.id, customerTypeId: vip }],
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.items).toHaveLength(10);
    for (const item of body.items) {
      const n = people.findIndex((p) => p.id === item.externalId);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(item.displayName).toBe(`Sample ${n}`);
      expect(item.current).not.toHaveProperty('employeeId');
      expect(item.current.customerTypeId).toBe(company2.customerTypeId);
      expect(item.proposed).toMatchObject({
        employeeId: `E-${n}`,
        costCenter: `CC-${n}`,
        customerTypeId: vip,
        displayName: `Sample ${n}`,
      });
    }
    expect(
      await stack.db.selectFrom('sync_setups').selectAll().where('id', '=', setup.id).executeTakeFirstOrThrow(),
    ).toEqual(before);

    const bad = await preview({ mapping: { employeeId: { expression: 'Trim(employeeId))' } } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details).toEqual([
      { field: 'mapping.employeeId', position: 16, reason: expect.stringContaining('expected the end') },
    ]);
    // another company's setup is not found
    const foreign = await stack.call('POST', `/api/v1/setups/${setup.id}/mapping-preview`, {
      key: company.key,
      body: { mapping: {} },
    });
    expect(foreign.status).toBe(404);
  });
});
