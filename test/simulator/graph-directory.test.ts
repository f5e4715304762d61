import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { accessToken, allPages, eventual, graph, startTestSimulator } from './helpers.js';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startTestSimulator({ users: 300 });
  token = await accessToken(sim);
});
afterAll(() => sim.close());

describe('authentication', () => {
  it('answers 401 InvalidAuthenticationToken without a token, with a forged one, and with a WWW-Authenticate challenge', async () => {
    const none = await fetch(`${sim.url}/v1.0/organization`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(((await none.json()) as any).error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
    });

    const [header, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['Directory.Read.All'] })).toString('base64url')}.${token.split('.')[2]}`;
    const answer = await graph(sim, 'organization', { token: forged });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('InvalidAuthenticationToken');
    expect((await graph(sim, 'organization', { token: 'garbage' })).status).toBe(401);
  });

  it('sends Graph’s response headers: request-id, client-request-id echoed, OData-Version, resource units', async () => {
    const answer = await graph(sim, 'organization', { token, headers: { 'client-request-id': 'my-correlation' } });
    expect(answer.headers.get('client-request-id')).toBe('my-correlation');
    expect(answer.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('odata-version')).toBe('4.0');
    expect(answer.headers.get('content-type')).toBe(
      'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
    );
    expect(answer.headers.get('x-ms-resource-unit')).toBe('1');
    const members = await graph(sim, `groups/${sim.demo.groups[0]!.id}/transitiveMembers`, { token });
    expect(members.headers.get('x-ms-resource-unit')).toBe('5');
  });

  it('answers an unknown path with 400 BadRequest naming the segment', async () => {
    const answer = await graph(sim, 'groups/delta/extra/nothing', { token });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^Resource not found for the segment/);
  });
});

describe('organization', () => {
  it('is the caller’s own tenant with its verified domains', async () => {
    const answer = await graph(sim, 'organization', { token });
    expect(answer.body.value).toHaveLength(1);
    const organization = answer.body.value[0];
    expect(organization).toMatchObject({ id: sim.demo.tenantId, displayName: 'Contoso', tenantType: 'AAD' });
    expect(organization.verifiedDomains.map((d: any) => d.name).sort()).toEqual([
      'contoso.com',
      'contoso.onmicrosoft.com',
    ]);
    expect(organization.verifiedDomains.find((d: any) => d.isInitial).name).toBe('contoso.onmicrosoft.com');
    const one = await graph(sim, `organization/${sim.demo.tenantId}`, { token });
    expect(one.body['@odata.context']).toBe(`${sim.url}/v1.0/$metadata#organization/$entity`);
    const selected = await graph(sim, 'organization?$select=displayName,verifiedDomains', { token });
    expect(Object.keys(selected.body.value[0])).toEqual(['id', 'displayName', 'verifiedDomains']);
    expect((await graph(sim, 'organization?$select=shoeSize', { token })).status).toBe(400);
  });

  it('is another tenant’s for a token from that tenant', async () => {
    const fabrikam = sim.control.addTenant({ displayName: 'Fabrikam', customDomain: 'fabrikam.example' });
    sim.control.grantConsent(fabrikam.id, sim.demo.clientId);
    const other = await accessToken(sim, sim.demo, 'fabrikam.example');
    expect((await graph(sim, 'organization', { token: other })).body.value[0].id).toBe(fabrikam.id);
    expect((await graph(sim, `groups/${sim.demo.groups[0]!.id}`, { token: other })).status).toBe(404);
  });
});

