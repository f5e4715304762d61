import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { DirectoryUser } from '../../sync/types.js';
import type { DigestedMember } from '../../sync/directory-user.js';
import { settledMembers, type SettleScope } from './sync-settled.js';
// Mapping a member staged as its directory sent it back is the read-back's own step; the mappers stay with the
// providers (one line per format there), and nothing here knows a directory's shape.
import { mapStagedSource } from '../../directory/staged-sources.js';

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

/** A page made ready for staging: each distinct member with its ordinal, digest and (on demand) its data as JSON. */
export interface PreparedPage {
  rows: Map<string, PreparedRow>;
}

export interface PreparedRow {
  ordinal: number;
  dataHash: string;
  /** The mapped member's JSON, or the digested member, staged as its source or mapped if staged with its data. */
  data: string | DigestedMember;
  /** The mapped member's `enabled` (null for a digested one: it says so itself). */
  enabled: boolean | null;
}

/**
 * Makes a page ready to stage, without the database: the CPU part of staging, which the caller may do while the
 * page before is still being written. Within the page a repeated member counts once: the last read's data at
 * the first read's position. Members the provider digested (MemberPage.digested) keep its digest and are mapped
 * only if they are staged with their data; mapped users are serialised once, digested here and sent as they are.
 */
export function prepareStagedPage(
  members: readonly DirectoryUser[] | readonly DigestedMember[],
  startOrdinal: number,
): PreparedPage {
  const rows: PreparedPage['rows'] = new Map();
  members.forEach((member, position) => {
    const ordinal = rows.get(member.id)?.ordinal ?? startOrdinal + position;
    if (isDigested(member)) {
      rows.set(member.id, { ordinal, dataHash: member.digest, data: member, enabled: null });
    } else {
      const json = JSON.stringify(member);
      rows.set(member.id, { ordinal, dataHash: memberDataHash(json), data: json, enabled: member.enabled });
    }
  });
  return { rows };
}

function isDigested(member: DirectoryUser | DigestedMember): member is DigestedMember {
  return typeof (member as DigestedMember).user === 'function';
}

/**
 * Stages one prepared page in one statement. The page travels as a single parameter (its JSON, PageBytes), so the
 * statement never approaches Postgres's bind-parameter limit whatever the page size. A member staged before (a
 * retried page, Graph replaying it on a later page) is overwritten: its data is the freshest read, its ordinal
 * stays the first.
 *
 * With `settle` (a run that may skip settled members, sync-settled.ts) the page's members are first told apart:
 * a settled one is staged without its data — only its id and digest, which the removals and the counts need —
 * so a run that changes nothing writes a narrow row per member and the apply reads nothing more of it.
 *
 * The run's members_read grows by the members new to the run, in the same statement, so it stays equal to
 * countStaged under retries; pages_read only ever rises to `page`, so a replayed page does not count twice.
 */
export async function writeStagedPage(
  db: Db,
  runId: string,
  prepared: PreparedPage,
  options: {
    page?: number;
    /** The page's settled members (settledOfPage): staged without their data. */
    settled?: ReadonlySet<string>;
    /** Merged into the run's progress in the same statement (sync-runs.ts updateProgress). */
    progress?: Record<string, unknown>;
  } = {},
): Promise<StagedPage> {
  const { rows } = prepared;
  const settled = options.settled ?? new Set<string>();
  const page = new PageBytes();
  page.text('[');
  let first = true;
  for (const [externalId, row] of rows) {
    if (!first) page.text(',');
    first = false;
    addStagedRow(page, externalId, row, settled.has(externalId));
  }
  page.text(']');
  // `xmax = 0` marks a row this statement inserted rather than overwrote: the members new to the run, counted
  // without joining the page against the run's staging (which grows with the group).
  const result = await sql<StagedPage>`
    with written as (
      insert into sync_run_members (run_id, external_id, ordinal, data, source, source_format, enabled, data_hash, settled)
      select ${runId}::uuid, external_id, ordinal, data, source, source_format, enabled, data_hash, settled
      from json_to_recordset(convert_from(${page.bytes()}, 'UTF8')::json)
        as page(external_id text, ordinal int, data jsonb, source json, source_format text, enabled boolean, data_hash text, settled boolean)
      on conflict (run_id, external_id) do update
        set data = excluded.data, source = excluded.source, source_format = excluded.source_format,
          enabled = excluded.enabled, data_hash = excluded.data_hash, settled = excluded.settled
      returning (xmax = 0) as inserted
    ),
    tally as (
      select count(*)::int as staged, (count(*) filter (where inserted))::int as added from written
    ),
    progress as (
      update sync_runs
      set members_read = members_read + (select added from tally),
          pages_read = greatest(pages_read, ${options.page ?? 0}::int),
          progress = progress || ${JSON.stringify(options.progress ?? {})}::jsonb
      where id = ${runId}::uuid
      returning 1
    )
    select staged, added from tally`.execute(db);
  return result.rows[0] ?? { staged: 0, added: 0 };
}

/**
 * A page's JSON as UTF-8 bytes, sent as one bytea parameter: a member staged as its directory sent it is copied
 * in as the bytes it came as, never decoded into a string and encoded again (100,000 users are ~110 MB of text
 * for the worker to make and collect). Postgres checks the whole is UTF-8 (convert_from) and JSON (::json).
 */
class PageBytes {
  private readonly parts: Uint8Array[] = [];
  private pending = '';

  text(text: string): void {
    this.pending += text;
  }

  raw(bytes: Uint8Array): void {
    this.flush();
    this.parts.push(bytes);
  }

