import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../src/activities/index.js';
import { installTemporalRuntime } from '../../src/temporal/runtime.js';
import { testEnvironment, testLogger } from '../support/context.js';

/**
 * The real workflow bundle on the run's Temporal dev server, with stub activities: a worker on a task queue of
 * the file's own (TestWorkflowEnvironment.createFromExistingServer; the SDK's time-skipping server is a Java
 * download we cannot fetch). Timeouts come from the workflow input, so each case takes seconds.
 */
export interface StubWorker {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  close(): Promise<void>;
}

export async function startStubWorker(activities: Partial<Activities>): Promise<StubWorker> {
  installTemporalRuntime(testLogger());
  const { temporalAddress, workflowBundle } = testEnvironment();
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: temporalAddress });
  const taskQueue = `test-workflows-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle,
    activities,
  });
  const running = worker.run();
  return {
    env,
    taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** Polls `read` until `done` holds for its value (a workflow query, a recorded call), or fails after timeoutMs. */
export async function eventually<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not reached within ${timeoutMs} ms (last value: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
