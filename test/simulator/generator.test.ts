import { describe, expect, it } from 'vitest';
import { buildWorld } from '../../src/simulator/demo.js';

describe('seeded directory', () => {
  it('is the same for the same seed, ids included, and different for another seed', () => {
    const a = buildWorld({ users: 200, seed: 'alpha' });
    const b = buildWorld({ users: 200, seed: 'alpha' });
    const c = buildWorld({ users: 200, seed: 'beta' });
    expect(b.demo).toEqual(a.demo);
    const users = (w: typeof a) => [...w.world.directory.require(w.demo.tenantId).users.values()];
    expect(users(b)).toEqual(users(a));
    expect(c.demo.tenantId).not.toBe(a.demo.tenantId);
    expect(users(c).map((u) => u.displayName)).not.toEqual(users(a).map((u) => u.displayName));
  });

  it('puts exactly N users in All Staff, spread over nested department and team groups', () => {
    for (const n of [0, 1, 7, 1_234]) {
      const { world, demo } = buildWorld({ users: n, seed: 'spread' });
      const tenant = world.directory.require(demo.tenantId);
      const allStaff = demo.groups[0]!;
      expect(allStaff).toMatchObject({ displayName: 'All Staff', userCount: n });
      expect(tenant.memberLists(allStaff.id, true).users).toHaveLength(n);
      expect(demo.groups.map((g) => g.displayName)).toEqual([
        'All Staff',
        'Engineering',
        'Project Falcon',
        "Søren's Book Club",
      ]);
    }
    const { world, demo } = buildWorld({ users: 5_000, seed: 'spread' });
    const tenant = world.directory.require(demo.tenantId);
    const lists = tenant.memberLists(demo.groups[0]!.id, true);
    expect(lists.groups.length).toBeGreaterThan(8 + 5);
    const direct = tenant.memberLists(demo.groups[0]!.id, false);
    expect(direct.users.length).toBeLessThan(5_000 / 10);
    // Some people sit in two departments: the transitive list still counts them once.
    const memberships = [...tenant.groups.values()].reduce(
      (sum, g) => sum + [...g.members].filter((m) => tenant.users.has(m)).length,
      0,
    );
    expect(memberships).toBeGreaterThan(5_000);
  });

  it('makes realistic, awkward data: unicode names, some without mail, duplicate names, initials-style sAMAccountNames', () => {
    const { world, demo } = buildWorld({ users: 2_000, seed: 'realistic' });
    const users = [...world.directory.require(demo.tenantId).users.values()];
    const names = users.map((u) => u.displayName);
    expect(names.slice(0, 3)).toEqual(['Søren Ærø', 'Zoë Ødegaard', 'José Núñez']);
    expect(users[0]).toMatchObject({
      mailNickname: 'soren.aero',
      userPrincipalName: 'soren.aero@contoso.com',
      onPremisesSamAccountName: expect.stringMatching(/^SOAE\d*$/),
    });
    expect(users.filter((u) => u.mail === null).length).toBeGreaterThan(10);
    expect(new Set(names).size).toBeLessThan(names.length);
    expect(new Set(users.map((u) => u.userPrincipalName)).size).toBe(users.length);
    const sams = users.map((u) => u.onPremisesSamAccountName).filter((s): s is string => s !== null);
    expect(sams.every((s) => /^[A-Z]{2,4}\d*$/.test(s))).toBe(true);
    expect(new Set(sams).size).toBe(sams.length);
    expect(users.some((u) => !u.accountEnabled)).toBe(true);
    expect(users.some((u) => /[\u0080-\uffff]/.test(u.displayName))).toBe(true);
  });
});

describe('guests', () => {
  it('seeds one invited B2B guest among the Falcon contractors, and userType only on $select', async () => {
    // Microsoft Graph, user resource type (v1.0): "userType — A String value that can be used to classify user types
    // in your directory. The possible values are Member and Guest. Returned only on $select."
    const { startTestSimulator, accessToken, graph } = await import('./helpers.js');
    const sim = await startTestSimulator({ users: 20 });
    try {
      const token = await accessToken(sim);
      const users = [...sim.control.tenant(sim.demo.tenantId).users.values()];
      const guests = users.filter((u) => u.userType === 'Guest');
      expect(guests).toHaveLength(1);
      expect(guests[0]!.userPrincipalName).toMatch(/_partner\.example#EXT#@/);
      expect(users.filter((u) => u.userType === 'Member').length).toBe(users.length - 1);
      const plain = await graph(sim, `users/${guests[0]!.id}`, { token });
      expect(plain.body.userType).toBeUndefined();
      const selected = await graph(sim, `users/${guests[0]!.id}?$select=id,userType`, { token });
      expect(selected.body.userType).toBe('Guest');
      // A user added with a #EXT# UPN is a guest unless told otherwise.
      const added = sim.control.addUser(sim.demo.tenantId, {
        displayName: 'Invited',
        userPrincipalName: 'x_y.example#EXT#@t.onmicrosoft.com',
      });
      expect(added.userType).toBe('Guest');
    } finally {
      await sim.close();
    }
  });
});
