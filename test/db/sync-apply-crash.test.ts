import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';
import { applyBatch, type ApplyBatchInput } from '../../src/db/repositories/sync-apply.js';
import { getRun } from '../../src/db/repositories/sync-runs.js';
import { emptyCounts, type PlannedChange } from '../../src/sync/index.js';
import {
  auditRows,
  insertUser,
  openScratchDb,
  seedCompany,
  seedSetup,
  startRun,
  userById,
  type ScratchDb,
} from './fixtures.js';

/**
 * A crash in the middle of a batch, for real: the backend applying the batch is killed with
 * pg_terminate_backend while it waits on a row lock, after it has already claimed the batch and deleted a user.
 * Nothing of the batch may survive, and the retry must apply all of it exactly once.
 */
/**
 * A pool like createDb's, plus an error listener on every client: pg emits 'error' on a client whose server
 * connection dies while it is checked out, where the pool's own listener (idle clients only) does not catch it,
 * so without this the kill below is an uncaught exception that would take a worker process down.
 */
function victimDb(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: 1, application_name: 'ds-crash-victim' });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

describe('applyBatch when the connection dies mid-batch', () => {
  let scratch: ScratchDb;
  let victim: Db;

  beforeAll(async () => {
    scratch = await openScratchDb();
    victim = victimDb(scratch.url);
  });
  afterAll(async () => {
    await victim?.destroy();
    await scratch?.close();
  });

  async function waitForLockedBackend(): Promise<number> {
    for (let i = 0; i < 200; i += 1) {
      const rows = await sql<{ pid: number }>`
        select pid from pg_stat_activity
        where application_name = 'ds-crash-victim' and datname = current_database() and wait_event_type = 'Lock'`.execute(
        scratch.db,
      );
      if (rows.rows[0]) return rows.rows[0].pid;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the batch never blocked on the lock');
  }

  it('leaves nothing applied, and the retry applies everything exactly once', async () => {
    const company = await seedCompany(scratch.db);
    const policy = await seedSetup(scratch.db, company);
    const runId = await startRun(scratch.db, policy);
    const managed = (n: string) =>
      insertUser(scratch.db, company, {
        external_id: `e-${n}`,
        managing_setup_id: policy.setupId,
        email: `${n}@example.com`,
      });
    const deletee = await managed('delete');
    const locked = await managed('locked');
    const changes: PlannedChange[] = [
      {
        action: 'delete',
        externalId: 'e-delete',
        userId: deletee,
        before: { active: true },
        after: null,
        reason: 'removed',
      },
      {
        action: 'update',
        externalId: 'e-locked',
        userId: locked,
        before: { jobTitle: null },
        after: { jobTitle: 'Lead' },
        reason: 'changed',
      },
      ...Array.from({ length: 20 }, (_, i): PlannedChange => ({
        action: 'create',
        externalId: `e-c${i}`,
        userId: null,
        before: null,
        after: { email: `c${i}@example.com`, active: true },
        reason: 'new',
      })),
    ];
    const input: ApplyBatchInput = {
      runId,
      setupId: policy.setupId,
      companyId: policy.companyId,
      customerTypeId: policy.customerTypeId,
      batchKey: 'members:1',
      changes,
      dryRun: false,
      now: new Date(),
    };

    // Hold a lock on the user the batch updates (deletes come first, so the batch has written by then).
    const blocker = await scratch.db.startTransaction().execute();
    await blocker.selectFrom('users').select('id').where('id', '=', locked).forUpdate().execute();
    const attempt = applyBatch(victim, input);
    const pid = await waitForLockedBackend();
    await sql`select pg_terminate_backend(${pid})`.execute(scratch.db);
    await expect(attempt).rejects.toThrow();
    await blocker.rollback().execute();

    expect(await userById(scratch.db, deletee)).toBeDefined();
    expect(await userById(scratch.db, locked)).toMatchObject({ job_title: null });
    expect(
      await scratch.db.selectFrom('users').select('id').where('company_id', '=', company.companyId).execute(),
    ).toHaveLength(2);
    expect(await auditRows(scratch.db, runId)).toHaveLength(0);
    expect(
      await scratch.db.selectFrom('sync_run_batches').selectAll().where('run_id', '=', runId).execute(),
    ).toHaveLength(0);
    expect((await getRun(scratch.db, runId))?.counts).toEqual({});

    // the activity's retry, on the same pool (its dead connection must have been discarded)
    const retried = await applyBatch(victim, input);
    const expected = { ...emptyCounts(), deleted: 1, updated: 1, created: 20 };
    expect(retried).toEqual({ counts: expected, alreadyApplied: false, cursor: null });
    expect(await applyBatch(victim, input)).toMatchObject({ counts: expected, alreadyApplied: true });

    expect(await userById(scratch.db, deletee)).toBeUndefined();
    expect(await userById(scratch.db, locked)).toMatchObject({ job_title: 'Lead' });
    expect(
      await scratch.db.selectFrom('users').select('id').where('company_id', '=', company.companyId).execute(),
    ).toHaveLength(21);
    expect(await auditRows(scratch.db, runId)).toHaveLength(22);
    expect((await getRun(scratch.db, runId))?.counts).toEqual(expected);
  });
});
