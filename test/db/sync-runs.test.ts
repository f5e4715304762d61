import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBatch } from '../../src/db/repositories/sync-apply.js';
import { createRun, getRun, markRun, runCounts, RunAlreadyActiveError, RunNotActiveError, updateProgress } from '../../src/db/repositories/sync-runs.js';
import { emptyCounts, type SetupPolicy } from '../../src/sync/index.js';
import { openScratchDb, seedCompany, seedSetup, type ScratchDb } from './fixtures.js';

describe('sync runs', () => {
  let scratch: ScratchDb;
  let policy: SetupPolicy;

  beforeAll(async () => {
    scratch = await openScratchDb();
    policy = await seedSetup(scratch.db, await seedCompany(scratch.db));
  });
  afterAll(async () => scratch?.close());

  const newRun = (workflowId: string | null = null) =>
    createRun(scratch.db, { setupId: policy.setupId, companyId: policy.companyId, trigger: 'api', mode: 'full', dryRun: false, workflowId });

  it('creates a queued run, and refuses a second active one naming the first', async () => {
    const run = await newRun('wf-1');
    expect(run).toMatchObject({ setup_id: policy.setupId, status: 'queued', trigger: 'api', mode: 'full', dry_run: false, workflow_id: 'wf-1', counts: {}, progress: {}, members_read: 0, pages_read: 0 });

    const refused = await newRun('wf-2').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RunAlreadyActiveError);
    expect(refused).toMatchObject({ setupId: policy.setupId, activeRunId: run.id });

    // still refused while running or awaiting approval; allowed once it has finished
    await markRun(scratch.db, run.id, { status: 'awaiting_approval' });
    await expect(newRun()).rejects.toBeInstanceOf(RunAlreadyActiveError);
    await markRun(scratch.db, run.id, { status: 'cancelled', finishedAt: new Date() });
    const next = await newRun();
    await markRun(scratch.db, next.id, { status: 'failed', error: 'x', finishedAt: new Date() });
  });

  it('two runs created at once: exactly one wins', async () => {
    const results = await Promise.allSettled([newRun('a'), newRun('b'), newRun('c')]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof newRun>>>).value;
    for (const lost of results.filter((r) => r.status === 'rejected')) {
      expect(lost.reason).toBeInstanceOf(RunAlreadyActiveError);
      expect(lost.reason).toMatchObject({ activeRunId: winner.id });
    }
    await markRun(scratch.db, winner.id, { status: 'succeeded', finishedAt: new Date() });
  });

  it('marks status, times and error; merges progress', async () => {
    const run = await newRun();
    const started = new Date('2026-11-26T10:00:00Z');
    expect(await markRun(scratch.db, run.id, { status: 'running', startedAt: started })).toMatchObject({ status: 'running', started_at: started, error: null });
    await updateProgress(scratch.db, run.id, { phase: 'staging', pages: 1 });
    await updateProgress(scratch.db, run.id, { pages: 2, membersRead: 1998 });
    expect((await getRun(scratch.db, run.id))?.progress).toEqual({ phase: 'staging', pages: 2, membersRead: 1998 });
    const finished = new Date('2026-11-26T10:05:00Z');
    expect(await markRun(scratch.db, run.id, { status: 'failed', error: 'Graph said no', finishedAt: finished })).toMatchObject({
      status: 'failed',
      error: 'Graph said no',
      started_at: started,
      finished_at: finished,
    });
    await expect(markRun(scratch.db, '00000000-0000-4000-8000-000000000000', { status: 'failed' })).rejects.toBeInstanceOf(RunNotActiveError);
    expect(await getRun(scratch.db, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('runCounts sums the applied batches, and equals the counts kept on the run', async () => {
    const run = await newRun();
    expect(await runCounts(scratch.db, run.id)).toEqual(emptyCounts());
    const base = { runId: run.id, setupId: policy.setupId, companyId: policy.companyId, customerTypeId: policy.customerTypeId, dryRun: false, now: new Date() };
    await applyBatch(scratch.db, { ...base, batchKey: 'a', changes: [{ action: 'skip', externalId: 'e1', userId: null, before: null, after: null, reason: 'r' }] });
    await applyBatch(scratch.db, {
      ...base,
      batchKey: 'b',
      changes: [
        { action: 'skip', externalId: 'e2', userId: null, before: null, after: null, reason: 'r' },
        { action: 'conflict', externalId: 'e3', userId: null, before: null, after: null, reason: 'r' },
      ],
    });
    const expected = { ...emptyCounts(), skipped: 2, conflicts: 1 };
    expect(await runCounts(scratch.db, run.id)).toEqual(expected);
    expect((await getRun(scratch.db, run.id))?.counts).toEqual(expected);
    await markRun(scratch.db, run.id, { status: 'succeeded' });
  });
});
