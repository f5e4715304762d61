import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileSchedule, scheduleIdFor } from '../../src/setups/schedules.js';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, runSetup } from '../support/sync-fixtures.js';

/**
 * Each sync run carries a Temporal priority by its expected size and a fairness key per company
 * (src/sync/run-priority.ts): the workflow as started (API and schedule), and the activities after the read.
 */
describe('sync runs carry priority and fairness keys', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  async function workflowOf(runId: string) {
    const run = await stack.db.selectFrom('sync_runs').select('workflow_id').where('id', '=', runId).executeTakeFirst();
    return stack.temporal.workflow.getHandle(run!.workflow_id!);
  }

  /** Priority key of each scheduled activity, by activity type, from the workflow's history. */
  async function activityPriorities(runId: string): Promise<Record<string, number>> {
    const history = await (await workflowOf(runId)).fetchHistory();
    const byType: Record<string, number> = {};
    for (const event of history.events ?? []) {
      const scheduled: temporal.api.history.v1.IActivityTaskScheduledEventAttributes | null | undefined =
        event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name) byType[scheduled.activityType.name] = scheduled.priority?.priorityKey ?? 0;
    }
    return byType;
  }

  it('a first run starts at the default priority, its batches by the members read; the next run by the last size', async () => {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Priority Co');
    const people = [addPerson(stack, tenantId), addPerson(stack, tenantId), addPerson(stack, tenantId)];
    const group = stack.sim.control.addGroup(tenantId, { displayName: 'Staff', members: people.map((p) => p.id) });
    const setup = await createSetup(stack, company, connectionId, group.id);

    const schedule = stack.temporal.schedule.getHandle(scheduleIdFor(setup.id));
    expect((await schedule.describe()).action.priority).toMatchObject({
      priorityKey: 3,
      fairnessKey: company.companyId,
    });

    const first = await runSetup(stack, company, setup.id);
    expect(first.status).toBe('succeeded');
    const firstWorkflow = await (await workflowOf(first.id)).describe();
    // nothing known before the first run: the middle; fair between companies
    expect(firstWorkflow.priority).toMatchObject({ priorityKey: 3, fairnessKey: company.companyId });
    // beginRun inherits the start's (0: not set), the read has no size to go by (3), what follows is sized by the 3 members read
    expect(await activityPriorities(first.id)).toMatchObject({
      beginRun: 0,
      stageDirectoryMembers: 3,
      assessRemovals: 1,
      applyChunks: 1,
      finishRun: 1,
    });

    const second = await runSetup(stack, company, setup.id, { fullSync: true });
    expect(second.status).toBe('succeeded');
    expect((await (await workflowOf(second.id)).describe()).priority).toMatchObject({
      priorityKey: 1,
      fairnessKey: company.companyId,
    });
    expect(await activityPriorities(second.id)).toMatchObject({ stageDirectoryMembers: 1, applyChunks: 1 });

    // the schedule's runs start at the size known when it was last reconciled
    await reconcileSchedule({ db: stack.db, temporal: stack.temporal, config: stack.config }, setup.id);
    expect((await schedule.describe()).action.priority).toMatchObject({
      priorityKey: 1,
      fairnessKey: company.companyId,
    });
  });
});
