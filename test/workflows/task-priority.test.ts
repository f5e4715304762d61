import { randomBytes } from 'node:crypto';
import { activityInfo } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTemporalRuntime } from '../../src/temporal/runtime.js';
import { selfCheckWorkflow } from '../../src/workflows/self-check.js';
import { testEnvironment, testLogger } from '../support/context.js';
import { eventually } from './stub-worker.js';

/**
 * The dev server the tests (and the bench, and `npm start`) run honours task-queue priority: with tasks waiting
 * and no worker, the one started last but with the highest priority is handed out first. Without the matching
 * settings of src/runtime/dev-server.ts the server ignores priority and hands them out in arrival order.
 */
describe('task-queue priority on the dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    installTemporalRuntime(testLogger());
    env = await TestWorkflowEnvironment.createFromExistingServer({ address: testEnvironment().temporalAddress });
  });
  afterAll(() => env?.teardown());

  it('dispatches a waiting priority-1 workflow before priority-5 ones started earlier', async () => {
    const taskQueue = `test-priority-${randomBytes(4).toString('hex')}`;
    const low = Array.from({ length: 8 }, (_, i) => `low-${i}-${taskQueue}`);
    const high = `high-${taskQueue}`;
    // no worker polls yet: every task waits in the queue's backlog
    for (const workflowId of low)
      await env.client.workflow.start(selfCheckWorkflow, { taskQueue, workflowId, priority: { priorityKey: 5 } });
    await env.client.workflow.start(selfCheckWorkflow, { taskQueue, workflowId: high, priority: { priorityKey: 1 } });
    expect((await env.client.workflow.getHandle(high).describe()).priority).toMatchObject({ priorityKey: 1 });

    const order: string[] = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: testEnvironment().workflowBundle,
      activities: {
        latestMigration: async () => {
          order.push(activityInfo().workflowExecution!.workflowId);
          return null;
        },
      },
      // one at a time, so the order of the activities is the order the server handed the work out
      maxConcurrentWorkflowTaskExecutions: 2,
      maxConcurrentWorkflowTaskPolls: 2,
      maxConcurrentActivityTaskExecutions: 1,
      maxConcurrentActivityTaskPolls: 1,
    });
    await worker.runUntil(
      eventually(
        () => order.length,
        (n) => n === low.length + 1,
      ),
    );
    // arrival order would put it last (index 8); a poller may already hold one low task when it arrives
    expect(order.indexOf(high)).toBeLessThanOrEqual(1);
  });
});