describe('groups and users', () => {
  it('GET /groups/{id} returns Graph’s default group properties; $select keeps id', async () => {
    const group = await graph(sim, `groups/${sim.demo.groups[0]!.id}`, { token });
    expect(group.body).toMatchObject({
      id: sim.demo.groups[0]!.id,
      displayName: 'All Staff',
      securityEnabled: true,
      groupTypes: [],
    });
    expect(group.body.securityIdentifier).toMatch(/^S-1-12-1-\d+-\d+-\d+-\d+$/);
    const selected = await graph(sim, `groups/${sim.demo.groups[0]!.id}?$select=displayName`, { token });
    expect(Object.keys(selected.body).sort()).toEqual(['@odata.context', 'displayName', 'id']);
  });

  it('GET /users/{id} by id or userPrincipalName; accountEnabled only when selected; soft-deleted users are 404', async () => {
    const [id] = sim.control.transitiveUserIds(sim.demo.tenantId, sim.demo.groups[0]!.id);
    const user = sim.control.tenant(sim.demo.tenantId).users.get(id!)!;
    const byId = await graph(sim, `users/${id}`, { token });
    expect(byId.body).toMatchObject({ id, displayName: user.displayName, userPrincipalName: user.userPrincipalName });
    expect(byId.body).not.toHaveProperty('accountEnabled');
    const byUpn = await graph(
      sim,
      `users/${encodeURIComponent(user.userPrincipalName)}?$select=id,accountEnabled,onPremisesSamAccountName`,
      { token },
    );
    expect(byUpn.body).toMatchObject({
      id,
      accountEnabled: user.accountEnabled,
      onPremisesSamAccountName: user.onPremisesSamAccountName,
    });
    sim.control.deleteUser(sim.demo.tenantId, id!);
    expect((await graph(sim, `users/${id}`, { token })).status).toBe(404);
    sim.control.restoreUser(sim.demo.tenantId, id!);
    expect((await graph(sim, `users/${id}`, { token })).status).toBe(200);
  });

  it('POST /users/{id}/checkMemberGroups names the groups the user is in, nesting included', async () => {
    const tenant = sim.demo.tenantId;
    const user = sim.control.addUser(tenant, { displayName: 'Checked Member' });
    const inner = sim.control.addGroup(tenant, { displayName: 'Inner', members: [user.id] });
    const outer = sim.control.addGroup(tenant, { displayName: 'Outer', members: [inner.id] });
    const unrelated = sim.control.addGroup(tenant, { displayName: 'Unrelated' });
    const check = (groupIds: unknown, id = user.id) =>
      graph(sim, `users/${id}/checkMemberGroups`, { token, method: 'POST', body: { groupIds } });
    const answer = await check([outer.id, unrelated.id, inner.id, '6a1a5cbb-0000-4000-8000-000000000000']);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      '@odata.context': `${sim.url}/v1.0/$metadata#Collection(Edm.String)`,
      value: [outer.id, inner.id],
    });
    sim.control.removeMember(tenant, inner.id, user.id);
    expect((await check([outer.id, inner.id])).body.value).toEqual([]);
    expect(
      (
        await graph(sim, `users/${user.id}/microsoft.graph.checkMemberGroups`, {
          token,
          method: 'POST',
          body: { groupIds: [] },
        })
      ).status,
    ).toBe(200);
    expect((await check(Array.from({ length: 21 }, () => outer.id))).status).toBe(400);
    expect((await check('not a list')).status).toBe(400);
    expect((await check([outer.id], '6a1a5cbb-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('GET /users pages through all active users with $top and $count', async () => {
    const { pages, values } = await allPages(sim, 'users?$top=120&$count=true&$select=id,mail', {
      token,
      headers: eventual,
    });
    expect(pages[0]!.body['@odata.count']).toBe(sim.control.tenant(sim.demo.tenantId).sortedActiveUserIds().length);
    expect(values).toHaveLength(pages[0]!.body['@odata.count']);
    expect(new URL(pages[0]!.body['@odata.nextLink']).searchParams.get('$top')).toBe('120');
  });

  it('$search on groups needs ConsistencyLevel: eventual and matches word prefixes', async () => {
    const refused = await graph(sim, 'groups?$search="displayName:staff"', { token });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('Request_UnsupportedQuery');

    const found = await graph(sim, `groups?$search=${encodeURIComponent('"displayName:staf"')}&$count=true`, {
      token,
      headers: eventual,
    });
    expect(found.status).toBe(200);
    expect(found.body.value.map((g: any) => g.displayName)).toEqual(['All Staff']);
    expect(found.body['@odata.count']).toBe(1);

    const unicode = await graph(sim, `groups?$search=${encodeURIComponent('"displayName:søren"')}`, {
      token,
      headers: eventual,
    });
    expect(unicode.body.value.map((g: any) => g.displayName)).toEqual(["Søren's Book Club"]);

    const either = await graph(
      sim,
      `groups?$search=${encodeURIComponent('"displayName:falcon" OR "displayName:legal"')}&$orderby=displayName`,
      { token, headers: eventual },
    );
    expect(either.body.value.map((g: any) => g.displayName)).toEqual(['Falcon Contractors', 'Legal', 'Project Falcon']);
  });
});
