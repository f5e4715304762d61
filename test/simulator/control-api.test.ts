import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { accessToken, graph, startTestSimulator } from './helpers.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({ users: 30 });
});
afterAll(() => sim.close());

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const answer = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, body: text ? JSON.parse(text) : undefined };
}

describe('control API over HTTPS (/_sim)', () => {
  it('describes the demo tenant and lists tenants', async () => {
    const demo = await control('GET', '/demo');
    expect(demo.body).toEqual(JSON.parse(JSON.stringify(sim.demo)));
    const tenants = await control('GET', '/tenants');
    expect(tenants.body).toEqual([
      expect.objectContaining({
        id: sim.demo.tenantId,
        displayName: 'Contoso',
        domains: ['contoso.com', 'contoso.onmicrosoft.com'],
      }),
    ]);
  });

  it('adds a tenant with users, users, groups and memberships, and Graph shows them', async () => {
    const tenant = (
      await control('POST', '/tenants', {
        displayName: 'Tailspin Toys',
        initialDomain: 'tailspin.onmicrosoft.com',
        users: 12,
        seed: 7,
      })
    ).body;
    expect(tenant).toMatchObject({ displayName: 'Tailspin Toys', users: 15 });
    const t = `/tenants/tailspin.onmicrosoft.com`;
    const user = await control('POST', `${t}/users`, { displayName: 'Zoë Ærø', mail: null, department: 'Design' });
    expect(user.status).toBe(201);
    expect(user.body).toMatchObject({
      displayName: 'Zoë Ærø',
      mail: null,
      userPrincipalName: 'zoe.aero@tailspin.onmicrosoft.com',
      accountEnabled: true,
    });
    const parent = await control('POST', `${t}/groups`, { displayName: 'Designers', members: [user.body.id] });
    const child = await control('POST', `${t}/groups`, { displayName: 'Design interns' });
    expect((await control('POST', `${t}/groups/${parent.body.id}/members`, { id: child.body.id })).status).toBe(204);
    const intern = await control('POST', `${t}/users`, { displayName: 'Intern' });
    await control('POST', `${t}/groups/${child.body.id}/members`, { id: intern.body.id });
    expect((await control('GET', `${t}/groups/${parent.body.id}/transitive-users`)).body).toEqual({ count: 2 });

    await control('PUT', `${t}/consent/${sim.demo.clientId}`);
    const token = await accessToken(sim, sim.demo, 'tailspin.onmicrosoft.com');
    const members = await graph(
      sim,
      `groups/${parent.body.id}/transitiveMembers/microsoft.graph.user?$count=true&$select=displayName`,
      { token, headers: { ConsistencyLevel: 'eventual' } },
    );
    expect(members.body.value.map((u: any) => u.displayName).sort()).toEqual(['Intern', 'Zoë Ærø']);

    await control('PATCH', `${t}/users/${user.body.id}`, { jobTitle: 'Lead' });
    await control('POST', `${t}/users/${user.body.id}/disable`);
    expect((await graph(sim, `users/${user.body.id}?$select=jobTitle,accountEnabled`, { token })).body).toMatchObject({
      jobTitle: 'Lead',
      accountEnabled: false,
    });
    await control('POST', `${t}/members/${intern.body.id}/move`, { from: child.body.id, to: parent.body.id });
    await control('DELETE', `${t}/users/${user.body.id}`);
    expect((await control('GET', `${t}/groups/${parent.body.id}/transitive-users`)).body).toEqual({ count: 1 });
    await control('POST', `${t}/users/${user.body.id}/restore`);
    await control('DELETE', `${t}/users/${user.body.id}?hard=true`);
    expect((await graph(sim, `users/${user.body.id}`, { token })).status).toBe(404);
    expect((await control('POST', `${t}/users/${user.body.id}/restore`)).status).toBe(404);
    await control('DELETE', `${t}/groups/${child.body.id}`);
    expect((await graph(sim, `groups/${child.body.id}`, { token })).status).toBe(404);
  });

  it('sets consent mode, revokes consent, sets and clears faults', async () => {
    const app = (await control('POST', '/apps', { displayName: 'HTTP app', permissions: ['GroupMember.Read.All'] }))
      .body;
    expect(app.clientSecret).toEqual(expect.any(String));
    expect((await control('GET', `/tenants/${sim.demo.tenantId}/consent/${app.clientId}`)).body).toEqual({
      state: 'none',
    });
    await control('PUT', `/tenants/${sim.demo.tenantId}/consent-mode`, { mode: 'grant' });
    const redirect = await fetch(
      `${sim.url}/${sim.demo.tenantId}/adminconsent?client_id=${app.clientId}&redirect_uri=https://x.test/cb&state=s`,
      { redirect: 'manual' },
    );
    expect(redirect.status).toBe(302);
    expect((await control('GET', `/tenants/${sim.demo.tenantId}/consent/${app.clientId}`)).body).toEqual({
      state: 'granted',
    });
    await control('DELETE', `/tenants/${sim.demo.tenantId}/consent/${app.clientId}`);
    expect((await control('GET', `/tenants/${sim.demo.tenantId}/consent/${app.clientId}`)).body).toEqual({
      state: 'revoked',
    });

    expect(
      (await control('PUT', `/tenants/${sim.demo.tenantId}/faults`, { throttle: { mode: 'burst', count: 1 } })).status,
    ).toBe(204);
    expect((await control('GET', `/tenants/${sim.demo.tenantId}/faults`)).body).toEqual({
      throttle: { mode: 'burst', count: 1 },
    });
    expect((await graph(sim, 'organization')).status).toBe(429);
    expect((await control('GET', `/tenants/${sim.demo.tenantId}/faults`)).body.throttle.count).toBe(0);
    await control('DELETE', `/tenants/${sim.demo.tenantId}/faults`);
    expect((await control('GET', `/tenants/${sim.demo.tenantId}/faults`)).body).toEqual({});
  });

  it('validates bodies and names unknown objects', async () => {
    const bad = await control('PUT', `/tenants/${sim.demo.tenantId}/faults`, { throttle: { mode: 'sometimes' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/invalid body/);
    expect((await control('POST', '/tenants/nowhere.example/users', { displayName: 'X' })).status).toBe(404);
    expect(
      (
        await control('PATCH', `/tenants/${sim.demo.tenantId}/users/6a1a5cbb-0000-4000-8000-000000000000`, {
          jobTitle: 'x',
        })
      ).status,
    ).toBe(404);
  });

  it('advances the clock, changes settings, resets', async () => {
    const before = (await control('GET', '/clock')).body.now;
    const after = (await control('POST', '/clock/advance', { days: 2, seconds: 30 })).body.now;
    expect(after - before).toBeGreaterThanOrEqual(2 * 86_400_000 + 30_000);
    expect((await control('PATCH', '/settings', { deltaPageSize: 7 })).body.deltaPageSize).toBe(7);

    sim.control.addUser(sim.demo.tenantId, { displayName: 'Gone after reset' });
    const reset = await control('POST', '/reset');
    expect(reset.body.tenantId).toBe(sim.demo.tenantId);
    expect((await control('GET', '/tenants')).body).toHaveLength(1);
    expect(sim.control.now() - Date.now()).toBeLessThan(1000);
    expect(sim.control.settings().deltaPageSize).toBe(500);
    expect(
      [...sim.control.tenant(sim.demo.tenantId).users.values()].some((u) => u.displayName === 'Gone after reset'),
    ).toBe(false);
    expect((await graph(sim, 'organization')).status).toBe(200);
  });
});
