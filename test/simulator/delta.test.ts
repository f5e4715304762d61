import { PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyGraphError, isDeltaResyncRequired } from '../../src/directory/entra/errors.js';
import type { Simulator } from '../../src/simulator/server.js';
import { accessToken, allPages, connect, graph, startTestSimulator } from './helpers.js';

let sim: Simulator;
let token: string;
const tenant = () => sim.demo.tenantId;
const day = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  sim = await startTestSimulator({ users: 60 });
  token = await accessToken(sim);
});
beforeEach(() => {
  sim.control.updateSettings({ deltaPageSize: 500 });
});
afterAll(() => sim.close());

/** Runs a delta round to its deltaLink; returns the objects and the deltaLink. */
async function round(start: string): Promise<{ values: any[]; deltaLink: string; pages: number }> {
  const { pages, values } = await allPages(sim, start, { token });
  const deltaLink = pages[pages.length - 1]!.body['@odata.deltaLink'];
  expect(deltaLink).toMatch(new RegExp(`^${sim.url}/v1\\.0/(users|groups)/delta\\?\\$deltatoken=`));
  expect(pages.slice(0, -1).every((p) => p.body['@odata.nextLink'] && !p.body['@odata.deltaLink'])).toBe(true);
  return { values, deltaLink, pages: pages.length };
}

/** Merges a group's slices of members@delta across pages, as delta-query-groups.md tells clients to. */
function membersOf(values: any[], groupId: string): any[] {
  return values.filter((v) => v.id === groupId).flatMap((v) => v['members@delta'] ?? []);
}