  bytes(): Buffer {
    this.flush();
    return Buffer.concat(this.parts);
  }

  private flush(): void {
    if (this.pending === '') return;
    this.parts.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }
}

/**
 * One row of a page: a settled member without data; a member its provider can map back later as the directory's
 * own JSON (DigestedMember.source); any other mapped, once.
 */
function addStagedRow(page: PageBytes, externalId: string, row: PreparedRow, settled: boolean): void {
  page.text(
    `{"external_id":${JSON.stringify(externalId)},"ordinal":${row.ordinal},"data_hash":"${row.dataHash}","settled":${settled}`,
  );
  if (settled) return page.text('}');
  if (typeof row.data === 'string') return page.text(`,"enabled":${row.enabled},"data":${row.data}}`);
  const source = row.data.source?.();
  if (source) {
    page.text(`,"enabled":${source.enabled},"source_format":${JSON.stringify(source.format)},"source":`);
    page.raw(source.json);
    return page.text('}');
  }
  const user = row.data.user();
  page.text(`,"enabled":${user.enabled},"data":${JSON.stringify(user)}}`);
}

/**
 * Which of a prepared page's members are settled (sync-settled.ts) under `settle`; none without. Read-only, so it
 * may run while the page before is still being written.
 */
export async function settledOfPage(
  db: Db,
  prepared: PreparedPage,
  settle: Omit<SettleScope, 'runId'> | undefined,
): Promise<Set<string>> {
  if (!settle) return new Set();
  return settledMembers(
    db,
    settle,
    [...prepared.rows].map(([externalId, row]) => ({ externalId, dataHash: row.dataHash })),
  );
}

/** Prepares and stages one page: prepareStagedPage, settledOfPage, writeStagedPage. */
export async function stageMembers(
  db: Db,
  runId: string,
  members: readonly DirectoryUser[] | readonly DigestedMember[],
  startOrdinal: number,
  options: { page?: number; settle?: Omit<SettleScope, 'runId'> } = {},
): Promise<StagedPage> {
  const prepared = prepareStagedPage(members, startOrdinal);
  const settled = await settledOfPage(db, prepared, options.settle);
  return writeStagedPage(db, runId, prepared, { page: options.page, settled });
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
  /** The members to plan, in external-id order: those staged with their data (settled ones are only counted). */
  members: DirectoryUser[];
  /** The chunk's last external id: the cursor after it; null when no member is left to plan. */
  lastKey: string | null;
}

/**
 * The next `limit` staged members to plan after `afterExternalId` (null: from the start), in external_id order,
 * up to and including `upToExternalId` when given (the end of one partition of a parallel apply). Members staged
 * settled are passed over: the apply counts them once (countSettledStaged) and reads nothing more of them.
 */
export async function readStagedChunk(
  db: Db,
  runId: string,
  page: { afterExternalId: string | null; limit: number; upToExternalId?: string | null },
): Promise<StagedChunk> {
  const rows = await stagedChunkQuery(db, runId, page).execute();
  const members = rows.map((row) =>
    row.source_format === null ? row.data! : stagedSourceOf(row.external_id, row.source_format, row.source),
  );
  return { members, lastKey: rows.at(-1)?.external_id ?? null };
}

/** A member staged as its directory sent it that cannot be mapped back (src/directory/staged-sources.ts). */
export class UnreadableStagedMemberError extends Error {
  constructor(
    readonly externalId: string,
    why: string,
  ) {
    super(`the member ${externalId} was staged as its directory sent it but cannot be read back: ${why}`);
    this.name = 'UnreadableStagedMemberError';
  }
}

/**
 * A staged source is read as text and parsed here, one member at a time: each parsed object is garbage as soon as
 * it is mapped, rather than a whole chunk of them parsed by the driver and kept alive until the chunk is mapped
 * (which the young generation cannot hold, so they were promoted and collected by full collections).
 */
function stagedSourceOf(externalId: string, format: string, source: string | null): DirectoryUser {
  try {
    if (source === null) throw new TypeError('its source is missing');
    return mapStagedSource(format, JSON.parse(source), externalId);
  } catch (err) {
    throw new UnreadableStagedMemberError(externalId, err instanceof Error ? err.message : String(err));
  }
}

/** The statement behind readStagedChunk (tests look at its plan): `not settled`, the partial index's predicate. */
export function stagedChunkQuery(
  db: Db,
  runId: string,
  page: { afterExternalId: string | null; limit: number; upToExternalId?: string | null },
) {
  return db
    .selectFrom('sync_run_members')
    .select(['external_id', 'data', sql<string | null>`source::text`.as('source'), 'source_format'])
    .where('run_id', '=', runId)
    .where(sql<boolean>`not settled`)
    .$if(page.afterExternalId !== null, (qb) => qb.where('external_id', '>', page.afterExternalId as string))
    .$if(page.upToExternalId != null, (qb) => qb.where('external_id', '<=', page.upToExternalId as string))
    .orderBy('external_id')
    .limit(page.limit);
}

/** How many of the run's staged members are settled: counted unchanged without being planned. */
export async function countSettledStaged(db: Db, runId: string): Promise<number> {
  const row = await db
    .selectFrom('sync_run_members')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('run_id', '=', runId)
    .where('settled', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.count);
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
  // The columns the run's queries filter and join on; not the members' data (jsonb, the bulk of a first read's
  // rows, read back by key only), whose sampling was most of the ANALYZE's time.
  await sql`analyze sync_run_members (run_id, external_id, settled)`.execute(db);
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
