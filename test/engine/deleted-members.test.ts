import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, waitFor, type TestStack } from '../support/stack.js';
import {
  changesOf,
  runSetup,
  syncedStaffGroup,
  usersOf,
  waitForRun,
  type SetupOptions,
} from '../support/sync-fixtures.js';

/**
 * Members deleted in Entra during delta runs (issue 11). Graph answers a request about a deleted user with 404
 * Request_ResourceNotFound; that is a removal "deleted in Entra", never "the group is gone".
 */
describe('members deleted in Entra, in delta runs', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  const synced = (name: string, size: number, options: SetupOptions = {}) =>
    syncedStaffGroup(stack, name, size, { deletionThreshold: { count: 5000, percent: 100 }, ...options });

  const byExternalId = async (companyId: string) =>
    new Map((await usersOf(stack, companyId)).map((u) => [u.external_id, u]));

  it('soft delete, hard delete and a plain removal: three removals with their own reasons, nobody else touched', async () => {
    const { company, tenantId, group, people, setup } = await synced('Leavers Co', 6);
    const before = await byExternalId(company.companyId);
    const [soft, hard, left] = people;
    stack.sim.control.deleteUser(tenantId, soft!.id); // the recycle bin: restorable for 30 days
    stack.sim.control.deleteUser(tenantId, hard!.id, { hard: true });
    stack.sim.control.removeMember(tenantId, group.id, left!.id); // the account stays in Entra
    const run = await runSetup(stack, company, setup.id);
    expect(run.error).toBeNull();
    expect(run).toMatchObject({
      mode: 'delta',
      status: 'succeeded',
      counts: { deleted: 3, created: 0, updated: 0, deactivated: 0, failed: 0, unchanged: 3 },
    });
    const reasons = new Map((await changesOf(stack, company, run.id)).map((c) => [c.externalId, String(c.reason)]));
    expect(reasons.get(soft!.id)).toMatch(
      /^deleted in Entra ID \(soft-deleted: restorable for 30 days\), so not a member of the group any more/,
    );
    expect(reasons.get(hard!.id)).toMatch(
      /^deleted in Entra ID \(hard-deleted: gone for good\), so not a member of the group any more/,
    );
    expect(reasons.get(left!.id)).toMatch(/^not a member of the group any more/);
    expect(reasons.size).toBe(3);
    const after = await byExternalId(company.companyId);
    for (const p of people.slice(3)) expect(after.get(p.id)).toEqual(before.get(p.id));
    const current = await (await stack.call('GET', `/api/v1/setups/${setup.id}`, { key: company.key })).json();
    expect(current.status).toBe('active');
  });

  it('restore: a user deactivated because deleted in Entra comes back linked to the same product user', async () => {
    const { company, tenantId, people, setup } = await synced('Restore Co', 3, { removalGraceDays: 30 });
    const original = (await byExternalId(company.companyId)).get(people[0]!.id)!;
    stack.sim.control.deleteUser(tenantId, people[0]!.id);
    const removed = await runSetup(stack, company, setup.id);
    expect(removed).toMatchObject({ mode: 'delta', counts: { deactivated: 1 } });
    expect((await byExternalId(company.companyId)).get(people[0]!.id)?.active).toBe(false);

    stack.sim.control.restoreUser(tenantId, people[0]!.id);
    const back = await runSetup(stack, company, setup.id);
    expect(back).toMatchObject({ mode: 'delta', status: 'succeeded', counts: { updated: 1, created: 0 } });
    const restored = (await byExternalId(company.companyId)).get(people[0]!.id)!;
    expect(restored).toMatchObject({ id: original.id, active: true, managing_setup_id: setup.id });
  });

  it('restore: a user deleted from the product because deleted in Entra is created and linked again', async () => {
    const { company, tenantId, people, setup } = await synced('Recreate Co', 3, { removalGraceDays: 0 });
    stack.sim.control.deleteUser(tenantId, people[1]!.id);
    expect(await runSetup(stack, company, setup.id)).toMatchObject({ mode: 'delta', counts: { deleted: 1 } });
    expect((await byExternalId(company.companyId)).has(people[1]!.id)).toBe(false);
    stack.sim.control.restoreUser(tenantId, people[1]!.id);
    const back = await runSetup(stack, company, setup.id);
    expect(back).toMatchObject({ mode: 'delta', counts: { created: 1 } });
    expect((await byExternalId(company.companyId)).get(people[1]!.id)).toMatchObject({
      active: true,
      managing_setup_id: setup.id,
    });
  });

  it('1,000 removed members are confirmed with 50 $batch calls (20 checkMemberGroups each), a throttled inner request retried', async () => {
    const { company, tenantId, group, people, setup } = await synced('Bulk Co', 1005);
    for (const p of people.slice(0, 1000)) stack.sim.control.removeMember(tenantId, group.id, p.id);
    stack.sim.control.clearRequests();
    // one inner checkMemberGroups throttled: Graph answers it 429 inside a 200 batch, with its own Retry-After
    stack.sim.control.setFaults(tenantId, {
      throttle: { mode: 'burst', count: 1, retryAfterSeconds: 1, match: 'checkMemberGroups' },
    });
    const run = await runSetup(stack, company, setup.id);
    stack.sim.control.clearFaults(tenantId);
    expect(run).toMatchObject({ mode: 'delta', status: 'succeeded', counts: { deleted: 1000, unchanged: 5 } });
    const requests = stack.sim.control.requests({ tenantId });
    const outer = requests.filter((r) => r.url.includes('$batch') && !r.batchRequestId);
    const inner = requests.filter((r) => /checkMemberGroups/i.test(r.url));
    expect(outer.length).toBe(51); // 50, and one more for the single throttled request
    expect(inner.filter((r) => r.status === 429)).toHaveLength(1);
    expect(inner.filter((r) => r.status === 200)).toHaveLength(1000);
    expect(inner.every((r) => r.batchRequestId)).toBe(true);
  });

  it('a Graph 400 during a run fails it within seconds with Graph’s code, message and the request, no token', async () => {
    const { company, setup } = await synced('Bad Request Co', 2);
    const state = await stack.db
      .selectFrom('sync_delta_state')
      .selectAll()
      .where('setup_id', '=', setup.id)
      .executeTakeFirstOrThrow();
    // Entra's incremental state: its delta links
    const usersLink = String(state.state.usersLink);
    const tampered = usersLink.replace(/\$deltatoken=[^&]+/, '$deltatoken=not-a-token-Zq9');
    await stack.db
      .updateTable('sync_delta_state')
      .set({ state: JSON.stringify({ ...state.state, usersLink: tampered }) })
      .where('setup_id', '=', setup.id)
      .execute();
    const started = Date.now();
    const run = await runSetup(stack, company, setup.id);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(
      /^Microsoft Graph answered 400 Request_BadRequest to GET \/v1\.0\/users\/delta\?\$deltatoken=…: The delta token is not valid/,
    );
    expect(run.error).not.toContain('not-a-token-Zq9');
    expect(await usersOf(stack, company.companyId)).toHaveLength(2);
  });

  it('a 503 burst: the run shows retrying (attempt, reason, next attempt) while it waits, then succeeds', async () => {
    const { company, tenantId, people, setup } = await synced('Unavailable Co', 3);
    stack.sim.control.updateUser(tenantId, people[0]!.id, { jobTitle: 'Patient' });
    // more 503s than the Graph client retries on its own (3): the activity is retried too
    stack.sim.control.setFaults(tenantId, {
      serverErrors: { status: 503, count: 6, retryAfterSeconds: 1, match: 'microsoft.graph.user' },
    });
    const started = await (
      await stack.call('POST', `/api/v1/setups/${setup.id}/runs`, { key: company.key, body: { fullSync: true } })
    ).json();
    const seen = await waitFor(
      async () => {
        const run = await (await stack.call('GET', `/api/v1/runs/${started.runId}`, { key: company.key })).json();
        return run.progress.retrying ? run : undefined;
      },
      { timeoutMs: 30_000, what: 'progress.retrying' },
    );
    expect(seen.status).toBe('running');
    expect(seen.progress.retrying).toMatchObject({
      attempt: expect.any(Number),
      reason: expect.stringMatching(/503.*GET \/v1\.0\/groups\/.+\/transitiveMembers/),
    });
    expect(Date.parse(seen.progress.retrying.nextAttemptAt)).not.toBeNaN();
    const done = await waitForRun(stack, company, started.runId);
    stack.sim.control.clearFaults(tenantId);
    expect(done).toMatchObject({ status: 'succeeded', counts: { updated: 1, unchanged: 2 } });
    expect(done.progress.retrying).toBeNull();
    expect(
      stack.sim.control.requests({ tenantId, urlIncludes: 'microsoft.graph.user' }).filter((r) => r.status === 503),
    ).toHaveLength(6);
  });
});