describe('groups/delta', () => {
  it('starts with the full state: each group with its direct members in members@delta, none for an empty group', async () => {
    const empty = sim.control.addGroup(tenant(), { displayName: 'Empty delta group' });
    const { values } = await round('groups/delta?$select=displayName,members');
    const allStaff = sim.control.tenant(tenant()).groups.get(sim.demo.groups[0]!.id)!;
    const members = membersOf(values, allStaff.id);
    expect(members.map((m) => m.id).sort()).toEqual([...allStaff.members].sort());
    expect(
      members.every(
        (m) => m['@odata.type'] === '#microsoft.graph.user' || m['@odata.type'] === '#microsoft.graph.group',
      ),
    ).toBe(true);
    expect(values.find((v) => v.id === empty.id)).toEqual({ id: empty.id, displayName: 'Empty delta group' });
  });

  it('splits a large group over several pages; merged slices give every member once', async () => {
    const big = sim.control.addGroup(tenant(), { displayName: 'Big delta group' });
    for (const id of sim.control.transitiveUserIds(tenant(), sim.demo.groups[0]!.id))
      sim.control.addMember(tenant(), big.id, id);
    sim.control.updateSettings({ deltaPageSize: 25 });
    const { values, pages } = await round(`groups/delta?$filter=id eq '${big.id}'&$select=members`);
    expect(pages).toBeGreaterThan(2);
    expect(values.filter((v) => v.id === big.id).length).toBe(pages);
    const ids = membersOf(values, big.id).map((m) => m.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });

  it('replays net membership changes from the deltaLink, removals with @removed deleted', async () => {
    const group = sim.control.addGroup(tenant(), { displayName: 'Tracked' });
    const [a, b, c, d] = ['Ann', 'Ben', 'Cai', 'Dee'].map((n) => sim.control.addUser(tenant(), { displayName: n }));
    for (const u of [a, b, c]) sim.control.addMember(tenant(), group.id, u!.id);
    const first = await round(`groups/delta?$filter=id eq '${group.id}'&$select=displayName,members`);
    expect(membersOf(first.values, group.id)).toHaveLength(3);

    const unchanged = await round(first.deltaLink);
    expect(unchanged.values).toEqual([]);

    sim.control.removeMember(tenant(), group.id, a!.id); // removed
    sim.control.addMember(tenant(), group.id, d!.id); // added
    sim.control.deleteUser(tenant(), b!.id); // soft delete: leaves the member list
    sim.control.removeMember(tenant(), group.id, c!.id); // removed and …
    sim.control.addMember(tenant(), group.id, c!.id); // … added back: nets out
    const changed = await round(unchanged.deltaLink);
    expect(changed.values).toHaveLength(1);
    expect(changed.values[0]).toMatchObject({ id: group.id, displayName: 'Tracked' });
    const byId = Object.fromEntries(membersOf(changed.values, group.id).map((m) => [m.id, m]));
    expect(Object.keys(byId).sort()).toEqual([a!.id, b!.id, d!.id].sort());
    expect(byId[a!.id]).toEqual({
      '@odata.type': '#microsoft.graph.user',
      id: a!.id,
      '@removed': { reason: 'deleted' },
    });
    expect(byId[b!.id]['@removed']).toEqual({ reason: 'deleted' });
    expect(byId[d!.id]).toEqual({ '@odata.type': '#microsoft.graph.user', id: d!.id });

    sim.control.restoreUser(tenant(), b!.id);
    const restored = await round(changed.deltaLink);
    expect(membersOf(restored.values, group.id)).toEqual([{ '@odata.type': '#microsoft.graph.user', id: b!.id }]);
  });

  it('reports renamed and deleted groups, and leaves out changes to properties not selected', async () => {
    const g1 = sim.control.addGroup(tenant(), { displayName: 'Renamed later' });
    const g2 = sim.control.addGroup(tenant(), { displayName: 'Deleted later' });
    const start = await round(`groups/delta?$filter=id eq '${g1.id}' or id eq '${g2.id}'&$select=displayName`);
    sim.control.updateGroup(tenant(), g1.id, { description: 'not tracked' });
    expect((await round(start.deltaLink)).values).toEqual([]);
    sim.control.updateGroup(tenant(), g1.id, { displayName: 'Renamed' });
    sim.control.removeGroup(tenant(), g2.id);
    const changes = await round(start.deltaLink);
    expect(changes.values).toEqual([
      { id: g1.id, displayName: 'Renamed' },
      { id: g2.id, '@removed': { reason: 'deleted' } },
    ]);
  });

  it('accepts at most 50 ids in $filter and only id eq clauses', async () => {
    const ids = Array.from({ length: 51 }, (_, i) => `'${String(i).padStart(8, '0')}-0000-4000-8000-000000000000'`);
    const tooMany = await graph(
      sim,
      `groups/delta?$filter=${encodeURIComponent(ids.map((id) => `id eq ${id}`).join(' or '))}`,
      { token },
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('Request_UnsupportedQuery');
    const other = await graph(sim, `groups/delta?$filter=${encodeURIComponent("displayName eq 'x'")}`, { token });
    expect(other.status).toBe(400);
    expect((await graph(sim, 'groups/delta?$top=5', { token })).status).toBe(400);
  });

  it('$deltatoken=latest gives a deltaLink without the initial round', async () => {
    const latest = await graph(sim, 'groups/delta?$select=members&$deltatoken=latest', { token });
    expect(latest.body.value).toEqual([]);
    const group = sim.control.addGroup(tenant(), { displayName: 'After latest' });
    const next = await round(latest.body['@odata.deltaLink']);
    expect(next.values.map((v) => v.id)).toEqual([group.id]);
  });
});

describe('users/delta', () => {
  it('starts with every active user, then reports changes, soft deletes (changed) and hard deletes (deleted)', async () => {
    sim.control.updateSettings({ deltaPageSize: 20 });
    const initial = await round('users/delta?$select=displayName,mail,accountEnabled');
    expect(initial.pages).toBeGreaterThan(1);
    expect(initial.values.map((u) => u.id).sort()).toEqual([...sim.control.tenant(tenant()).sortedActiveUserIds()]);
    expect(Object.keys(initial.values[0]).sort()).toEqual(['accountEnabled', 'displayName', 'id', 'mail']);

    const [renamed, disabled, binned, purged, untouched] = sim.control.tenant(tenant()).sortedActiveUserIds();
    sim.control.updateUser(tenant(), renamed!, { displayName: 'Renée Østergaard' });
    sim.control.disableUser(tenant(), disabled!);
    sim.control.deleteUser(tenant(), binned!);
    sim.control.deleteUser(tenant(), purged!, { hard: true });
    sim.control.updateUser(tenant(), untouched!, { jobTitle: 'Not selected, not reported' });
    const added = sim.control.addUser(tenant(), { displayName: 'New Starter' });

    const changes = await round(initial.deltaLink);
    const byId = Object.fromEntries(changes.values.map((u) => [u.id, u]));
    expect(Object.keys(byId).sort()).toEqual([renamed, disabled, binned, purged, added.id].sort());
    expect(byId[renamed!]).toMatchObject({ displayName: 'Renée Østergaard' });
    expect(byId[disabled!]).toMatchObject({ accountEnabled: false });
    expect(byId[binned!]).toEqual({ id: binned, '@removed': { reason: 'changed' } });
    expect(byId[purged!]).toEqual({ id: purged, '@removed': { reason: 'deleted' } });
    expect(byId[added.id]).toMatchObject({ displayName: 'New Starter' });

    sim.control.restoreUser(tenant(), binned!);
    const afterRestore = await round(changes.deltaLink);
    expect(afterRestore.values.map((u) => u.id)).toEqual([binned]);
    expect(afterRestore.values[0]).not.toHaveProperty('@removed');
  });

  it('honours $filter=id eq', async () => {
    const [one, two] = sim.control.tenant(tenant()).sortedActiveUserIds();
    const start = await round(`users/delta?$filter=id eq '${one}' or id eq '${two}'&$select=displayName`);
    expect(start.values.map((u) => u.id).sort()).toEqual([one, two].sort());
    sim.control.updateUser(tenant(), sim.control.tenant(tenant()).sortedActiveUserIds()[5]!, {
      displayName: 'Outside the filter',
    });
    sim.control.updateUser(tenant(), one!, { displayName: 'Inside the filter' });
    expect((await round(start.deltaLink)).values).toEqual([{ displayName: 'Inside the filter', id: one }]);
  });
});

describe('delta token lifetime', () => {
  it('answers 410 Gone syncStateNotFound with a Location to start over once a token is 7 simulated days old', async () => {
    const start = await round('users/delta?$select=displayName');
    sim.control.advanceClock(6 * day);
    const stillValid = await round(start.deltaLink);
    sim.control.advanceClock(7 * day + 1000);
    const expired = await graph(sim, stillValid.deltaLink, { token });
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('syncStateNotFound');
    const location = new URL(expired.headers.get('location')!);
    expect(location.pathname).toBe('/v1.0/users/delta');
    expect(location.searchParams.get('$select')).toBe('displayName');
    expect(location.searchParams.get('$deltatoken')).toBe('');
    const restarted = await round(location.toString());
    expect(restarted.values.length).toBe(sim.control.tenant(tenant()).sortedActiveUserIds().length);
  });

  it('expires skip tokens of a round too, and the real client surfaces the 410', async () => {
    sim.control.updateSettings({ deltaPageSize: 10 });
    const first = await graph(sim, 'users/delta', { token });
    sim.control.advanceClock(8 * day);
    const { client } = connect(sim);
    const error = await client
      .api(first.body['@odata.nextLink'])
      .get()
      .catch((e: unknown) => e);
    expect(isDeltaResyncRequired(error)).toBe(true);
    expect(classifyGraphError(error)).toMatchObject({ status: 410, code: 'syncStateNotFound' });
  });

  it('answers 410 resyncRequired after the tenant’s change tracking is reset', async () => {
    const start = await round('groups/delta?$select=displayName');
    sim.control.resetDeltaState(tenant());
    const reset = await graph(sim, start.deltaLink, { token });
    expect(reset.status).toBe(410);
    expect(reset.body.error.code).toBe('resyncRequired');
    expect(reset.headers.get('location')).toMatch(/\/v1\.0\/groups\/delta\?\$select=displayName&\$deltatoken=$/);
  });
});

describe('with the real Graph client', () => {
  it('PageIterator walks a delta round and hands over the deltaLink', async () => {
    sim.control.updateSettings({ deltaPageSize: 15 });
    const { client } = connect(sim);
    const first = await client.api('/users/delta').select('displayName,accountEnabled').get();
    const ids: string[] = [];
    const iterator = new PageIterator(client, first, (user: { id: string }) => {
      ids.push(user.id);
      return true;
    });
    await iterator.iterate();
    expect(iterator.isComplete()).toBe(true);
    expect(ids.sort()).toEqual([...sim.control.tenant(tenant()).sortedActiveUserIds()]);
    const deltaLink = iterator.getDeltaLink();
    expect(deltaLink).toMatch(/\$deltatoken=/);
    const changed = sim.control.tenant(tenant()).sortedActiveUserIds()[3]!;
    sim.control.updateUser(tenant(), changed, { displayName: 'Via the SDK' });
    const next = await client.api(deltaLink!).get();
    expect(next.value).toEqual([{ displayName: 'Via the SDK', accountEnabled: expect.any(Boolean), id: changed }]);
  });
});
