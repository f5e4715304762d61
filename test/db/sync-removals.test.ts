import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRemoved, readRemovedChunk, removedChunkQuery } from '../../src/db/repositories/sync-removals.js';
import { stageMembers } from '../../src/db/repositories/sync-staging.js';
import { countPendingRemovals } from '../../src/engine/pending-removals.js';
import type { ProductUser, SetupPolicy } from '../../src/sync/index.js';
import { insertUser, member, openScratchDb, seedCompany, seedSetup, startRun, type ScratchDb } from './fixtures.js';

describe('sync removals', () => {
  let scratch: ScratchDb;
  let setup: SetupPolicy;
  let runId: string;
  const removed: string[] = [];

  beforeAll(async () => {
    scratch = await openScratchDb();
    const { db } = scratch;
    const company = await seedCompany(db);
    setup = await seedSetup(db, company);
    const otherSetup = await seedSetup(db, company);
    runId = await startRun(db, setup);
    await stageMembers(db, runId, [member(1), member(2)], 0);

    // still members: not removed
    for (const n of [1, 2])
      await insertUser(db, company, { external_id: member(n).id, managing_setup_id: setup.setupId });
    // managed by this setup and no longer staged: removed (also the one without a link, and an inactive one)
    for (const n of [3, 4, 5])
      removed.push(
        await insertUser(db, company, { external_id: member(n).id, managing_setup_id: setup.setupId, active: n !== 5 }),
      );
    removed.push(await insertUser(db, company, { managing_setup_id: setup.setupId }));
    // not this setup's: never removed
    await insertUser(db, company, { external_id: member(6).id, managing_setup_id: otherSetup.setupId });
    await insertUser(db, company, { external_id: member(7).id });
    // staged in another run of the setup does not count for this one
    const otherRun = await startRun(db, otherSetup);
    await stageMembers(db, otherRun, [member(3)], 0);
  });
  afterAll(async () => scratch?.close());

  it('reads the managed users missing from the staging, in keyset chunks by id', async () => {
    const seen: ProductUser[] = [];
    let after: string | null = null;
    for (;;) {
      const chunk: ProductUser[] = await readRemovedChunk(scratch.db, {
        setupId: setup.setupId,
        runId,
        afterUserId: after,
        limit: 3,
      });
      if (chunk.length === 0) break;
      seen.push(...chunk);
      after = chunk[chunk.length - 1]!.id;
    }
    expect(seen.map((u) => u.id)).toEqual([...removed].sort());
    expect(seen.every((u) => u.managingSetupId === setup.setupId)).toBe(true);
    expect(seen.find((u) => u.externalId === member(5).id)?.active).toBe(false);
    expect(await countRemoved(scratch.db, setup.setupId, runId)).toBe(4);
  });

  it('runs on the setup index and the staging primary key', async () => {
    const plan = await scratch.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const rows = await removedChunkQuery(trx, {
        setupId: setup.setupId,
        runId,
        afterUserId: removed[0]!,
        limit: 500,
      }).explain();
      return rows.map((row) => String(row['QUERY PLAN'])).join('\n');
    });
    expect(plan).toContain('users_managed_by_setup');
    expect(plan).toContain('sync_run_members_pkey');
  });
  it('counts the removal candidates beside the removals when it reads them (deleteRemoved), and only then', async () => {
    // member 5's user was deactivated yesterday: in its 30-day grace it is a candidate the planner keeps for now
    await scratch.db
      .updateTable('users')
      .set({ deactivated_at: new Date(Date.now() - 86_400_000), deactivated_by_setup_id: setup.setupId })
      .where('external_id', '=', member(5).id)
      .execute();
    const scope = { runId, mode: 'full' as const, now: new Date(), batchSize: 3 };
    const removing = { ...setup, deleteRemoved: true, removalGraceDays: 30 };
    expect(await countPendingRemovals(scratch.db, { ...scope, policy: removing })).toEqual({
      removals: 3,
      candidates: 4,
    });
    expect(await countPendingRemovals(scratch.db, { ...scope, policy: { ...removing, deleteRemoved: false } })).toEqual(
      {
        removals: 0,
      },
    );
    // a run whose read holds every managed user has none
    const fullRun = randomUUID(); // staging needs no run row (one run per setup is active at a time)
    await stageMembers(
      scratch.db,
      fullRun,
      [1, 2, 3, 4, 5].map((n) => member(n)),
      0,
    );
    await scratch.db
      .deleteFrom('users')
      .where('managing_setup_id', '=', setup.setupId)
      .where('external_id', 'is', null)
      .execute();
    expect(await countPendingRemovals(scratch.db, { ...scope, runId: fullRun, policy: removing })).toEqual({
      removals: 0,
      candidates: 0,
    });
  });
});
