import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { accessToken, eventual, graph, startTestSimulator } from './helpers.js';

/**
 * The user attributes a setup's mapping reads (issue 16), as Microsoft Graph v1.0 documents them:
 * - onPremisesExtensionAttributes: "Contains extensionAttributes1-15 for the user. These extension attributes are
 *   also known as Exchange custom attributes 1-15." … "Returned only on $select." The resource type "Returns 15 custom
 *   extension attribute properties" (learn.microsoft.com/graph/api/resources/onpremisesextensionattributes).
 * - employeeOrgData: costCenter, "The cost center associated with the user. Returned only on $select.", and division
 *   (learn.microsoft.com/graph/api/resources/employeeorgdata).
 * - companyName: "The name of the company that the user is associated with." … "Returned only on $select."
 * - manager: `GET /users/{id}/manager` "Returns the user or organizational contact assigned as the user's manager"
 *   and "supports the $select … OData query parameters"; least privileged application permission User.Read.All
 *   (learn.microsoft.com/graph/api/user-list-manager). A user without one is a 404 Request_ResourceNotFound.
 */
let sim: Simulator;
let token: string;
const tenant = () => sim.demo.tenantId;

beforeAll(async () => {
  sim = await startTestSimulator({ users: 5 });
  token = await accessToken(sim);
});
afterAll(() => sim.close());

describe('mapped user attributes', () => {
  it('serves extension attributes (all fifteen keys), employeeOrgData and companyName only on $select', async () => {
    const user = sim.control.addUser(tenant(), {
      displayName: 'Ext Person',
      companyName: 'Contoso Ltd',
      onPremisesExtensionAttributes: { extensionAttribute1: 'CC-4711', extensionAttribute15: 'EU' },
      employeeOrgData: { costCenter: '4711', division: 'North' },
    });
    const plain = await graph(sim, `users/${user.id}`, { token });
    expect(plain.body).not.toHaveProperty('onPremisesExtensionAttributes');
    expect(plain.body).not.toHaveProperty('companyName');
    const selected = await graph(
      sim,
      `users/${user.id}?$select=id,companyName,onPremisesExtensionAttributes,employeeOrgData`,
      { token },
    );
    expect(selected.status).toBe(200);
    expect(selected.body.companyName).toBe('Contoso Ltd');
    expect(selected.body.employeeOrgData).toEqual({ costCenter: '4711', division: 'North' });
    const extensions = selected.body.onPremisesExtensionAttributes;
    expect(Object.keys(extensions)).toEqual(Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`));
    expect(extensions).toMatchObject({
      extensionAttribute1: 'CC-4711',
      extensionAttribute2: null,
      extensionAttribute15: 'EU',
    });

    // and in member pages, where the sync reads them
    const group = sim.control.addGroup(tenant(), { displayName: 'Ext', members: [user.id] });
    const page = await graph(
      sim,
      `groups/${group.id}/transitiveMembers/microsoft.graph.user?$select=id,onPremisesExtensionAttributes,employeeOrgData`,
      { token, headers: eventual },
    );
    expect(page.body.value[0]).toMatchObject({ id: user.id, employeeOrgData: { costCenter: '4711' } });
    expect(page.body.value[0].onPremisesExtensionAttributes.extensionAttribute1).toBe('CC-4711');
  });

  it('answers a user’s manager with $select, 404 when there is none, and follows a change of manager', async () => {
    const first = sim.control.addUser(tenant(), { displayName: 'First Boss', mail: 'first.boss@contoso.example' });
    const second = sim.control.addUser(tenant(), { displayName: 'Second Boss', mail: 'second.boss@contoso.example' });
    const report = sim.control.addUser(tenant(), { displayName: 'Report' });

    const none = await graph(sim, `users/${report.id}/manager`, { token });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('Request_ResourceNotFound');

    sim.control.setManager(tenant(), report.id, first.id);
    const managed = await graph(sim, `users/${report.id}/manager?$select=id,mail,userPrincipalName`, { token });
    expect(managed.status).toBe(200);
    expect(managed.body).toMatchObject({
      '@odata.type': '#microsoft.graph.user',
      id: first.id,
      mail: 'first.boss@contoso.example',
    });
    expect(Object.keys(managed.body).filter((k) => !k.startsWith('@'))).toEqual(['id', 'mail', 'userPrincipalName']);

    sim.control.setManager(tenant(), report.id, second.id);
    expect((await graph(sim, `users/${report.id}/manager?$select=mail`, { token })).body.mail).toBe(
      'second.boss@contoso.example',
    );
    // a deleted manager is no manager
    sim.control.deleteUser(tenant(), second.id);
    expect((await graph(sim, `users/${report.id}/manager`, { token })).status).toBe(404);
    expect(() => sim.control.setManager(tenant(), report.id, report.id)).toThrow(/own manager/);
  });
});
