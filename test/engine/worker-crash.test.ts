import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, waitFor, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, waitForRun } from '../support/sync-fixtures.js';

/**
 * A worker process killed (SIGKILL, no goodbye) in the middle of applying a run: after the heartbeat timeout the
 * activity is retried on another worker, resumes from its cursor, and the batch keys make anything the dead
 * worker had committed a no-op. No duplicate user, no lost or doubled audit row.
 */
describe('a worker killed mid-apply', () => {
  let stack: TestStack;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    stack = await startTestStack({
      config: { SYNC_BATCH_SIZE: '2', SYNC_BATCHES_PER_ACTIVITY: '10000', SYNC_HEARTBEAT_TIMEOUT: '3s' },
    });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await stack?.close();
  });

  it('finishes on another worker with every member created exactly once', async () => {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Crash Co');
    const people = Array.from({ length: 400 }, () => addPerson(stack, tenantId));
    const group = stack.sim.control.addGroup(tenantId, { displayName: 'Staff', members: people.map((p) => p.id) });
    const setup = await createSetup(stack, company, connectionId, group.id);

    // The run's work goes to a separate worker process, which we kill while it applies.
    await stack.stopWorker();
    child = spawn(process.execPath, ['bin/directory-sync.js', 'worker'], {
      env: { ...process.env, ...stack.workerEnv() },
      stdio: 'ignore',
    });
    const started = await (
      await stack.call('POST', `/api/v1/setups/${setup.id}/runs`, { key: company.key, body: {} })
    ).json();
    await waitFor(
      async () => {
        const run = await (await stack.call('GET', `/api/v1/runs/${started.runId}`, { key: company.key })).json();
        const processed = run.progress.processed ?? 0;
        return processed >= 20 ? run : undefined;
      },
      { timeoutMs: 60_000, what: 'the child worker to start applying' },
    );
    child.kill('SIGKILL');
    const applied = await stack.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('managing_setup_id', '=', setup.id)
      .executeTakeFirstOrThrow();
    expect(Number(applied.n)).toBeLessThan(400); // it really died mid-apply

    await stack.startWorker();
    const run = await waitForRun(stack, company, started.runId);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 400, failed: 0, conflicts: 0 });

    const users = await stack.db
      .selectFrom('users')
      .select(['external_id'])
      .where('managing_setup_id', '=', setup.id)
      .execute();
    expect(users).toHaveLength(400);
    expect(new Set(users.map((u) => u.external_id)).size).toBe(400);
    const audit = await stack.db
      .selectFrom('sync_changes')
      .select(['external_id', 'action'])
      .where('run_id', '=', started.runId)
      .execute();
    expect(audit).toHaveLength(400);
    expect(new Set(audit.map((a) => a.external_id)).size).toBe(400);
    expect(audit.every((a) => a.action === 'create')).toBe(true);
  });
});
