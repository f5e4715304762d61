import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { DirectoryUser } from '../../sync/types.js';
import { settledMembers, type SettleScope } from './sync-settled.js';

/**
 * A run's directory members, staged in Postgres page by page so that neither Temporal history nor a worker's
 * memory ever holds the whole group. Planning then reads them back in keyset chunks.
 */

export interface StagedPage {
  /** Rows written (inserted or overwritten): the page's distinct members. */
  staged: number;
  /** Of those, members not staged before in this run. */
  added: number;
}

/**
 * Stages one page in one statement. The page travels as a single jsonb parameter, so the statement never
 * approaches Postgres's bind-parameter limit whatever the page size. A member staged before (a retried page,
 * Graph replaying it on a later page) is overwritten: its data is the freshest read, its ordinal stays the
 * first. Within the page a repeated member counts once, last read winning, as in distinctMembers.
 *
 * With `settle` (a run that may skip settled members, sync-settled.ts) the page's members are first told apart:
 * a settled one is staged without its data — only its id and digest, which the removals and the counts need —
 * so a run that changes nothing writes a narrow row per member and the apply reads nothing more of it.
 *
 * The run's members_read grows by the members new to the run, in the same statement, so it stays equal to
 * countStaged under retries; pages_read only ever rises to `page`, so a replayed page does not count twice.
 */
export async function stageMembers(
  db: Db,
  runId: string,
  members: readonly DirectoryUser[],
  startOrdinal: number,
  options: { page?: number; settle?: Omit<SettleScope, 'runId'> } = {},
): Promise<StagedPage> {
  // Within the page a repeated member counts once: the last read's data at the first read's position.
  const rows = new Map<string, { ordinal: number; json: string; dataHash: string }>();
  members.forEach((member, position) => {
    // serialised once: hashed here, and sent as it is inside the page's parameter
    const json = JSON.stringify(member);
    rows.set(member.id, {
      ordinal: rows.get(member.id)?.ordinal ?? startOrdinal + position,
      json,
      dataHash: memberDataHash(json),
    });
  });
  const settled = options.settle
    ? await settledMembers(
        db,
        options.settle,
        [...rows].map(([externalId, row]) => ({ externalId, dataHash: row.dataHash })),
      )
    : new Set<string>();
  const page = [...rows]
    .map(([externalId, row]) => {
      const isSettled = settled.has(externalId);
      return `{"external_id":${JSON.stringify(externalId)},"ordinal":${row.ordinal},"data_hash":"${row.dataHash}","settled":${isSettled},"data":${isSettled ? 'null' : row.json}}`;
    })
    .join(',');
  // `xmax = 0` marks a row this statement inserted rather than overwrote: the members new to the run, counted
  // without joining the page against the run's staging (which grows with the group).
  const result = await sql<StagedPage>`
    with written as (
      insert into sync_run_members (run_id, external_id, ordinal, data, data_hash, settled)
      select ${runId}::uuid, external_id, ordinal, data, data_hash, settled
      from jsonb_to_recordset(${`[${page}]`}::jsonb)
        as page(external_id text, ordinal int, data jsonb, data_hash text, settled boolean)
      on conflict (run_id, external_id) do update
        set data = excluded.data, data_hash = excluded.data_hash, settled = excluded.settled
      returning (xmax = 0) as inserted
    ),
    tally as (
      select count(*)::int as staged, (count(*) filter (where inserted))::int as added from written
    ),
    progress as (
      update sync_runs
      set members_read = members_read + (select added from tally),
          pages_read = greatest(pages_read, ${options.page ?? 0}::int)
      where id = ${runId}::uuid
      returning 1
    )
    select staged, added from tally`.execute(db);
  return result.rows[0] ?? { staged: 0, added: 0 };
}

/**
 * The digest settled members are recognised by (sync-settled.ts): of the member as the provider's mapper built it.
 * Made here rather than in SQL so Postgres never renders 100,000 jsonb values as text to hash them; it only has
 * to be the same for the same member, which the mapper's fixed construction gives (a member whose digest differs
 * after all is merely planned again).
 */
function memberDataHash(json: string): string {
  return createHash('md5').update(json).digest('hex');
}

export async function countStaged(db: Db, runId: string): Promise<number> {
  const row = await db
    .selectFrom('sync_run_members')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** One chunk of staged members, as the apply reads it. */
export interface StagedChunk {
  /** The members to plan, in external-id order: those staged with their data (not settled). */
  members: DirectoryUser[];
  /** Members of the chunk staged as settled: counted unchanged, never planned. */
  settled: number;
  /** The chunk's last external id (settled or not): the cursor after it; null when the chunk is empty. */
  lastKey: string | null;
}

/**
 * The next `limit` staged members after `afterExternalId` (null: from the start), in external_id order, up to
 * and including `upToExternalId` when given (the end of one partition of a parallel apply).
 */
export async function readStagedChunk(
  db: Db,
  runId: string,
  page: { afterExternalId: string | null; limit: number; upToExternalId?: string | null },
): Promise<StagedChunk> {
  const rows = await db
    .selectFrom('sync_run_members')
    .select(['external_id', 'data'])
    .where('run_id', '=', runId)
    .$if(page.afterExternalId !== null, (qb) => qb.where('external_id', '>', page.afterExternalId as string))
    .$if(page.upToExternalId != null, (qb) => qb.where('external_id', '<=', page.upToExternalId as string))
    .orderBy('external_id')
    .limit(page.limit)
    .execute();
  const members = rows.flatMap((row) => (row.data ? [row.data] : []));
  return { members, settled: rows.length - members.length, lastKey: rows.at(-1)?.external_id ?? null };
}

/** Drops the run's staging once the run no longer needs it; returns how many members it held. */
export async function clearStaging(db: Db, runId: string): Promise<number> {
  const result = await db.deleteFrom('sync_run_members').where('run_id', '=', runId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Refreshes the planner's statistics of the staging table once a read is complete. It grows from nothing to
 * the whole group within one run, faster than autovacuum notices; without fresh statistics the removal
 * query's anti-join over 100,000 managed users was planned as a nested loop and took over a minute.
 */
export async function analyzeStaging(db: Db, staged: number): Promise<void> {
  // A small read is planned well on any statistics, and ANALYZE of one table waits for every other ANALYZE of it:
  // many small runs finishing their reads together would queue behind each other's (the many-setups bench).
  if (staged < analyzeFromRows) return;
  await sql`analyze sync_run_members`.execute(db);
}

/** Runs that stage (or write) fewer rows than this skip the ANALYZE of staging (or of users). */
export const analyzeFromRows = 10_000;

/** The same after a run wrote many users: fresh statistics for the next run's candidate and removal queries. */
export async function analyzeUsers(db: Db): Promise<void> {
  await sql`analyze users`.execute(db);
}

/**
 * Splits the staged members into `parts` contiguous external_id ranges of about equal size: the last id of
 * each range but the last (the last range is open-ended). Deterministic for a run, so a retried activity
 * computes the same partitions. One index probe per boundary (an offset into the primary key), not a window over
 * every staged row.
 */
export async function stagedPartitionEnds(db: Db, runId: string, parts: number, staged: number): Promise<string[]> {
  const ends: string[] = [];
  for (let part = 1; part < parts; part++) {
    const row = await db
      .selectFrom('sync_run_members')
      .select('external_id')
      .where('run_id', '=', runId)
      .orderBy('external_id')
      .offset(Math.max(0, Math.floor((staged * part) / parts) - 1))
      .limit(1)
      .executeTakeFirst();
    if (row && row.external_id !== ends.at(-1)) ends.push(row.external_id);
  }
  return ends;
}
