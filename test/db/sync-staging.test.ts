import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearStaging, countStaged, readStagedChunk, stageMembers } from '../../src/db/repositories/sync-staging.js';
import { getRun } from '../../src/db/repositories/sync-runs.js';
import type { DirectoryUser } from '../../src/sync/index.js';
import { member, openScratchDb, seedCompany, seedSetup, startRun, type ScratchDb } from './fixtures.js';

describe('sync staging', () => {
  let scratch: ScratchDb;
  let runId: string;

  beforeAll(async () => {
    scratch = await openScratchDb();
    const policy = await seedSetup(scratch.db, await seedCompany(scratch.db));
    runId = await startRun(scratch.db, policy);
  });
  afterAll(async () => scratch?.close());

  const ordinals = async () =>
    new Map(
      (
        await scratch.db
          .selectFrom('sync_run_members')
          .select(['external_id', 'ordinal'])
          .where('run_id', '=', runId)
          .execute()
      ).map((r) => [r.external_id, r.ordinal]),
    );

  it('stages pages; a replayed page or member overwrites instead of duplicating, and counters stay exact', async () => {
    const page1 = [1, 2, 3, 4, 5].map((n) => member(n));
    expect(await stageMembers(scratch.db, runId, page1, 0, { page: 1 })).toEqual({ staged: 5, added: 5 });

    // Graph replays member 3 on page 2 with a new job title
    const page2 = [member(3, { jobTitle: 'Manager' }), member(6), member(7)];
    expect(await stageMembers(scratch.db, runId, page2, 5, { page: 2 })).toEqual({ staged: 3, added: 2 });

    // a retried activity stages page 2 again
    expect(await stageMembers(scratch.db, runId, page2, 5, { page: 2 })).toEqual({ staged: 3, added: 0 });

    expect(await countStaged(scratch.db, runId)).toBe(7);
    const run = await getRun(scratch.db, runId);
    expect(run).toMatchObject({ members_read: 7, pages_read: 2 });

    const { members: all } = await readStagedChunk(scratch.db, runId, { afterExternalId: null, limit: 100 });
    expect(all.find((m) => m.id === member(3).id)?.jobTitle).toBe('Manager');
    // the first position is kept, so reports follow Graph's order
    const positions = await ordinals();
    expect(positions.get(member(3).id)).toBe(2);
    expect(positions.get(member(6).id)).toBe(6);
  });

  it('counts a member repeated within one page once, the last read winning', async () => {
    const page: DirectoryUser[] = [member(8, { department: 'old' }), member(9), member(8, { department: 'new' })];
    expect(await stageMembers(scratch.db, runId, page, 100, { page: 3 })).toEqual({ staged: 2, added: 2 });
    const {
      members: [staged],
    } = await readStagedChunk(scratch.db, runId, { afterExternalId: member(7).id, limit: 1 });
    expect(staged).toEqual(member(8, { department: 'new' }));
    expect((await ordinals()).get(member(8).id)).toBe(100);
    expect(await getRun(scratch.db, runId)).toMatchObject({ members_read: 9, pages_read: 3 });
  });

  it('reads keyset chunks in external id order, each member exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const chunk: DirectoryUser[] = (await readStagedChunk(scratch.db, runId, { afterExternalId: after, limit: 2 }))
        .members;
      if (chunk.length === 0) break;
      expect(chunk.length).toBeLessThanOrEqual(2);
      seen.push(...chunk.map((m) => m.id));
      after = chunk[chunk.length - 1]!.id;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => member(n).id));
    expect(seen).toEqual([...seen].sort());
  });

  it('stages a large page as one statement, far beyond the bind-parameter limit', async () => {
    const other = await startRun(scratch.db, await seedSetup(scratch.db, await seedCompany(scratch.db)));
    const page = Array.from({ length: 20_000 }, (_, i) => member(i));
    expect(await stageMembers(scratch.db, other, page, 0)).toEqual({ staged: 20_000, added: 20_000 });
    expect(await countStaged(scratch.db, other)).toBe(20_000);
    expect(await clearStaging(scratch.db, other)).toBe(20_000);
    expect(await countStaged(scratch.db, other)).toBe(0);
  });

  it('an empty page stages nothing and still records the page', async () => {
    const before = await getRun(scratch.db, runId);
    expect(await stageMembers(scratch.db, runId, [], 200, { page: 4 })).toEqual({ staged: 0, added: 0 });
    expect(await getRun(scratch.db, runId)).toMatchObject({ members_read: before?.members_read, pages_read: 4 });
  });

  it('clears one run without touching another', async () => {
    const other = await startRun(scratch.db, await seedSetup(scratch.db, await seedCompany(scratch.db)));
    await stageMembers(scratch.db, other, [member(1)], 0);
    expect(await clearStaging(scratch.db, runId)).toBe(9);
    expect(await countStaged(scratch.db, runId)).toBe(0);
    expect(await countStaged(scratch.db, other)).toBe(1);
  });
});
