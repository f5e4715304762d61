/**
 * Audit rows name runs that exist (migration 2026_12_02_010000_audit_run_check): a statement-level check that
 * keeps what the foreign key sync_changes.run_id → sync_runs promised — an insert naming a missing run fails
 * with foreign_key_violation and writes nothing, the runs an insert names are locked until its transaction ends
 * (so they cannot be deleted under it), and a run with audit rows cannot be deleted.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAuditRows, type AuditRow } from '../../src/db/repositories/sync-audit.js';
import { openScratchDb, seedCompany, seedSetup, startRun, type ScratchDb } from './fixtures.js';
import type { SetupPolicy } from '../../src/sync/index.js';

describe('audit rows name runs that exist', () => {
  let scratch: ScratchDb;
  let policy: SetupPolicy;

  beforeAll(async () => {
    scratch = await openScratchDb();
    policy = await seedSetup(scratch.db, await seedCompany(scratch.db));
  });
  afterAll(async () => scratch?.close());

  const row = (runId: string, subject: string): AuditRow => ({
    run_id: runId,
    setup_id: policy.setupId,
    company_id: policy.companyId,
    user_id: null,
    external_id: subject,
    action: 'skip',
    before: null,
    after: null,
    reason: 'no email',
    reason_detail: null,
    subject_key: subject,
  });
  const auditCount = async () =>
    Number(
      (
        await scratch.db
          .selectFrom('sync_changes')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const finish = (runId: string) =>
    scratch.db.updateTable('sync_runs').set({ status: 'succeeded' }).where('id', '=', runId).execute();

  it('an insert naming a run that does not exist fails as a foreign key would, and writes nothing', async () => {
    const runId = await startRun(scratch.db, policy);
    const before = await auditCount();
    const missing = randomUUID();
    const refused = insertAuditRows(scratch.db, [row(runId, 'a'), row(missing, 'b'), row(runId, 'c')]);
    await expect(refused).rejects.toMatchObject({ code: '23503', constraint: 'sync_changes_run_exists' });
    await expect(refused).rejects.toThrow(`audit rows name the run ${missing}, which does not exist`);
    expect(await auditCount()).toBe(before);
    await insertAuditRows(scratch.db, [row(runId, 'a'), row(runId, 'c')]);
    expect(await auditCount()).toBe(before + 2);
    await finish(runId);
  });

  it('a run with audit rows cannot be deleted; one without can', async () => {
    const audited = await startRun(scratch.db, policy);
    await insertAuditRows(scratch.db, [row(audited, 'a')]);
    await finish(audited);
    await expect(scratch.db.deleteFrom('sync_runs').where('id', '=', audited).execute()).rejects.toMatchObject({
      code: '23503',
    });
    const empty = await startRun(scratch.db, policy);
    await finish(empty);
    expect(
      Number((await scratch.db.deleteFrom('sync_runs').where('id', '=', empty).executeTakeFirst()).numDeletedRows),
    ).toBe(1);
  });

  it('the runs an insert names stay locked until its transaction ends: a delete waits for it, then fails', async () => {
    const runId = await startRun(scratch.db, policy);
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let inserted!: () => void;
    const insertDone = new Promise<void>((resolve) => (inserted = resolve));
    const writer = scratch.db.transaction().execute(async (trx) => {
      await insertAuditRows(trx, [row(runId, 'held')]);
      inserted();
      await committed;
    });
    await insertDone;
    // the uncommitted audit row is invisible to the delete: only the lock keeps the run
    const deleting = scratch.db.transaction().execute(async (trx) => {
      await sql`set local lock_timeout = '300ms'`.execute(trx);
      await trx.deleteFrom('sync_runs').where('id', '=', runId).execute();
    });
    await expect(deleting).rejects.toThrow(/lock timeout/);
    commit();
    await writer;
    await expect(scratch.db.deleteFrom('sync_runs').where('id', '=', runId).execute()).rejects.toMatchObject({
      code: '23503',
    });
  });
});
