import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRun } from '../../src/db/repositories/sync-run-outcome.js';
import {
  changedUsersOutsideGroupDelta,
  recordMemberChanges,
  recordUserChanges,
  setPendingDelta,
} from '../../src/db/repositories/sync-delta.js';
import { clearStaging, stageMembers } from '../../src/db/repositories/sync-staging.js';
import { setRunMode } from '../../src/db/repositories/sync-runs.js';
import { applyRemovalChunks } from '../../src/engine/apply-chunks.js';
import type { SetupPolicy } from '../../src/sync/index.js';
import { insertUser, member, openScratchDb, seedCompany, seedSetup, startRun, type ScratchDb } from './fixtures.js';

/**
 * Non-member markers (migration 2026_12_01_240000_non_member_markers): what a successful run saw of the setup's
 * membership, written when it closes, and which changed users a delta run must still confirm with the directory.
 */
describe('non-member markers', () => {
  let scratch: ScratchDb;
  let company: { companyId: string; customerTypeId: string };

  beforeAll(async () => {
    scratch = await openScratchDb();
    company = await seedCompany(scratch.db);
  });
  afterAll(() => scratch?.close());

  /** A setup managing members 0..n-1 (linked by their Entra id), and another setup's user linked to member 99. */
  async function managing(n: number) {
    const policy = await seedSetup(scratch.db, company);
    const other = await seedSetup(scratch.db, company);
    for (let i = 0; i < n; i++)
      await insertUser(scratch.db, company, {
        external_id: member(i).id,
        managing_setup_id: policy.setupId,
        email: `m${i}-${policy.setupId}@example.com`,
      });
    await insertUser(scratch.db, company, { external_id: member(99).id, managing_setup_id: other.setupId });
    return { policy, other };
  }

  const marked = async (setupId: string) =>
    (
      await scratch.db
        .selectFrom('users')
        .select('external_id')
        .where('managing_setup_id', '=', setupId)
        .where('not_member_since', 'is not', null)
        .orderBy('external_id')
        .execute()
    ).map((r) => r.external_id);

  /** A run with these members staged (and a pending state to commit), through its removal phase (batches of 2). */
  async function run(
    policy: SetupPolicy,
    staged: number[],
    options: { dryRun?: boolean; removed?: number[]; added?: number[] } = {},
  ) {
    const runId = await startRun(scratch.db, policy, options);
    await stageMembers(
      scratch.db,
      runId,
      staged.map((n) => member(n)),
      0,
      { page: 1 },
    );
    await setPendingDelta(scratch.db, runId, { version: 1 });
    const mode = options.removed || options.added ? 'delta' : 'full';
    if (mode === 'delta') {
      await setRunMode(scratch.db, runId, 'delta');
      await recordMemberChanges(scratch.db, runId, [
        ...(options.added ?? []).map((n) => ({ externalId: member(n).id, change: 'added' as const })),
        ...(options.removed ?? []).map((n) => ({ externalId: member(n).id, change: 'removed' as const })),
      ]);
    }
    const removals = await applyRemovalChunks(
      {
        db: scratch.db,
        policy,
        runId,
        dryRun: options.dryRun ?? false,
        batchSize: 2,
        maxBatches: 100,
        now: new Date(),
        mode,
      },
      null,
    );
    expect(removals.done).toBe(true);
    return runId;
  }
  const fullRun = (policy: SetupPolicy, staged: number[], options: { dryRun?: boolean } = {}) =>
    run(policy, staged, options);

  it('a full run marks the managed users it did not read and clears those it read again as it succeeds', async () => {
    const { policy, other } = await managing(5);
    const runId = await fullRun({ ...policy, deleteRemoved: false }, [0, 1]);
    expect(await marked(policy.setupId)).toEqual([2, 3, 4].map((n) => member(n).id)); // kept, and marked
    expect(await marked(other.setupId)).toEqual([]); // another setup's user is none of this run's business
    await closeRun(scratch.db, runId, { status: 'succeeded', error: null });
    const state = await scratch.db
      .selectFrom('sync_delta_state')
      .select('non_members_marked')
      .where('setup_id', '=', policy.setupId)
      .executeTakeFirstOrThrow();
    expect(state.non_members_marked).toBe(true);

    // member 2 is read again, member 1 is not; the marker of 2 goes only when the run succeeds
    const again = await fullRun({ ...policy, deleteRemoved: false }, [0, 2]);
    expect(await marked(policy.setupId)).toEqual([1, 2, 3, 4].map((n) => member(n).id));
    await closeRun(scratch.db, again, { status: 'succeeded', error: null });
    expect(await marked(policy.setupId)).toEqual([1, 3, 4].map((n) => member(n).id));
    // a retried close finds the staging gone, and clears no more
    await clearStaging(scratch.db, again);
    await closeRun(scratch.db, again, { status: 'succeeded', error: null });
    expect(await marked(policy.setupId)).toEqual([1, 3, 4].map((n) => member(n).id));

    // deleteRemoved on: a removal deactivates (grace) and marks; a deleted user has no row left
    const graced = await fullRun({ ...policy, removalGraceDays: 7 }, [0]);
    await closeRun(scratch.db, graced, { status: 'succeeded', error: null });
    expect(await marked(policy.setupId)).toEqual([1, 2, 3, 4].map((n) => member(n).id));
  });

  it('a failed run clears nothing; a dry run marks nothing', async () => {
    const { policy } = await managing(3);
    await closeRun(scratch.db, await fullRun({ ...policy, deleteRemoved: false }, [0]), {
      status: 'succeeded',
      error: null,
    });
    const failed = await fullRun(policy, [0, 1, 2]);
    await closeRun(scratch.db, failed, { status: 'failed', error: 'boom' });
    expect(await marked(policy.setupId)).toEqual([member(1).id, member(2).id]);

    const { policy: fresh } = await managing(3);
    const dry = await fullRun({ ...fresh, deleteRemoved: false }, [0], { dryRun: true });
    await closeRun(scratch.db, dry, { status: 'succeeded', error: null });
    expect(await marked(fresh.setupId)).toEqual([]);
  });

  it('a delta run marks its confirmed departures and clears the members it staged', async () => {
    const { policy } = await managing(4);
    const kept = { ...policy, deleteRemoved: false };
    await closeRun(scratch.db, await fullRun(kept, [0, 1, 2]), { status: 'succeeded', error: null });
    expect(await marked(policy.setupId)).toEqual([member(3).id]);
    const runId = await run(kept, [3], { added: [3], removed: [1] }); // member 3 rejoined, member 1 left
    await closeRun(scratch.db, runId, { status: 'succeeded', error: null });
    // member 2, neither mentioned nor staged, keeps what the full run saw: a member
    expect(await marked(policy.setupId)).toEqual([member(1).id]);
  });

  it('a delta run asks about unmanaged and marked users only, and about every managed one while markers are incomplete', async () => {
    const { policy } = await managing(3);
    await closeRun(scratch.db, await fullRun({ ...policy, deleteRemoved: false }, [0, 1]), {
      status: 'succeeded',
      error: null,
    }); // marks 2
    const runId = await startRun(scratch.db, policy);
    await recordUserChanges(
      scratch.db,
      runId,
      [0, 2, 50, 51].map((n) => ({
        externalId: member(n).id,
        data: member(n, n === 51 ? { accountEnabled: false } : {}),
        removedReason: null,
      })),
    );
    const changed = () => changedUsersOutsideGroupDelta(scratch.db, { runId, setupId: policy.setupId });
    // 0: a known member (left out); 2: marked; 50: not managed; 51: not managed and disabled (left out)
    expect(await changed()).toEqual([
      { externalId: member(2).id, managed: true },
      { externalId: member(50).id, managed: false },
    ]);
    await scratch.db
      .updateTable('sync_delta_state')
      .set({ non_members_marked: false })
      .where('setup_id', '=', policy.setupId)
      .execute();
    expect(await changed()).toEqual([
      { externalId: member(0).id, managed: true },
      { externalId: member(2).id, managed: true },
      { externalId: member(50).id, managed: false },
    ]);
  });
});
