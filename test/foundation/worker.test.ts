import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrate.js';
import { startWorker, type RunningWorker } from '../../src/runtime/worker-service.js';
import { installTemporalRuntime } from '../../src/temporal/runtime.js';
import { selfCheckWorkflow } from '../../src/workflows/self-check.js';
import { testConfig, testDb, testEnvironment, testLogger } from '../support/context.js';

describe('the worker', () => {
  const config = testConfig();
  const db = testDb();
  let worker: RunningWorker;
  let connection: Connection;

  beforeAll(async () => {
    installTemporalRuntime(testLogger());
    worker = await startWorker({
      config,
      db,
      logger: testLogger(),
      address: config.temporal.address!,
      bundle: testEnvironment().workflowBundle,
    });
    connection = await Connection.connect({ address: config.temporal.address! });
  });
  afterAll(async () => {
    await connection?.close();
    await worker?.stop();
    await db.destroy();
  });

  it('runs a workflow end to end: Temporal schedules it, the worker runs its activity against Postgres', async () => {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const result = await client.workflow.execute(selfCheckWorkflow, {
      taskQueue: config.temporal.taskQueue,
      workflowId: `self-check-${Date.now()}`,
      workflowExecutionTimeout: '30s',
    });
    expect(result.latestMigration).toBe(Object.keys(migrations).at(-1));
  });

  it('shuts down gracefully when asked', async () => {
    await worker.stop();
    await expect(worker.done).resolves.toBeUndefined();
  });
});
