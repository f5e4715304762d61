import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { accessToken, allPages, eventual, graph, startTestSimulator } from './helpers.js';

/**
 * Deleting and restoring a user, as Entra does it and as Microsoft documents it (issue 11). Each behaviour
 * below quotes the documentation it follows.
 */
let sim: Simulator;
let token: string;
const tenant = () => sim.demo.tenantId;

beforeAll(async () => {
  sim = await startTestSimulator({ users: 5 });
  token = await accessToken(sim);
});
afterAll(() => sim.close());

async function round(start: string): Promise<{ values: any[]; deltaLink: string }> {
  const { pages, values } = await allPages(sim, start, { token });
  return { values, deltaLink: pages.at(-1)!.body['@odata.deltaLink'] };
}

const checkMemberGroups = (userId: string, groupId: string) =>
  graph(sim, `users/${userId}/checkMemberGroups`, { token, method: 'POST', body: { groupIds: [groupId] } });

function tracked(groupId: string) {
  return {
    groups: `groups/delta?$filter=id eq '${groupId}'&$select=members`,
    users: `users/delta?$select=displayName,accountEnabled`,
  };
}

describe('deleting and restoring users (simulator fidelity)', () => {
  it('soft delete: the membership goes, group delta reports the member @removed and users/delta reports @removed "changed"', async () => {
    const user = sim.control.addUser(tenant(), { displayName: 'Soft Leaver' });
    const group = sim.control.addGroup(tenant(), { displayName: 'Soft team', members: [user.id] });
    const start = tracked(group.id);
    let groups = await round(start.groups);
    let users = await round(start.users);
    sim.control.deleteUser(tenant(), user.id);

    // delta-query-groups.md: "members@delta ... @removed ... either by removing the membership or by deleting the
    // user object itself" — a deleted user leaves the groups it was in.
    groups = await round(groups.deltaLink);
    expect(groups.values.flatMap((g) => g['members@delta'] ?? [])).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: user.id, '@removed': { reason: 'deleted' } },
    ]);
    // delta-query-overview.md: "changed: The item was deleted and can be restored from deletedItems."
    users = await round(users.deltaLink);
    expect(users.values).toEqual([{ id: user.id, '@removed': { reason: 'changed' } }]);
    // A soft-deleted user is no longer a member that lists show (group-list-members.md lists active objects).
    const members = await allPages(sim, `groups/${group.id}/transitiveMembers/microsoft.graph.user?$count=true`, {
      token,
      headers: eventual,
    });
    expect(members.values).toEqual([]);
  });

  it('a deleted user: GET /users/{id} and checkMemberGroups answer 404 Request_ResourceNotFound, alone and inside $batch', async () => {
    const soft = sim.control.addUser(tenant(), { displayName: 'Binned' });
    const hard = sim.control.addUser(tenant(), { displayName: 'Purged' });
    const group = sim.control.addGroup(tenant(), { displayName: 'Checked', members: [soft.id, hard.id] });
    sim.control.deleteUser(tenant(), soft.id);
    sim.control.deleteUser(tenant(), hard.id, { hard: true });
    // errors.md: 404 Not Found, "The requested resource doesn't exist."; the directory's code for an object that
    // is gone is Request_ResourceNotFound, "Resource '<id>' does not exist or one of its queried reference-property
    // objects are not present." Soft-deleted users live only under /directory/deletedItems (user-delete.md:
    // "deleted items ... can be restored within 30 days"), so /users/{id} does not find them either.
    for (const id of [soft.id, hard.id]) {
      for (const answer of [await graph(sim, `users/${id}`, { token }), await checkMemberGroups(id, group.id)]) {
        expect(answer.status).toBe(404);
        expect(answer.body.error).toMatchObject({
          code: 'Request_ResourceNotFound',
          message: `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
        });
      }
    }
    // json-batching.md: "each individual request's response ... has its own status"; the outer answer is 200.
    const batch = await graph(sim, '$batch', {
      token,
      method: 'POST',
      body: {
        requests: [soft.id, hard.id].map((id, i) => ({
          id: String(i + 1),
          method: 'POST',
          url: `/users/${id}/checkMemberGroups`,
          headers: { 'Content-Type': 'application/json' },
          body: { groupIds: [group.id] },
        })),
      },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.responses.map((r: any) => [r.id, r.status, r.body.error.code]).sort()).toEqual([
      ['1', 404, 'Request_ResourceNotFound'],
      ['2', 404, 'Request_ResourceNotFound'],
    ]);
  });

  it('hard delete (straight away or out of the recycle bin): users/delta reports @removed "deleted"', async () => {
    const direct = sim.control.addUser(tenant(), { displayName: 'Gone at once' });
    const later = sim.control.addUser(tenant(), { displayName: 'Gone later' });
    const group = sim.control.addGroup(tenant(), { displayName: 'Hard team', members: [direct.id, later.id] });
    const start = tracked(group.id);
    let groups = await round(start.groups);
    let users = await round(start.users);
    sim.control.deleteUser(tenant(), later.id);
    users = await round(users.deltaLink); // soft first: "changed"
    expect(users.values).toEqual([{ id: later.id, '@removed': { reason: 'changed' } }]);
    sim.control.deleteUser(tenant(), direct.id, { hard: true });
    sim.control.deleteUser(tenant(), later.id, { hard: true });
    // delta-query-overview.md: "deleted: The item is deleted and can't be restored."
    users = await round(users.deltaLink);
    expect(users.values.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [direct.id, later.id].sort().map((id) => ({ id, '@removed': { reason: 'deleted' } })),
    );
    groups = await round(groups.deltaLink);
    const removed = groups.values.flatMap((g) => g['members@delta'] ?? []);
    expect(removed.map((m: any) => m.id).sort()).toEqual([direct.id, later.id].sort());
    expect(removed.every((m: any) => m['@removed'])).toBe(true);
    expect((await graph(sim, `users/${later.id}`, { token, method: 'GET' })).status).toBe(404);
  });

  it('restore brings the user and its memberships back: both deltas report it again and checkMemberGroups finds it', async () => {
    const user = sim.control.addUser(tenant(), { displayName: 'Comes Back' });
    const group = sim.control.addGroup(tenant(), { displayName: 'Restore team', members: [user.id] });
    const start = tracked(group.id);
    let groups = await round(start.groups);
    let users = await round(start.users);
    sim.control.deleteUser(tenant(), user.id);
    groups = await round(groups.deltaLink);
    users = await round(users.deltaLink);

    // directory-deleteditem-restore.md: "Restore a recently deleted directory object from deleted items"; a
    // restored user keeps its id, and its group memberships come back with it.
    sim.control.restoreUser(tenant(), user.id);
    groups = await round(groups.deltaLink);
    expect(groups.values.flatMap((g) => g['members@delta'] ?? [])).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: user.id },
    ]);
    users = await round(users.deltaLink);
    expect(users.values).toEqual([{ id: user.id, displayName: 'Comes Back', accountEnabled: true }]);
    const check = await checkMemberGroups(user.id, group.id);
    expect(check).toMatchObject({ status: 200, body: { value: [group.id] } });
    expect((await graph(sim, `users/${user.id}`, { token })).status).toBe(200);
  });
});
