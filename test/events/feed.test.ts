import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvent } from '../../src/db/repositories/events.js';
import { testEnvironment } from '../support/context.js';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, waitForRun } from '../support/sync-fixtures.js';

type Company = Awaited<ReturnType<typeof onboardCompany>>;
interface FeedItem {
  id: string;
  cursor: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * GET /api/v1/events: the ordered feed with a gap-free cursor. Two setups run at once in small batches (many
 * interleaved transactions) while a client polls the feed in small pages; what it collected must be exactly the
 * final feed — nothing skipped, nothing twice — with one user.created per created user.
 */
describe('the event feed', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ config: { SYNC_BATCH_SIZE: '3', SYNC_APPLY_CONCURRENCY: '1' } });
  });
  afterAll(() => stack?.close());

  async function page(company: Company, query: string) {
    const res = await stack.call('GET', `/api/v1/events?${query}`, { key: company.key });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body as { items: FeedItem[]; nextCursor: string };
  }

  async function readAll(company: Company, query = '', limit = 1000) {
    const items: FeedItem[] = [];
    let cursor: string | undefined;
    for (;;) {
      const body = await page(company, `limit=${limit}${cursor ? `&after=${cursor}` : ''}${query}`);
      items.push(...body.items);
      cursor = body.nextCursor;
      if (body.items.length === 0) return { items, cursor };
    }
  }

  it('two setups running at once: a polling reader gets every event once, in the final order', async () => {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Feed Co');
    const groupA = Array.from({ length: 30 }, () => addPerson(stack, tenantId));
    const groupB = Array.from({ length: 30 }, () => addPerson(stack, tenantId));
    const a = stack.sim.control.addGroup(tenantId, { displayName: 'A', members: groupA.map((p) => p.id) });
    const b = stack.sim.control.addGroup(tenantId, { displayName: 'B', members: groupB.map((p) => p.id) });
    const setupA = await createSetup(stack, company, connectionId, a.id);
    const setupB = await createSetup(stack, company, connectionId, b.id);

    const runs = await Promise.all(
      [setupA, setupB].map(
        async (s) =>
          (await (await stack.call('POST', `/api/v1/setups/${s.id}/runs`, { key: company.key, body: {} })).json())
            .runId as string,
      ),
    );
    // poll in pages of 4 while both runs write
    const polled: FeedItem[] = [];
    let cursor: string | undefined;
    let finished = false;
    const done = Promise.all(runs.map((id) => waitForRun(stack, company, id))).then((r) => {
      finished = true;
      return r;
    });
    for (let emptyAfterFinish = 0; emptyAfterFinish < 2;) {
      const body = await page(company, `limit=4${cursor ? `&after=${cursor}` : ''}`);
      polled.push(...body.items);
      cursor = body.nextCursor;
      if (body.items.length === 0) {
        if (finished) emptyAfterFinish++;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const results = await done;
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);

    const all = (await readAll(company)).items;
    expect(polled.map((i) => i.id)).toEqual(all.map((i) => i.id)); // no gap, no duplicate, same order
    expect(new Set(all.map((i) => i.id)).size).toBe(all.length);

    const users = await stack.db
      .selectFrom('users')
      .select(['id', 'external_id'])
      .where('company_id', '=', company.companyId)
      .execute();
    expect(users).toHaveLength(60);
    const created = all.filter((i) => i.type === 'user.created');
    expect(created.map((i) => i.data.userId).sort()).toEqual(users.map((u) => u.id).sort()); // exactly one each
    // each run's run.succeeded comes after all of its user.created events
    for (const [runId, members] of [
      [runs[0]!, groupA],
      [runs[1]!, groupB],
    ] as const) {
      const succeededAt = all.findIndex((i) => i.type === 'run.succeeded' && i.data.runId === runId);
      expect(succeededAt).toBeGreaterThan(-1);
      const mine = all
        .map((item, index) => ({ item, index }))
        .filter(({ item }) => item.type === 'user.created' && item.data.runId === runId);
      expect(mine).toHaveLength(members.length);
      expect(mine.every(({ index }) => index < succeededAt)).toBe(true);
    }
    expect(all.find((i) => i.type === 'run.succeeded' && i.data.runId === runs[0])?.data).toMatchObject({
      setupId: setupA.id,
      counts: { created: 30 },
    });

    // paging with a filter: pages of 7 of user.created only give the same 60 in the same order
    const filtered = (await readAll(company, '&types=user.created', 7)).items;
    expect(filtered.map((i) => i.id)).toEqual(created.map((i) => i.id));

    // an update reports the changed fields; a removal reports deactivated or deleted
    stack.sim.control.updateUser(tenantId, groupA[0]!.id, { jobTitle: 'Chief Feed Officer' });
    stack.sim.control.removeMember(tenantId, a.id, groupA[1]!.id);
    const { cursor: end } = await readAll(company);
    const rerun = (
      await (
        await stack.call('POST', `/api/v1/setups/${setupA.id}/runs`, { key: company.key, body: { fullSync: true } })
      ).json()
    ).runId;
    expect((await waitForRun(stack, company, rerun)).status).toBe('succeeded');
    const later = (await page(company, `after=${end}`)).items;
    const updated = later.filter((i) => i.type === 'user.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]!.data.externalId).toBe(groupA[0]!.id);
    expect((updated[0]!.data.changedFields as string[]).some((f) => /job/i.test(f))).toBe(true);
    const removed = later.filter((i) => i.type === 'user.deactivated' || i.type === 'user.deleted');
    expect(removed.map((i) => i.data.externalId)).toEqual([groupA[1]!.id]);
    expect(later[later.length - 1]).toMatchObject({ type: 'run.succeeded', data: { runId: rerun } });
  });

  it('an event of a transaction still open is not shown, nor anything after it, until it commits', async () => {
    const company = await onboardCompany(stack);
    const { cursor: start } = await readAll(company);
    const early = new pg.Client({ connectionString: testEnvironment().databaseUrl });
    await early.connect();
    try {
      // T1 starts (takes its transaction id) first but inserts its event last; T2 commits in between.
      await early.query('begin');
      await early.query('select pg_current_xact_id()');
      const t2 = await insertEvent(stack.db, { companyId: company.companyId, type: 'run.succeeded', data: { n: 2 } });
      const t1 = (
        await early.query(
          `insert into directory_events (company_id, type, data) values ($1, 'run.succeeded', '{"n":1}') returning id`,
          [company.companyId],
        )
      ).rows[0].id as string;
      expect(Number(t1)).toBeGreaterThan(t2); // ids alone would put T2's event first and then skip T1's
      const whileOpen = await page(company, `after=${start}`);
      expect(whileOpen.items).toEqual([]);
      expect(whileOpen.nextCursor).toBe(start);
      await early.query('commit');
      const after = await page(company, `after=${start}`);
      expect(after.items.map((i) => i.data.n)).toEqual([1, 2]);
    } finally {
      await early.end();
    }
  });

  it('bad input is 400 naming the field; another company sees none of these events', async () => {
    const company = await onboardCompany(stack);
    for (const [query, field] of [
      ['after=not-a-cursor!', 'after'],
      [`after=${Buffer.from('x:1').toString('base64url')}`, 'after'],
      ['types=user.created,user.exploded', 'types'],
      ['limit=0', 'limit'],
    ]) {
      const res = await stack.call('GET', `/api/v1/events?${query}`, { key: company.key });
      expect(res.status).toBe(400);
      expect((await res.json()).error.details[0].field).toBe(field);
    }
    expect((await readAll(company)).items).toEqual([]);
    expect((await stack.call('GET', '/api/v1/events')).status).toBe(401);
    expect((await stack.call('GET', '/api/v1/events', { key: stack.operatorKey })).status).toBe(403);
    const off = await onboardCompany(stack, { directorySync: false });
    expect((await stack.call('GET', '/api/v1/events', { key: off.key })).status).toBe(403);
  });
});
