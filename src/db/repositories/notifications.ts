import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { DeliveryStatus, NotificationTargetKind } from '../schema.js';
import { insertEvent, visibleEventsAfter, type FeedCursor } from './events.js';
import { testEventType } from '../../events/types.js';

export interface NewTarget {
  companyId: string;
  kind: NotificationTargetKind;
  name: string;
  url?: string;
  emails?: string[];
  secretEncrypted?: string;
  eventTypes: string[];
}

export async function insertTarget(db: Db, input: NewTarget) {
  return db
    .insertInto('notification_targets')
    .values({
      company_id: input.companyId,
      kind: input.kind,
      name: input.name,
      url: input.url ?? null,
      emails: input.emails ? JSON.stringify(input.emails) : null,
      secret_encrypted: input.secretEncrypted ?? null,
      event_types: input.eventTypes,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listCompanyTargets(db: Db, companyId: string) {
  return db
    .selectFrom('notification_targets')
    .selectAll()
    .where('company_id', '=', companyId)
    .orderBy('created_at')
    .execute();
}

export async function findCompanyTarget(db: Db, companyId: string, targetId: string) {
  return db
    .selectFrom('notification_targets')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('id', '=', targetId)
    .executeTakeFirst();
}

export async function deleteCompanyTarget(db: Db, companyId: string, targetId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('notification_targets')
    .where('company_id', '=', companyId)
    .where('id', '=', targetId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * The outbox relay: turns events past its cursor into deliveries for every enabled target subscribed to their
 * type, and moves the cursor, in one transaction holding the relay row (one relay at a time over all workers).
 * Same visibility rule as the feed, so no event is passed over while its transaction is still open.
 */
export async function relayEvents(db: Db, limit = 1000): Promise<{ events: number; deliveries: number }> {
  return db.transaction().execute(async (tx) => {
    const cursor = await tx
      .selectFrom('notification_relay')
      .select(['txid', 'event_id'])
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const events = await visibleEventsAfter<FeedCursor>(
      { txid: cursor.txid, id: cursor.event_id },
      { limit, positionsOnly: true },
    ).execute(tx);
    if (events.rows.length === 0) return { events: 0, deliveries: 0 };
    const last = events.rows[events.rows.length - 1]!;
    const ids = events.rows.map((e) => e.id);
    const inserted = await sql<{ id: string }>`
      insert into notification_deliveries (event_id, target_id, company_id)
      select e.id, t.id, e.company_id
      from directory_events e
      join notification_targets t on t.company_id = e.company_id and t.enabled and e.type = any(t.event_types)
      where e.id = any(${ids}::bigint[]) and e.type <> ${testEventType}
      order by e.txid, e.id
      on conflict (event_id, target_id) do nothing
      returning id`.execute(tx);
    await tx
      .updateTable('notification_relay')
      .set({ txid: sql`${last.txid}::xid8`, event_id: last.id })
      .where('id', '=', 1)
      .execute();
    return { events: events.rows.length, deliveries: inserted.rows.length };
  });
}

/** Deliveries whose workflow has not been started yet (a relay or an API process may have stopped in between). */
export async function undispatchedDeliveries(db: Db, limit = 200): Promise<string[]> {
  const rows = await db
    .selectFrom('notification_deliveries')
    .select('id')
    .where('dispatched_at', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function markDispatched(db: Db, deliveryId: string): Promise<void> {
  await db
    .updateTable('notification_deliveries')
    .set({ dispatched_at: sql`now()` })
    .where('id', '=', deliveryId)
    .where('dispatched_at', 'is', null)
    .execute();
}

/** "Send a test notification": a notification.test event and its one delivery to this target. */
export async function createTestDelivery(
  db: Db,
  companyId: string,
  targetId: string,
): Promise<{ deliveryId: string; eventId: number }> {
  return db.transaction().execute(async (tx) => {
    const eventId = await insertEvent(tx, { companyId, type: testEventType, data: { targetId, test: true } });
    const row = await tx
      .insertInto('notification_deliveries')
      .values({ event_id: eventId, target_id: targetId, company_id: companyId })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { deliveryId: row.id, eventId };
  });
}

/** What one attempt needs: the delivery, its event, its target, and the setup's name for the message. */
export async function loadDeliveryForSend(db: Db, deliveryId: string) {
  return db
    .selectFrom('notification_deliveries as d')
    .innerJoin('directory_events as e', 'e.id', 'd.event_id')
    .innerJoin('notification_targets as t', 't.id', 'd.target_id')
    .leftJoin('sync_setups as s', 's.id', 'e.setup_id')
    .select([
      'd.id',
      'd.status',
      'd.company_id',
      'e.id as event_id',
      'e.type',
      'e.data',
      'e.created_at as event_created_at',
      't.kind',
      't.url',
      't.emails',
      't.secret_encrypted',
      't.enabled',
      sql<string | null>`coalesce(s.designation, s.group_display_name)`.as('setup_name'),
    ])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
}

/** Counts the attempt on the delivery and records its start; returns the attempt row id and number. */
export async function beginAttempt(db: Db, deliveryId: string): Promise<{ attemptId: number; attempt: number }> {
  return db.transaction().execute(async (tx) => {
    const { attempts } = await tx
      .updateTable('notification_deliveries')
      .set({ attempts: sql`attempts + 1` })
      .where('id', '=', deliveryId)
      .returning('attempts')
      .executeTakeFirstOrThrow();
    const row = await tx
      .insertInto('notification_attempts')
      .values({ delivery_id: deliveryId, attempt: attempts })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { attemptId: row.id, attempt: attempts };
  });
}

export async function finishAttempt(
  db: Db,
  input: { deliveryId: string; attemptId: number; ok: boolean; statusCode?: number; error?: string },
): Promise<void> {
  // The delivery first, then its attempt: the order in which deleting a target cascades (deliveries, then their
  // attempts). The other order deadlocks with a target deleted while its delivery is being attempted.
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('notification_deliveries')
      .set(
        input.ok
          ? { status: 'delivered', delivered_at: sql`now()`, last_error: null }
          : { last_error: input.error ?? 'failed' },
      )
      .where('id', '=', input.deliveryId)
      .where('status', '=', 'pending')
      .execute();
    await tx
      .updateTable('notification_attempts')
      .set({ finished_at: sql`now()`, ok: input.ok, status_code: input.statusCode ?? null, error: input.error ?? null })
      .where('id', '=', input.attemptId)
      .execute();
  });
}

/** Gives up on a pending delivery; the reason keeps the last attempt's error (why the receiver did not take it). */
export async function markDeliveryFailed(db: Db, deliveryId: string, reason: string): Promise<void> {
  await db
    .updateTable('notification_deliveries')
    .set({
      status: 'failed',
      last_error: sql`${reason} || coalesce(' after ' || attempts || ' attempt(s); the last: ' || last_error, '')`,
    })
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .execute();
}

export interface DeliveryFilter {
  targetId?: string;
  status?: DeliveryStatus;
  page: number;
  pageSize?: number;
}

/** A company's deliveries with their target and event: what the list and the detail both show. */
function companyDeliveries(db: Db, companyId: string) {
  return db
    .selectFrom('notification_deliveries as d')
    .innerJoin('directory_events as e', 'e.id', 'd.event_id')
    .innerJoin('notification_targets as t', 't.id', 'd.target_id')
    .where('d.company_id', '=', companyId);
}

const deliveryColumns = [
  'd.id',
  'd.status',
  'd.attempts',
  'd.last_error',
  'd.created_at',
  'd.delivered_at',
  'd.target_id',
  't.name as target_name',
  't.kind',
  'e.id as event_id',
  'e.type',
] as const;

export async function listCompanyDeliveries(db: Db, companyId: string, filter: DeliveryFilter) {
  const pageSize = filter.pageSize ?? 50;
  let query = companyDeliveries(db, companyId);
  if (filter.targetId) query = query.where('d.target_id', '=', filter.targetId);
  if (filter.status) query = query.where('d.status', '=', filter.status);
  const [rows, total] = await Promise.all([
    query
      .select(deliveryColumns)
      .orderBy('d.created_at', 'desc')
      .orderBy('d.id')
      .limit(pageSize)
      .offset((filter.page - 1) * pageSize)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: total.n };
}

export async function findCompanyDelivery(db: Db, companyId: string, deliveryId: string) {
  const delivery = await companyDeliveries(db, companyId)
    .select([...deliveryColumns, 'e.data'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!delivery) return undefined;
  const attempts = await db
    .selectFrom('notification_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('id')
    .execute();
  return { ...delivery, attemptRows: attempts };
}
