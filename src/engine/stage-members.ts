import type { Db } from '../db/database.js';
import { prepareStagedPage, settledOfPage, writeStagedPage } from '../db/repositories/sync-staging.js';
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
 * Pages the scope's members from the directory into the run's staging table, one page in memory at a time (and
 * the next one being prepared). After each page is written, `onPage` records the cursor; if the process dies, the
 * next attempt resumes from the last recorded `next`, and re-staging a page it had already written is harmless.
 *
 * Three things overlap: the directory sends page N+1 while page N is prepared (digested, serialised) and its
 * settled members are looked up, while page N-1 is written. The writes themselves stay one after another, in
 * page order, so a member Graph repeats on a later page keeps the later read, and every recorded cursor has all
 * pages before it written. The run's progress (`progressOf`) is written by the page's own statement.
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
  /** What the run's progress says once a page is written. */
  progressOf?: (cursor: PagingCursor) => Record<string, unknown>;
  onPage: (cursor: PagingCursor) => void | Promise<void>;
}): Promise<PagingCursor> {
  const cursor: PagingCursor = input.resume ?? { next: null, pages: 0, ordinal: 0 };
  if (input.resume && input.resume.next === null && input.resume.pages > 0) return cursor; // already finished
  const pages = input.provider.pageMembers(input.scope, { pageSize: input.pageSize, resume: input.resume?.next });
  let writing: Promise<void> = Promise.resolve();
  try {
    for await (const page of prefetching(pages)) {
      // `users` of a digested page would map every member: only the digested ones are looked at
      const members = page.digested ?? page.users;
      const prepared = prepareStagedPage(members, cursor.ordinal);
      const settled = quiet(settledOfPage(input.db, prepared, input.settle));
      cursor.pages += 1;
      cursor.ordinal += members.length;
      cursor.next = page.next;
      if (page.count !== undefined) cursor.expected = page.count;
      const written = { ...cursor };
      await writing; // the page before is written (and its cursor recorded) before this one starts
      writing = quiet(
        (async () => {
          await writeStagedPage(input.db, input.runId, prepared, {
            page: written.pages,
            settled: await settled,
            progress: input.progressOf?.(written),
          });
          await input.onPage(written);
        })(),
      );
    }
  } finally {
    // a failed read still records the pages it wrote, so the retry resumes after them
    await writing.catch(() => {});
  }
  await writing;
  cursor.next = null;
  return cursor;
}

/** `promise`, marked handled: its failure surfaces where it is awaited, not as an unhandled rejection meanwhile. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** Iterates `source` one item ahead: the next item is being fetched while the caller works on this one. */
async function* prefetching<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = quiet(iterator.next());
      // Let the next request leave before the caller's synchronous work on this item: the Graph client's
      // middleware reaches the socket over several turns of the event loop, and a request held back behind 10 ms
      // of digesting is a directory that starts its page 10 ms late, every page.
      await new Promise((resolve) => setImmediate(resolve));
      yield current.value;
    }
  } finally {
    await iterator.return?.();
  }
}
