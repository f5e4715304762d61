import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBatch, type ApplyBatchInput } from '../../src/db/repositories/sync-apply.js';
import { emptyUserRow } from '../../src/db/repositories/sync-user-rows.js';
import { countManagedUsers, loadCandidates } from '../../src/db/repositories/sync-candidates.js';
import { countRemoved, readRemovedChunk } from '../../src/db/repositories/sync-removals.js';
import { getRun, markRun, runCounts } from '../../src/db/repositories/sync-runs.js';
import { clearStaging, countStaged, readStagedChunk, stageMembers } from '../../src/db/repositories/sync-staging.js';
import {
  emptyCounts,
  indexCandidates,
  matchKeysFor,
  planMembers,
  planRemovals,
  type DirectoryUser,
  type PlannedChange,
  type RunCounts,
  type SetupPolicy,
} from '../../src/sync/index.js';
import { insertUser, member, openScratchDb, seedCompany, seedSetup, startRun, type ScratchDb } from './fixtures.js';

const GROUP = 20_000;
const PAGE = 999;
const BATCH = 500;

type NextBatch = (after: string | null) => Promise<{ input: ApplyBatchInput; size: number }>;

/**
 * Applies chunks from the start until one comes back empty, each continuing at the cursor the previous returned.
 * After chunk `retryAt` it replays that chunk as a retried activity would; true when the replay was a no-op
 * handing back the applied attempt's cursor.
 */
async function applyChunks(db: ScratchDb['db'], next: NextBatch, retryAt: number): Promise<boolean> {
  let replayedCleanly = false;
  for (let after: string | null = null, n = 0; ; n += 1) {
    const { input, size } = await next(after);
    if (size === 0) return replayedCleanly;
    const result = await applyBatch(db, input);
    if (n === retryAt) {
      const again = await applyBatch(db, (await next(after)).input);
      replayedCleanly = again.alreadyApplied && again.cursor === result.cursor;
    }
    after = result.cursor;
  }
}

/**
 * The whole data path of a run at scale, the way the workflow's activities drive it: stage Graph pages, plan
 * and apply keyset chunks of the staging (each against freshly read candidates), then the removals — with an
 * activity retry thrown in at a member chunk and at a removal chunk. Memory per step is one page or one chunk.
 */
async function syncRun(db: ScratchDb['db'], policy: SetupPolicy, directory: readonly DirectoryUser[], now: Date) {
  const runId = await startRun(db, policy);
  for (let start = 0, page = 1; start < directory.length; start += PAGE, page += 1) {
    await stageMembers(db, runId, directory.slice(start, start + PAGE), start, { page });
  }
  const base = {
    runId,
    setupId: policy.setupId,
    companyId: policy.companyId,
    customerTypeId: policy.customerTypeId,
    dryRun: false,
    now,
  };
  const retried: boolean[] = [];

  const memberBatch: NextBatch = async (after) => {
    const { members: chunk } = await readStagedChunk(db, runId, { afterExternalId: after, limit: BATCH });
    const candidates = indexCandidates(await loadCandidates(db, policy.companyId, matchKeysFor(chunk, policy)));
    const changes = planMembers(chunk, candidates, policy);
    return {
      input: { ...base, batchKey: `members:${after ?? ''}`, changes, cursor: chunk.at(-1)?.id ?? null },
      size: chunk.length,
    };
  };
  // at chunk 3 the activity dies after the commit and before reporting: its retry re-reads, re-plans, re-applies
  retried.push(await applyChunks(db, memberBatch, 3));

  const managedBefore = await countManagedUsers(db, policy.setupId);
  const removed = await countRemoved(db, policy.setupId, runId);
  const removalBatch: NextBatch = async (after) => {
    const chunk = await readRemovedChunk(db, { setupId: policy.setupId, runId, afterUserId: after, limit: BATCH });
    const changes: PlannedChange[] = planRemovals(chunk, policy, now);
    return {
      input: { ...base, batchKey: `removals:${after ?? ''}`, changes, cursor: chunk.at(-1)?.id ?? null },
      size: chunk.length,
    };
  };
  // the same crash after the first removal chunk: with grace 0 the re-read returns the NEXT users (these are
  // deleted), so only the stored cursor keeps the retry from skipping them
  retried.push(await applyChunks(db, removalBatch, 0));
  const staged = await countStaged(db, runId);
  await clearStaging(db, runId);
  await markRun(db, runId, { status: 'succeeded', finishedAt: now });
  return { runId, retried, staged, removed, managedBefore };
}

const expectCounts = (overrides: Partial<RunCounts>): RunCounts => ({ ...emptyCounts(), ...overrides });

