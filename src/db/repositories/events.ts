import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { SyncRun } from '../schema.js';
import { failingStreakThreshold } from '../../events/types.js';
import { markRun } from './sync-runs.js';

export interface NewEvent {
  companyId: string;
  type: string;
  setupId?: string | null;
  runId?: string | null;
  userId?: string | null;
  data: Record<string, unknown>;
}

/** Writes an event in the caller's transaction: it exists exactly when the state change it reports does. */
export async function insertEvent(db: Db, event: NewEvent): Promise<number> {
  const row = await db
    .insertInto('directory_events')
    .values({
      company_id: event.companyId,
      type: event.type,
      setup_id: event.setupId ?? null,
      run_id: event.runId ?? null,
      user_id: event.userId ?? null,
      data: JSON.stringify(event.data),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Failed runs in a row of the setup, newest first, stopping at the last success (previews do not count). */
async function failureStreak(db: Db, setupId: string, excludingRunId?: string): Promise<number> {
  const rows = await db
    .selectFrom('sync_runs')
    .select('status')
    .where('setup_id', '=', setupId)
    .where('dry_run', '=', false)
    .where('status', 'in', ['succeeded', 'failed'])
    .$if(excludingRunId !== undefined, (q) => q.where('id', '!=', excludingRunId!))
    .orderBy('finished_at', 'desc')
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  const firstSuccess = rows.findIndex((r) => r.status === 'succeeded');
  return firstSuccess === -1 ? rows.length : firstSuccess;
}

/**
 * The events of a closed run, in closeRun's transaction: run.succeeded / run.failed, setup.failing when this
 * failure makes `failingStreakThreshold` in a row, setup.recovered when a success ends a streak of failures.
 * Previews and cancelled runs report nothing.
 */
export async function recordRunClosedEvents(tx: Db, run: SyncRun): Promise<void> {
  if (run.dry_run || !run.setup_id || (run.status !== 'succeeded' && run.status !== 'failed')) return;
  const base = { companyId: run.company_id, setupId: run.setup_id, runId: run.id };
  const about = { runId: run.id, setupId: run.setup_id, trigger: run.trigger, mode: run.mode };
  if (run.status === 'succeeded') {
    await insertEvent(tx, { ...base, type: 'run.succeeded', data: { ...about, counts: run.counts } });
    const before = await failureStreak(tx, run.setup_id, run.id);
    if (before > 0)
      await insertEvent(tx, { ...base, type: 'setup.recovered', data: { ...about, failedRunsBefore: before } });
    return;
  }
  await insertEvent(tx, { ...base, type: 'run.failed', data: { ...about, error: run.error, counts: run.counts } });
  const streak = await failureStreak(tx, run.setup_id);
  if (streak === failingStreakThreshold) {
    await insertEvent(tx, { ...base, type: 'setup.failing', data: { ...about, failedRuns: streak, error: run.error } });
  }
}

/** run.held, in the transaction that sets the run awaiting_approval: how many removals, and where to decide. */
export async function recordRunHeldEvent(tx: Db, run: SyncRun): Promise<void> {
  if (run.dry_run || !run.setup_id) return;
  const progress = run.progress ?? {};
  await insertEvent(tx, {
    companyId: run.company_id,
    setupId: run.setup_id,
    runId: run.id,
    type: 'run.held',
    data: {
      runId: run.id,
      setupId: run.setup_id,
      removals: Number(progress.removals ?? 0),
      managedBefore: Number(progress.managedBefore ?? 0),
      approvePath: `/admin/runs/${run.id}`,
    },
  });
}

/**
 * connection.access_lost, in the transaction that marks the connection consent_revoked and pauses its setups;
 * call it before the status changes: a connection already revoked (a retried check) reports nothing again.
 */
export async function recordAccessLostEvent(tx: Db, connectionId: string, reason: string): Promise<void> {
  const connection = await tx
    .selectFrom('directory_connections')
    .select(['company_id', 'tenant_id', 'designation', 'organization_name', 'status'])
    .where('id', '=', connectionId)
    .forUpdate()
    .executeTakeFirst();
  if (!connection || connection.status === 'consent_revoked') return;
  await insertEvent(tx, {
    companyId: connection.company_id,
    type: 'connection.access_lost',
    data: {
      connectionId,
      tenantId: connection.tenant_id,
      designation: connection.designation,
      organizationName: connection.organization_name,
      reason,
    },
  });
}

/** Locks the run row and returns its status: the hooks below report a status change only once. */
export async function lockRunStatus(tx: Db, runId: string): Promise<string | undefined> {
  const row = await tx.selectFrom('sync_runs').select('status').where('id', '=', runId).forUpdate().executeTakeFirst();
  return row?.status;
}

/** A feed position: the writing transaction's id and the row id (see the migration for why both). */
export interface FeedCursor {
  txid: string;
  id: number;
}

export function encodeCursor(cursor: FeedCursor): string {
  return Buffer.from(`${cursor.txid}:${cursor.id}`, 'utf8').toString('base64url');
}

/** The cursor a client sent back, or undefined when it is not one of ours. */
export function decodeCursor(value: string): FeedCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) return undefined;
  const match = /^(\d{1,20}):(\d{1,18})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match) return undefined;
  return { txid: match[1]!, id: Number(match[2]) };
}

export interface FeedRow {
  id: number;
  txid: string;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
}

/**
 * Events after `after`, in (txid, id) order, only from transactions older than every transaction still running:
 * what this returns never changes and nothing later appears before it. The feed and the outbox relay both read
 * through it. The ordering names the table's xid8 column: the text the rows carry sorts '100' before '99', which
 * would move a cursor past events it never returned (and cannot use the (txid, id) index).
 */
export function visibleEventsAfter<Row extends FeedCursor = FeedRow>(
  after: FeedCursor,
  filter: { companyId?: string; types?: readonly string[]; limit: number; positionsOnly?: boolean },
) {
  const rest = filter.positionsOnly ? sql`` : sql`, e.type, e.data, e.created_at`;
  return sql<Row>`
    select e.id, e.txid::text as txid${rest}
    from directory_events e
    where (e.txid, e.id) > (${after.txid}::xid8, ${after.id}::bigint)
      and e.txid < pg_snapshot_xmin(pg_current_snapshot())
      ${filter.companyId === undefined ? sql`` : sql`and e.company_id = ${filter.companyId}::uuid`}
      ${filter.types === undefined ? sql`` : sql`and e.type = any(${[...filter.types]}::text[])`}
    order by e.txid, e.id
    limit ${filter.limit}`;
}

/** The company's events after `after` (see visibleEventsAfter). */
export async function readFeed(
  db: Db,
  input: { companyId: string; after?: FeedCursor; types: readonly string[]; limit: number },
): Promise<FeedRow[]> {
  const rows = await visibleEventsAfter(input.after ?? { txid: '0', id: 0 }, input).execute(db);
  return rows.rows;
}

/** Drops events (and their deliveries) older than the retention; returns how many. */
export async function purgeEventsBefore(db: Db, cutoff: Date): Promise<number> {
  const result = await db.deleteFrom('directory_events').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export const eventRetentionDays = 30;

/**
 * Sets the run awaiting_approval and writes run.held in one transaction; false when it already was (a retried
 * activity), so neither the event nor the metric counts a hold twice.
 */
export async function holdRunForApproval(db: Db, runId: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    if ((await lockRunStatus(tx, runId)) === 'awaiting_approval') return false;
    const run = await markRun(tx, runId, { status: 'awaiting_approval', phase: 'awaiting_approval' });
    await recordRunHeldEvent(tx, run);
    return true;
  });
}
