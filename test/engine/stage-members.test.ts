/**
 * The read into staging (src/engine/stage-members.ts) overlaps fetching, preparing and writing pages; what must
 * not change with that: pages are written in order (a member repeated later keeps its later read), a cursor is
 * recorded only once every page up to it is written, and a read that fails keeps the pages it wrote.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { markRun } from '../../src/db/repositories/sync-runs.js';
import { countStaged, readStagedChunk } from '../../src/db/repositories/sync-staging.js';
import type { DirectoryProvider, MemberPage, MemberScope } from '../../src/directory/provider.js';
import { stageGroupMembers, type PagingCursor } from '../../src/engine/stage-members.js';
import type { DirectoryUser } from '../../src/sync/index.js';
import { member, openScratchDb, seedCompany, seedSetup, startRun, type ScratchDb } from '../db/fixtures.js';

/** A provider that serves `pages` (a page that is an Error fails the read there), each after `delayMs`. */
function pagedProvider(pages: (DirectoryUser[] | Error)[], delayMs = 5): DirectoryProvider {
  return {
    kind: 'azure',
    async *pageMembers(_scope: MemberScope, options: { pageSize: number; resume?: string | null }) {
      for (let i = Number(options.resume ?? 0); i < pages.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const page = pages[i]!;
        if (page instanceof Error) throw page;
        yield { users: page, next: i + 1 < pages.length ? String(i + 1) : null } satisfies MemberPage;
      }
    },
  } as unknown as DirectoryProvider;
}

describe('stageGroupMembers', () => {
  let scratch: ScratchDb;
  let runId: string;
  let policy: Awaited<ReturnType<typeof seedSetup>>;

  beforeAll(async () => {
    scratch = await openScratchDb();
    policy = await seedSetup(scratch.db, await seedCompany(scratch.db));
  });
  afterAll(() => scratch.close());
  // one active run per setup: each test's run is closed after it
  afterEach(() => markRun(scratch.db, runId, { status: 'succeeded', finishedAt: new Date() }));

  /** The current run's read of `pages` (30 members each). */
  const stage = (
    pages: (DirectoryUser[] | Error)[],
    options: Pick<Parameters<typeof stageGroupMembers>[0], 'onPage' | 'resume'>,
  ) =>
    stageGroupMembers({
      db: scratch.db,
      provider: pagedProvider(pages, 1),
      scope: { groupId: 'g' },
      runId,
      pageSize: 30,
      ...options,
    });

  const pageOf = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => member(from + i));

  it('writes pages in order and records each cursor only once its pages are in staging', async () => {
    runId = await startRun(scratch.db, policy);
    const replayed = { ...member(3), jobTitle: 'read again on the last page' };
    const pages = [pageOf(0, 40), pageOf(40, 80), [...pageOf(80, 100), replayed]];
    const recorded: { cursor: PagingCursor; staged: number }[] = [];
    const cursor = await stageGroupMembers({
      db: scratch.db,
      provider: pagedProvider(pages),
      scope: { groupId: 'g' },
      runId,
      pageSize: 40,
      progressOf: (c) => ({ phase: 'reading', pagesRead: c.pages }),
      onPage: async (c) => {
        recorded.push({ cursor: c, staged: await countStaged(scratch.db, runId) });
      },
    });
    expect(cursor).toMatchObject({ next: null, pages: 3, ordinal: 101 });
    expect(recorded.map((r) => [r.cursor.pages, r.cursor.next, r.staged])).toEqual([
      [1, '1', 40],
      [2, '2', 80],
      [3, null, 100],
    ]);
    const { members } = await readStagedChunk(scratch.db, runId, { afterExternalId: null, limit: 200 });
    expect(members.find((m) => m.id === replayed.id)).toEqual(replayed);
    const run = await sql<{ progress: { pagesRead: number }; members_read: number; pages_read: number }>`
      select progress, members_read, pages_read from sync_runs where id = ${runId}::uuid`.execute(scratch.db);
    expect(run.rows[0]).toMatchObject({ members_read: 100, pages_read: 3, progress: { pagesRead: 3 } });
  });

  it('a read that fails keeps the pages written before it, and a retry resumes after the last recorded one', async () => {
    runId = await startRun(scratch.db, policy);
    const pages = [pageOf(0, 30), pageOf(30, 60), new Error('Graph went away'), pageOf(90, 120)];
    let last: PagingCursor | undefined;
    await expect(stage(pages, { onPage: (c) => void (last = c) })).rejects.toThrow('Graph went away');
    expect(last).toMatchObject({ pages: 2, next: '2', ordinal: 60 });
    expect(await countStaged(scratch.db, runId)).toBe(60);
    pages[2] = pageOf(60, 90);
    const cursor = await stage(pages, { resume: last, onPage: () => {} });
    expect(cursor).toMatchObject({ next: null, pages: 4, ordinal: 120 });
    expect(await countStaged(scratch.db, runId)).toBe(120);
  });

  it('a failed write stops the read: no cursor after it is recorded', async () => {
    runId = await startRun(scratch.db, policy);
    const bad = { ...member(45), displayName: 'nul \u0000 byte' }; // Postgres refuses \u0000 in jsonb text
    const pages = [pageOf(0, 30), [...pageOf(30, 45), bad], pageOf(60, 90)];
    const recorded: number[] = [];
    await expect(stage(pages, { onPage: (c) => void recorded.push(c.pages) })).rejects.toThrow();
    expect(recorded).toEqual([1]);
    expect(await countStaged(scratch.db, runId)).toBe(30);
  });
});
