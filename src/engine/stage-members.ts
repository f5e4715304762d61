import type { Client } from '@microsoft/microsoft-graph-client';
import type { Db } from '../db/database.js';
import { stageMembers } from '../db/repositories/sync-staging.js';
import { about } from '../graph/errors.js';
import { pageGroupUsers } from '../graph/members.js';

/** Where paging stands: stored in the activity's heartbeat, so a retried activity resumes instead of restarting. */
export interface PagingCursor {
  nextLink: string | null;
  pages: number;
  ordinal: number;
  /** `@odata.count` from the first page: the total, for progress. */
  expected?: number;
}

/**
 * Pages the group's transitive user members from Graph into the run's staging table, one page (≤ 999 members)
 * in memory at a time. After each page is written, `onPage` records the cursor; if the process dies, the next
 * attempt starts from the last recorded nextLink, and re-staging a page it had already written is harmless.
 */
export async function stageGroupMembers(input: {
  db: Db;
  client: Client;
  groupId: string;
  runId: string;
  pageSize: number;
  resume?: PagingCursor;
  onPage: (cursor: PagingCursor) => void | Promise<void>;
}): Promise<PagingCursor> {
  const cursor: PagingCursor = input.resume ?? { nextLink: null, pages: 0, ordinal: 0 };
  if (input.resume && input.resume.nextLink === null && input.resume.pages > 0) return cursor; // already finished
  const pages = pageGroupUsers(input.client, input.groupId, {
    top: input.pageSize,
    cursor: input.resume?.nextLink ?? undefined,
  });
  try {
    // The next page is requested while this one is written: Graph's paging and Postgres's writing overlap.
    for await (const page of prefetching(pages)) {
      cursor.pages += 1;
      await stageMembers(input.db, input.runId, page.users, cursor.ordinal, { page: cursor.pages });
      cursor.ordinal += page.users.length;
      cursor.nextLink = page.nextLink;
      if (page.count !== undefined) cursor.expected = page.count;
      await input.onPage({ ...cursor });
    }
  } catch (err) {
    throw about(err, 'group'); // /groups/{id}/transitiveMembers: a 404 is the group itself
  }
  cursor.nextLink = null;
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
