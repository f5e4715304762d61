import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProgressQuery } from '../../src/workflows/sync-run-messages.js';
import { onboardCompany, startTestStack, waitFor, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, waitForRun } from '../support/sync-fixtures.js';

describe('setups API, schedules and the run workflow', () => {
  let stack: TestStack;
  let company: Awaited<ReturnType<typeof onboardCompany>>;
  let tenantId: string;
  let connectionId: string;
  beforeAll(async () => {
    // one member per batch and per activity call: enough workflow history for continue-as-new (the test
    // dev server suggests it after 200 events)
    stack = await startTestStack({ config: { SYNC_BATCH_SIZE: '1', SYNC_BATCHES_PER_ACTIVITY: '1' } });
    company = await onboardCompany(stack);
    ({ tenantId, connectionId } = await connectNewTenant(stack, company, 'Setups Co'));
  });
  afterAll(() => stack?.close());

  const post = (body: Record<string, unknown>) => stack.call('POST', '/api/v1/setups', { key: company.key, body });
  const valid = () => ({
    connectionId,
    customerTypeId: company.customerTypeId,
    updateExisting: true,
    deleteRemoved: false,
    matchOn: 'email',
  });

  it('finds groups by display name in the tenant', async () => {
    stack.sim.control.addGroup(tenantId, { displayName: 'Finance Team' });
    stack.sim.control.addGroup(tenantId, { displayName: 'Facilities' });
    const res = await stack.call('GET', `/api/v1/connections/${connectionId}/groups?search=Fin`, { key: company.key });
    expect(res.status).toBe(200);
    expect((await res.json()).items.map((g: { displayName: string }) => g.displayName)).toEqual(['Finance Team']);
  });

  it('refuses bad input with 400/422 naming the field, and creates nothing', async () => {
    const missingGroup = randomUUID();
    const notFound = await post({ ...valid(), groupId: missingGroup });
    expect(notFound.status).toBe(422);
    const body = await notFound.json();
    expect(body.error.details).toEqual([{ field: 'groupId', reason: expect.stringContaining(missingGroup) }]);

    const bad = await post({ ...valid(), groupId: 'not-a-guid', matchOn: 'phone', intervalMinutes: 0 });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'groupId',
      'intervalMinutes',
      'matchOn',
    ]);

    const other = await onboardCompany(stack, { name: 'Other Co' });
    const foreign = await stack.call('POST', '/api/v1/setups', {
      key: other.key,
      body: { ...valid(), customerTypeId: other.customerTypeId, groupId: randomUUID() },
    });
    expect(foreign.status).toBe(422);
    expect((await foreign.json()).error.details[0].field).toBe('connectionId');
    expect((await (await stack.call('GET', '/api/v1/setups', { key: company.key })).json()).items).toEqual([]);
  });

  it('schedules each setup, follows edits, pauses, resumes and deletes the schedule', async () => {
    const group = stack.sim.control.addGroup(tenantId, { displayName: 'Scheduled' });
    const setup = await createSetup(stack, company, connectionId, group.id);
    const handle = stack.temporal.schedule.getHandle(`setup-sync-${setup.id}`);
    let schedule = await handle.describe();
    expect(schedule.spec.intervals).toEqual([expect.objectContaining({ every: 10 * 60_000 })]);
    expect(schedule.policies.overlap).toBe('SKIP');
    expect(schedule.state.paused).toBe(false);
    expect(schedule.typedSearchAttributes.get({ name: 'DsSetupId', type: 'KEYWORD' } as never)).toBe(setup.id);
    expect(schedule.typedSearchAttributes.get({ name: 'DsTenantId', type: 'KEYWORD' } as never)).toBe(tenantId);

    const patched = await stack.call('PATCH', `/api/v1/setups/${setup.id}`, {
      key: company.key,
      body: { intervalMinutes: 3, designation: 'Every 3 minutes' },
    });
    expect((await patched.json()).intervalMinutes).toBe(3);
    schedule = await handle.describe();
    expect(schedule.spec.intervals).toEqual([expect.objectContaining({ every: 3 * 60_000 })]);
    const detailed = await (await stack.call('GET', `/api/v1/setups/${setup.id}`, { key: company.key })).json();
    expect(new Date(detailed.nextRunAt).getTime()).toBeGreaterThan(Date.now());

    expect(
      (await (await stack.call('POST', `/api/v1/setups/${setup.id}/pause`, { key: company.key })).json()).status,
    ).toBe('paused');
    expect((await handle.describe()).state.paused).toBe(true);
    expect(
      (await (await stack.call('POST', `/api/v1/setups/${setup.id}/resume`, { key: company.key })).json()).status,
    ).toBe('active');
    expect((await handle.describe()).state.paused).toBe(false);

    // the module switched off stops every schedule of the company; on again resumes them
    await stack.call('PATCH', `/api/v1/companies/${company.companyId}`, {
      key: stack.operatorKey,
      body: { directorySync: false },
    });
    expect((await handle.describe()).state.paused).toBe(true);
    await stack.call('PATCH', `/api/v1/companies/${company.companyId}`, {
      key: stack.operatorKey,
      body: { directorySync: true },
    });
    expect((await handle.describe()).state.paused).toBe(false);

    // the schedule's action really starts a sync run of this setup
    stack.sim.control.addMember(tenantId, group.id, addPerson(stack, tenantId).id);
    await handle.trigger();
    const scheduled = await waitFor(
      async () => {
        const runs = (await (await stack.call('GET', `/api/v1/setups/${setup.id}/runs`, { key: company.key })).json())
          .items;
        return runs.find(
          (r: { trigger: string; status: string }) => r.trigger === 'schedule' && r.status === 'succeeded',
        );
      },
      { timeoutMs: 60_000, what: 'a scheduled run' },
    );
    expect(scheduled.counts.created).toBe(1);

    expect((await stack.call('DELETE', `/api/v1/setups/${setup.id}`, { key: company.key })).status).toBe(204);
    await expect(handle.describe()).rejects.toThrow(/not found/i);
  });

  it('a run reports progress through the workflow query and continues as new when Temporal suggests it', async () => {
    const people = Array.from({ length: 90 }, () => addPerson(stack, tenantId));
    const group = stack.sim.control.addGroup(tenantId, {
      displayName: 'Long History',
      members: people.map((p) => p.id),
    });
    const setup = await createSetup(stack, company, connectionId, group.id);
    const started = await (
      await stack.call('POST', `/api/v1/setups/${setup.id}/runs`, { key: company.key, body: {} })
    ).json();
    const workflowId = `sync-${setup.id}-run-${started.runId}`;
    const progress = await waitFor(async () => {
      const p = await stack.temporal.workflow
        .getHandle(workflowId)
        .query(runProgressQuery)
        .catch(() => undefined);
      return p && p.phase === 'applying' ? p : undefined;
    });
    expect(progress).toMatchObject({ runId: started.runId, membersRead: 90, mode: 'full' });
    const run = await waitForRun(stack, company, started.runId);
    expect(run).toMatchObject({ status: 'succeeded', counts: { created: 90 } });
    expect(run.progress).toMatchObject({ processed: 90, total: 90 });
    const executions = [];
    for await (const e of stack.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) executions.push(e);
    expect(executions.length).toBeGreaterThan(1); // continued as new at least once
    expect(Math.max(...executions.map((e) => e.historyLength))).toBeLessThan(400);
  });
});
