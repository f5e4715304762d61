import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { insertEvent, purgeEventsBefore, readFeed } from '../../src/db/repositories/events.js';
import { insertTarget, relayEvents } from '../../src/db/repositories/notifications.js';
import { createTestCompany } from '../support/api.js';
import { testDb, testEnvironment } from '../support/context.js';
import { waitFor } from '../support/stack.js';

/** The outbox relay against real Postgres: nothing passed over while a transaction is open; the 30-day retention. */
describe('the notifications outbox', () => {
  let db: Db;
  beforeAll(() => {
    db = testDb();
  });
  afterAll(() => db?.destroy());

  const deliveriesOf = (targetId: string) =>
    db
      .selectFrom('notification_deliveries as d')
      .innerJoin('directory_events as e', 'e.id', 'd.event_id')
      .select(['e.data'])
      .where('d.target_id', '=', targetId)
      .execute();

  it('an event of a transaction still open when the relay passes is delivered once it commits, exactly once', async () => {
    const { company } = await createTestCompany(db);
    const target = await insertTarget(db, {
      companyId: company.id,
      kind: 'email',
      name: 'ops',
      emails: ['ops@example.test'],
      eventTypes: ['run.failed'],
    });
    const early = new pg.Client({ connectionString: testEnvironment().databaseUrl });
    await early.connect();
    try {
      await early.query('begin');
      await early.query('select pg_current_xact_id()');
      await insertEvent(db, { companyId: company.id, type: 'run.failed', data: { n: 2 } });
      await early.query(`insert into directory_events (company_id, type, data) values ($1, 'run.failed', '{"n":1}')`, [
        company.id,
      ]);
      await relayEvents(db);
      expect(await deliveriesOf(target.id)).toEqual([]); // n=2 waits behind the open transaction
      await early.query('commit');
    } finally {
      await early.end();
    }
    const rows = await waitFor(async () => {
      await relayEvents(db);
      const r = await deliveriesOf(target.id);
      return r.length >= 2 ? r : undefined;
    });
    await relayEvents(db);
    expect((await deliveriesOf(target.id)).map((r) => r.data.n).sort()).toEqual([1, 2]);
    expect(rows).toHaveLength(2);
  });

  it('only subscribed types of enabled targets of the same company get deliveries', async () => {
    const { company } = await createTestCompany(db);
    const { company: other } = await createTestCompany(db);
    const held = await insertTarget(db, {
      companyId: company.id,
      kind: 'email',
      name: 'a',
      emails: ['a@example.test'],
      eventTypes: ['run.held'],
    });
    const off = await insertTarget(db, {
      companyId: company.id,
      kind: 'email',
      name: 'b',
      emails: ['b@example.test'],
      eventTypes: ['run.held'],
    });
    await db.updateTable('notification_targets').set({ enabled: false }).where('id', '=', off.id).execute();
    const foreign = await insertTarget(db, {
      companyId: other.id,
      kind: 'email',
      name: 'c',
      emails: ['c@example.test'],
      eventTypes: ['run.held'],
    });
    await insertEvent(db, { companyId: company.id, type: 'run.held', data: { n: 1 } });
    await insertEvent(db, { companyId: company.id, type: 'run.failed', data: { n: 2 } });
    await waitFor(async () => {
      await relayEvents(db);
      return (await deliveriesOf(held.id)).length > 0 ? true : undefined;
    });
    expect((await deliveriesOf(held.id)).map((r) => r.data.n)).toEqual([1]);
    expect(await deliveriesOf(off.id)).toEqual([]);
    expect(await deliveriesOf(foreign.id)).toEqual([]);
  });

  it('events are read in the order of their transaction ids as numbers, so a cursor never passes an event', async () => {
    // As text, '10' sorts before '9': a page of one would return 10 first and its cursor would skip 9.
    const { company } = await createTestCompany(db);
    for (const txid of ['10', '9', '11']) {
      await sql`insert into directory_events (company_id, type, txid, data)
        values (${company.id}::uuid, 'run.failed', ${txid}::xid8, ${JSON.stringify({ txid })}::jsonb)`.execute(db);
    }
    const read: string[] = [];
    let after: { txid: string; id: number } | undefined;
    for (;;) {
      const [row] = await readFeed(db, { companyId: company.id, after, types: ['run.failed'], limit: 1 });
      if (!row) break;
      read.push(row.txid);
      after = { txid: row.txid, id: row.id };
    }
    expect(read).toEqual(['9', '10', '11']);
  });

  it('events older than 30 days are dropped with their deliveries; newer ones stay', async () => {
    const { company } = await createTestCompany(db);
    const target = await insertTarget(db, {
      companyId: company.id,
      kind: 'email',
      name: 'x',
      emails: ['x@example.test'],
      eventTypes: ['run.failed'],
    });
    const old = await insertEvent(db, { companyId: company.id, type: 'run.failed', data: {} });
    const recent = await insertEvent(db, { companyId: company.id, type: 'run.failed', data: {} });
    await db
      .updateTable('directory_events')
      .set({ created_at: sql`now() - interval '31 days'` })
      .where('id', '=', old)
      .execute();
    await db
      .insertInto('notification_deliveries')
      .values({ event_id: old, target_id: target.id, company_id: company.id })
      .onConflict((oc) => oc.doNothing())
      .execute();
    expect(await purgeEventsBefore(db, new Date(Date.now() - 30 * 86_400_000))).toBeGreaterThanOrEqual(1);
    const left = await db.selectFrom('directory_events').select('id').where('company_id', '=', company.id).execute();
    expect(left.map((r) => r.id)).toEqual([recent]);
    expect(await db.selectFrom('notification_deliveries').select('id').where('event_id', '=', old).execute()).toEqual(
      [],
    );
  });
});