describe(`a ${GROUP.toLocaleString('en')}-member group, staged and applied chunk by chunk`, () => {
  let scratch: ScratchDb;
  let policy: SetupPolicy;
  let company: { companyId: string; customerTypeId: string };
  const directory = Array.from({ length: GROUP }, (_, n) => member(n));
  // 10 members disabled in Entra, two sharing an email, one matching a user another setup manages
  for (let n = 5000; n < 5010; n += 1) directory[n] = member(n, { accountEnabled: false });
  directory[6000] = member(6000, { mail: 'shared@example.com' });
  directory[6001] = member(6001, { mail: 'shared@example.com' });

  beforeAll(async () => {
    scratch = await openScratchDb();
    company = await seedCompany(scratch.db);
    policy = await seedSetup(scratch.db, company);
    const otherSetup = await seedSetup(scratch.db, company);
    const { db } = scratch;
    const existing = [
      // 5,000 existing unmanaged users the members match by email (case differs for some): adopted
      ...Array.from({ length: 5000 }, (_, n) => ({
        ...emptyUserRow(company.companyId, company.customerTypeId),
        email: n % 2 ? `MEMBER${n}@example.com` : `member${n}@example.com`,
        job_title: 'Old',
      })),
      // 1,000 users the setup manages that left the group: deleted (grace 0)
      ...Array.from({ length: 1000 }, (_, n) => ({
        ...emptyUserRow(company.companyId, company.customerTypeId),
        email: `gone${n}@example.com`,
        external_id: `gone-${n}`,
        managing_setup_id: policy.setupId,
      })),
    ];
    // 1,000 rows of 16 columns per insert: well under Postgres's 65,535 bind parameters
    for (let start = 0; start < existing.length; start += 1000)
      await db
        .insertInto('users')
        .values(existing.slice(start, start + 1000))
        .execute();
    await insertUser(db, company, {
      email: 'member7000@example.com',
      external_id: 'theirs',
      managing_setup_id: otherSetup.setupId,
    });
  }, 120_000);
  afterAll(async () => scratch?.close());

  it('first run: adopts, creates, deletes; every member and removed user accounted for once', async () => {
    const { runId, retried, staged, removed, managedBefore } = await syncRun(
      scratch.db,
      policy,
      directory,
      new Date('2026-11-26T10:00:00Z'),
    );
    expect(retried).toEqual([true, true]);
    expect(staged).toBe(GROUP);
    expect(managedBefore).toBe(GROUP - 13 + 1000);
    expect(removed).toBe(1000);

    const expected = expectCounts({
      adopted: 5000,
      created: GROUP - 5000 - 13,
      skipped: 10,
      conflicts: 3,
      deleted: 1000,
    });
    expect(await runCounts(scratch.db, runId)).toEqual(expected);
    expect((await getRun(scratch.db, runId))?.counts).toEqual(expected);
    expect(await getRun(scratch.db, runId)).toMatchObject({ members_read: GROUP, pages_read: Math.ceil(GROUP / PAGE) });
    expect(await countManagedUsers(scratch.db, policy.setupId)).toBe(GROUP - 13);

    const audit = await scratch.db
      .selectFrom('sync_changes')
      .select(['action', (eb) => eb.fn.countAll<number>().as('n')])
      .where('run_id', '=', runId)
      .groupBy('action')
      .orderBy('action')
      .execute();
    expect(Object.fromEntries(audit.map((row) => [row.action, Number(row.n)]))).toEqual({
      adopt: 5000,
      create: GROUP - 5013,
      skip: 10,
      conflict: 3,
      delete: 1000,
    });

    const adopted = await scratch.db
      .selectFrom('users')
      .select(['email', 'external_id', 'job_title'])
      .where('email', '=', 'MEMBER1@example.com')
      .executeTakeFirstOrThrow();
    // a difference in case only is not worth a write (the planner compares emails case-insensitively)
    expect(adopted).toEqual({ email: 'MEMBER1@example.com', external_id: member(1).id, job_title: 'Engineer' });
  });

  it('second run over the same group: all unchanged, and no audit row for them', async () => {
    const { runId, removed } = await syncRun(scratch.db, policy, directory, new Date('2026-11-26T10:10:00Z'));
    expect(removed).toBe(0);
    expect(await runCounts(scratch.db, runId)).toEqual(
      expectCounts({ unchanged: GROUP - 13, skipped: 10, conflicts: 3 }),
    );
    expect(await scratch.db.selectFrom('sync_changes').select('id').where('run_id', '=', runId).execute()).toHaveLength(
      13,
    );
  });

  it('third run: changed attributes are updated, leavers deactivated for the grace period', async () => {
    const graced = { ...policy, removalGraceDays: 7 };
    const changed = directory
      .slice(0, GROUP - 200)
      .map((m, n) => (n >= 10_000 && n < 10_100 ? { ...m, jobTitle: 'Lead' } : m));
    const { runId } = await syncRun(scratch.db, graced, changed, new Date('2026-11-26T10:20:00Z'));
    expect(await runCounts(scratch.db, runId)).toEqual(
      expectCounts({ unchanged: GROUP - 13 - 200 - 100, updated: 100, skipped: 10, conflicts: 3, deactivated: 200 }),
    );
    const leaver = await scratch.db
      .selectFrom('users')
      .selectAll()
      .where('external_id', '=', member(GROUP - 1).id)
      .executeTakeFirstOrThrow();
    expect(leaver).toMatchObject({
      active: false,
      deactivated_at: new Date('2026-11-26T10:20:00Z'),
      deactivated_by_setup_id: policy.setupId,
    });
  });
});
