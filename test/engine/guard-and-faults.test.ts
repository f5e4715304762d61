import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import {
  addPerson,
  changesOf,
  connectNewTenant,
  createSetup,
  runSetup,
  usersOf,
  waitForRun,
} from '../support/sync-fixtures.js';

describe('the deletion guard, dry runs and failed reads', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  async function syncedGroup(name: string, size: number, threshold = { count: 2, percent: 100 }) {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, name);
    const people = Array.from({ length: size }, () => addPerson(stack, tenantId));
    const group = stack.sim.control.addGroup(tenantId, { displayName: 'Staff', members: people.map((p) => p.id) });
    const setup = await createSetup(stack, company, connectionId, group.id, {
      deleteRemoved: true,
      deletionThreshold: threshold,
    });
    expect((await runSetup(stack, company, setup.id)).counts.created).toBe(size);
    return { company, tenantId, connectionId, group, people, setup };
  }

  it('holds a mass removal for approval; approving applies it', async () => {
    const { company, tenantId, group, people, setup } = await syncedGroup('Guard Approve', 5);
    for (const p of people.slice(0, 4)) stack.sim.control.removeMember(tenantId, group.id, p.id);
    const held = await runSetup(stack, company, setup.id, { until: 'awaiting_approval' });
    expect(held.status).toBe('awaiting_approval');
    expect(held.progress.removals).toBe(4);
    expect((await usersOf(stack, company.companyId)).length).toBe(5); // nothing removed yet

    // one run at a time: another request answers 409 with the held run's id
    const second = await stack.call('POST', `/api/v1/setups/${setup.id}/runs`, { key: company.key, body: {} });
    expect(second.status).toBe(409);
    expect((await second.json()).error.runId).toBe(held.id);

    expect((await stack.call('POST', `/api/v1/runs/${held.id}/approve-removals`, { key: company.key })).status).toBe(
      202,
    );
    const done = await waitForRun(stack, company, held.id);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ deleted: 4, unchanged: 1 });
    expect((await usersOf(stack, company.companyId)).length).toBe(1);
    expect((await stack.call('POST', `/api/v1/runs/${held.id}/approve-removals`, { key: company.key })).status).toBe(
      409,
    );
  });

  it('rejecting ends the run with the removals skipped and everyone kept', async () => {
    const { company, tenantId, group, people, setup } = await syncedGroup('Guard Reject', 5);
    for (const p of people.slice(0, 3)) stack.sim.control.removeMember(tenantId, group.id, p.id);
    const held = await runSetup(stack, company, setup.id, { until: 'awaiting_approval' });
    expect((await stack.call('POST', `/api/v1/runs/${held.id}/reject-removals`, { key: company.key })).status).toBe(
      202,
    );
    const done = await waitForRun(stack, company, held.id);
    expect(done.counts).toMatchObject({ deleted: 0, deactivated: 0, skipped: 3, unchanged: 2 });
    expect((await usersOf(stack, company.companyId)).every((u) => u.active)).toBe(true);
    const skipped = await changesOf(stack, company, held.id, 'skip');
    expect(skipped.every((c) => String(c.reason).includes('rejected'))).toBe(true);
  });

  it('a dry run stores the full plan and changes nothing', async () => {
    const { company, tenantId, group, people, setup } = await syncedGroup('Dry Run', 3, { count: 0, percent: 0 });
    stack.sim.control.removeMember(tenantId, group.id, people[0]!.id);
    stack.sim.control.updateUser(tenantId, people[1]!.id, { jobTitle: 'CTO' });
    stack.sim.control.addMember(tenantId, group.id, addPerson(stack, tenantId).id);
    const before = await usersOf(stack, company.companyId);
    const preview = await runSetup(stack, company, setup.id, { dryRun: true });
    expect(preview).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(preview.counts).toMatchObject({ created: 1, updated: 1, deleted: 1, unchanged: 1 });
    expect((await changesOf(stack, company, preview.id)).map((c) => c.action).sort()).toEqual([
      'create',
      'delete',
      'update',
    ]);
    expect(await usersOf(stack, company.companyId)).toEqual(before);
  });

  it('an empty member read removes nobody', async () => {
    const { company, tenantId, setup } = await syncedGroup('Empty Read', 3, { count: 500, percent: 100 });
    stack.sim.control.setFaults(tenantId, { emptyMemberPages: { count: 1, match: 'microsoft.graph.user' } });
    const run = await runSetup(stack, company, setup.id, { fullSync: true });
    stack.sim.control.clearFaults(tenantId);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ deleted: 0, deactivated: 0, skipped: 3 });
    expect((await usersOf(stack, company.companyId)).filter((u) => u.active)).toHaveLength(3);
  });

  it('a failed member read (the group vanished) fails the run, puts the setup in error and removes nobody', async () => {
    const { company, tenantId, group, setup } = await syncedGroup('Vanished', 3, { count: 500, percent: 100 });
    stack.sim.control.setFaults(tenantId, { vanishedGroups: [group.id] });
    const run = await runSetup(stack, company, setup.id, { fullSync: true });
    stack.sim.control.clearFaults(tenantId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/not found/);
    expect((await usersOf(stack, company.companyId)).filter((u) => u.active)).toHaveLength(3);
    const after = await (await stack.call('GET', `/api/v1/setups/${setup.id}`, { key: company.key })).json();
    expect(after.status).toBe('error');
    expect(after.statusReason).toMatch(/not found/);
  });

  it('consent revoked between runs: the run fails, the connection says so, the setup pauses and nobody is removed', async () => {
    const { company, tenantId, connectionId, setup } = await syncedGroup('Revoked', 3, { count: 500, percent: 100 });
    stack.sim.control.revokeConsent(tenantId, stack.sim.demo.clientId);
    const run = await runSetup(stack, company, setup.id, { fullSync: true });
    expect(run).toMatchObject({ status: 'failed', counts: { deleted: 0, deactivated: 0 } });
    expect(run.error).toMatch(/directory access lost/);
    expect((await usersOf(stack, company.companyId)).filter((u) => u.active)).toHaveLength(3);
    const connection = await (
      await stack.call('GET', `/api/v1/connections/${connectionId}`, { key: company.key })
    ).json();
    expect(connection).toMatchObject({
      status: 'consent_revoked',
      statusReason: expect.stringMatching(/directory access lost/),
    });
    const after = await (await stack.call('GET', `/api/v1/setups/${setup.id}`, { key: company.key })).json();
    expect(after).toMatchObject({
      status: 'paused',
      statusReason: expect.stringMatching(/^paused: directory access lost/),
      nextRunAt: null,
    });
    expect((await stack.temporal.schedule.getHandle(`setup-sync-${setup.id}`).describe()).state.paused).toBe(true);
  });

  it('a group deleted in Entra: the delta run falls back to a full read, which fails the run and removes nobody', async () => {
    const { company, tenantId, group, setup } = await syncedGroup('Deleted Group', 3, { count: 500, percent: 100 });
    stack.sim.control.removeGroup(tenantId, group.id);
    const run = await runSetup(stack, company, setup.id);
    expect(run).toMatchObject({ status: 'failed', mode: 'full' });
    expect(run.progress.fullReason).toMatch(/deleted/);
    expect((await usersOf(stack, company.companyId)).filter((u) => u.active)).toHaveLength(3);
  });

  it('throttling (429 with Retry-After) and a 503 during the read are retried, and the run completes', async () => {
    const { company, tenantId, people, setup } = await syncedGroup('Throttled', 4, { count: 500, percent: 100 });
    stack.sim.control.updateUser(tenantId, people[0]!.id, { jobTitle: 'Throttled' });
    stack.sim.control.clearRequests();
    stack.sim.control.setFaults(tenantId, {
      throttle: { mode: 'burst', count: 2, retryAfterSeconds: 1, match: 'microsoft.graph.user' },
      serverErrors: { status: 503, count: 1, retryAfterSeconds: 1, match: 'microsoft.graph.user' },
    });
    const run = await runSetup(stack, company, setup.id, { fullSync: true });
    stack.sim.control.clearFaults(tenantId);
    expect(run).toMatchObject({ status: 'succeeded', counts: { updated: 1, unchanged: 3 } });
    const memberReads = stack.sim.control.requests({ tenantId, urlIncludes: 'microsoft.graph.user' });
    expect(memberReads.filter((r) => r.status === 429).length).toBe(2);
    expect(memberReads.filter((r) => r.status === 503).length).toBe(1);
  });
});
