import type { Db } from '../db/database.js';
import { stageMembers } from '../db/repositories/sync-staging.js';
import type { SettleScope } from '../db/repositories/sync-settled.js';
import type { DirectoryProvider, MemberScope } from '../directory/provider.js';

/** Where paging stands: stored in the activity's heartbeat, so a retried activity resumes instead of restarting. */
export interface PagingCursor {
  /** The provider's resume point after the last staged page (null: from the start, or the read is complete). */
  next: string | null;
  pages: number;
  ordinal: number;
  /** The total the directory announced on its first page, for progress. */
  expected?: number;
}

/**
 * Pages the scope's members from the directory into the run's staging table, one page in memory at a time. After
 * each page is written, `onPage` records the cursor; if the process dies, the next attempt resumes from the last
 * recorded `next`, and re-staging a page it had already written is harmless.
 */
export async function stageGroupMembers(input: {
  db: Db;
  provider: DirectoryProvider;
  scope: MemberScope;
  /** Tell settled members apart as they are staged (sync-settled.ts); none: stage every member with its data. */
  settle?: Omit<SettleScope, 'runId'>;
  runId: string;
  pageSize: number;
  resume?: PagingCursor;
  onPage: (cursor: PagingCursor) => void | Promise<void>;
}): Promise<PagingCursor> {
  const cursor: PagingCursor = input.resume ?? { next: null, pages: 0, ordinal: 0 };
  if (input.resume && input.resume.next === null && input.resume.pages > 0) return cursor; // already finished
  const pages = input.provider.pageMembers(input.scope, { pageSize: input.pageSize, resume: input.resume?.next });
  // The next page is requested while this one is written: the directory's paging and Postgres's writing overlap.
  for await (const page of prefetching(pages)) {
    cursor.pages += 1;
    await stageMembers(input.db, input.runId, page.users, cursor.ordinal, { page: cursor.pages, settle: input.settle });
    cursor.ordinal += page.users.length;
    cursor.next = page.next;
    if (page.count !== undefined) cursor.expected = page.count;
    await input.onPage({ ...cursor });
  }
  cursor.next = null;
  return cursor;
}

/** Iterates `source` one item ahead: the next item is being fetched while the caller works on this one. */
async function* prefetching<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = iterator.next();
      next.catch(() => {}); // surfaced when awaited; not an unhandled rejection meanwhile
      yield current.value;
    }
  } finally {
    await iterator.return?.();
  }
}
