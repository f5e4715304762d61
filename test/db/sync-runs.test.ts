import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBatch } from '../../src/db/repositories/sync-apply.js';
import { closeRun } from '../../src/db/repositories/sync-run-outcome.js';
import {
  createRun,
  getRun,
  markRun,
  runCounts,
  RunAlreadyActiveError,
  RunNotActiveError,
  toRunCounts,
  updateProcessedProgress,
  updateProgress,
} from '../../src/db/repositories/sync-runs.js';
import { emptyCounts, type SetupPolicy } from '../../src/sync/index.js';
import { setPendingDelta } from '../../src/db/repositories/sync-delta.js';
import { sql } from 'kysely';
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
    createRun(scratch.db, {
      setupId: policy.setupId,
      companyId: policy.companyId,
      trigger: 'api',
      mode: 'full',
      dryRun: false,
      workflowId,
    });

  it('creates a queued run, and refuses a second active one naming the first', async () => {
    const run = await newRun('wf-1');
    expect(run).toMatchObject({
      setup_id: policy.setupId,
      status: 'queued',
      trigger: 'api',
      mode: 'full',
      dry_run: false,
      workflow_id: 'wf-1',
      counts: {},
      progress: {},
      members_read: 0,
      pages_read: 0,
    });

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

  it('progress.processed is read from the counts by its own statement, so a report never moves it backwards', async () => {
    const run = await newRun();
    await updateProgress(scratch.db, run.id, { phase: 'applying' });
    await sql`update sync_runs set counts = '{"created": 5}' where id = ${run.id}::uuid`.execute(scratch.db);
    await updateProcessedProgress(scratch.db, run.id, 12);
    expect((await getRun(scratch.db, run.id))?.progress).toEqual({ phase: 'applying', processed: 5, total: 12 });

    // Two ranges of a parallel apply: one range's batch commits its counts (7) while the other range reports.
    // Read first and written after, that report would say 5 and land last; this statement waits for the row
    // and reads 7.
    let reported: Promise<void> | undefined;
    await scratch.db.transaction().execute(async (batch) => {
      await sql`update sync_runs set counts = '{"created": 6, "skipped": 1}' where id = ${run.id}::uuid`.execute(batch);
      expect(toRunCounts((await getRun(scratch.db, run.id))!.counts).created).toBe(5); // what a read sees now
      reported = updateProcessedProgress(scratch.db, run.id, 12);
      // until the report waits for the batch's row lock (at most 5 s: the assertion below decides either way)
      const deadline = Date.now() + 5000;
      for (let waiting = 0; waiting === 0 && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const blocked = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and query ilike '%update%sync_runs%'`.execute(
          scratch.db,
        );
        waiting = blocked.rows[0]!.n;
      }
    });
    await reported;
    const progress = (await getRun(scratch.db, run.id))?.progress;
    await markRun(scratch.db, run.id, { status: 'cancelled', finishedAt: new Date() }); // the setup's next runs
    expect(progress).toMatchObject({ processed: 7, total: 12 });
  });

  it('marks status, times and error; merges progress', async () => {
    const run = await newRun();
    const started = new Date('2026-11-26T10:00:00Z');
    expect(await markRun(scratch.db, run.id, { status: 'running', startedAt: started })).toMatchObject({
      status: 'running',
      started_at: started,
      error: null,
    });
    await updateProgress(scratch.db, run.id, { phase: 'staging', pages: 1 });
    await updateProgress(scratch.db, run.id, { pages: 2, membersRead: 1998 });
    expect((await getRun(scratch.db, run.id))?.progress).toEqual({ phase: 'staging', pages: 2, membersRead: 1998 });
    const finished = new Date('2026-11-26T10:05:00Z');
    expect(
      await markRun(scratch.db, run.id, { status: 'failed', error: 'Graph said no', finishedAt: finished }),
    ).toMatchObject({
      status: 'failed',
      error: 'Graph said no',
      started_at: started,
      finished_at: finished,
    });
    await expect(
      markRun(scratch.db, '00000000-0000-4000-8000-000000000000', { status: 'failed' }),
    ).rejects.toBeInstanceOf(RunNotActiveError);
    expect(await getRun(scratch.db, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('runCounts sums the applied batches, and equals the counts kept on the run', async () => {
    const run = await newRun();
    expect(await runCounts(scratch.db, run.id)).toEqual(emptyCounts());
    const base = {
      runId: run.id,
      setupId: policy.setupId,
      companyId: policy.companyId,
      customerTypeId: policy.customerTypeId,
      dryRun: false,
      now: new Date(),
    };
    await applyBatch(scratch.db, {
      ...base,
      batchKey: 'a',
      changes: [{ action: 'skip', externalId: 'e1', userId: null, before: null, after: null, reason: 'r' }],
    });
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
  it('closes a run in one step: no reader sees it finished before its phase and delta links are', async () => {
    const run = await newRun();
    await markRun(scratch.db, run.id, { status: 'running', startedAt: new Date() });
    await updateProgress(scratch.db, run.id, { phase: 'removing' });
    const links = {
      groupLinks: [{ groupIds: ['g1'], link: 'https://graph.example/delta?token=1' }],
      usersLink: 'https://graph.example/users/delta?token=1',
      trackedGroupIds: ['g1'],
    };
    await setPendingDelta(scratch.db, run.id, links);

    // Another session holds the delta state table, so closing stops half-way; meanwhile the run must still read as running.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = scratch.db.transaction().execute(async (tx) => {
      await sql`lock table sync_delta_state in exclusive mode`.execute(tx);
      locked();
      await held;
    });
    await isLocked;
    const closing = closeRun(scratch.db, run.id, { status: 'succeeded', error: null });
    const waiting = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from pg_locks where not granted and relation = 'sync_delta_state'::regclass`.execute(
            scratch.db,
          )
        ).rows[0]?.n,
      );
    for (let i = 0; i < 200 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await waiting()).toBeGreaterThan(0);
    expect(await getRun(scratch.db, run.id)).toMatchObject({
      status: 'running',
      progress: { phase: 'removing' },
      finished_at: null,
    });

    release();
    await holder;
    expect(await closing).toMatchObject({ status: 'succeeded', progress: { phase: 'done' } });
    expect(await getRun(scratch.db, run.id)).toMatchObject({
      status: 'succeeded',
      progress: { phase: 'done' },
      finished_at: expect.any(Date),
    });
    const state = await scratch.db
      .selectFrom('sync_delta_state')
      .selectAll()
      .where('setup_id', '=', policy.setupId)
      .executeTakeFirstOrThrow();
    expect(state).toMatchObject({ state: links });
  });

  it('a failed run closes without taking its delta links', async () => {
    const run = await newRun();
    await setPendingDelta(scratch.db, run.id, {
      groupLinks: [],
      usersLink: 'https://graph.example/users/delta?token=failed',
      trackedGroupIds: [],
    });
    expect(await closeRun(scratch.db, run.id, { status: 'failed', error: 'Graph said no' })).toMatchObject({
      status: 'failed',
      error: 'Graph said no',
      progress: { phase: 'done' },
    });
    const state = await scratch.db
      .selectFrom('sync_delta_state')
      .select('state')
      .where('setup_id', '=', policy.setupId)
      .executeTakeFirst();
    expect(state?.state.usersLink).not.toBe('https://graph.example/users/delta?token=failed');
  });
});
