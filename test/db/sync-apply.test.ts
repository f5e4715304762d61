import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBatch, type ApplyBatchInput } from '../../src/db/repositories/sync-apply.js';
import { getRun, markRun, runCounts, RunNotActiveError } from '../../src/db/repositories/sync-runs.js';
import {
  emptyCounts,
  type PlannedChange,
  type RunCounts,
  type SetupPolicy,
  type SyncedFields,
} from '../../src/sync/index.js';
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

const NOW = new Date('2026-11-26T10:00:00.000Z');

const fields = (n: string, overrides: Partial<SyncedFields> = {}): SyncedFields => ({
  email: `${n}@example.com`,
  initials: n.toUpperCase(),
  firstName: 'First',
  lastName: n,
  displayName: `First ${n}`,
  phone: null,
  mobile: null,
  department: 'R&D',
  jobTitle: 'Engineer',
  officeLocation: null,
  active: true,
  ...overrides,
});

const change = (
  action: PlannedChange['action'],
  externalId: string | null,
  userId: string | null,
  rest: Partial<PlannedChange> = {},
): PlannedChange => ({
  action,
  externalId,
  userId,
  before: null,
  after: null,
  reason: `planned ${action} of ${externalId ?? userId}`,
  ...rest,
});

const counts = (overrides: Partial<RunCounts>): RunCounts => ({ ...emptyCounts(), ...overrides });

describe('applyBatch', () => {
  let scratch: ScratchDb;

  beforeAll(async () => {
    scratch = await openScratchDb();
  });
  afterAll(async () => scratch?.close());

  /** A company, a setup of it and a running run: each test its own, so counts and audits never mix. */
  async function context(options: { dryRunRun?: boolean } = {}) {
    const company = await seedCompany(scratch.db);
    const policy: SetupPolicy = await seedSetup(scratch.db, company);
    const runId = await startRun(scratch.db, policy, { dryRun: options.dryRunRun });
    const input = (
      batchKey: string,
      changes: PlannedChange[],
      extra: Partial<ApplyBatchInput> = {},
    ): ApplyBatchInput => ({
      runId,
      setupId: policy.setupId,
      companyId: policy.companyId,
      customerTypeId: policy.customerTypeId,
      batchKey,
      changes,
      dryRun: false,
      now: NOW,
      ...extra,
    });
    const users = () =>
      scratch.db.selectFrom('users').selectAll().where('company_id', '=', company.companyId).orderBy('id').execute();
    const managed = (n: string, extra: Parameters<typeof insertUser>[2] = {}) =>
      insertUser(scratch.db, company, {
        external_id: `e-${n}`,
        managing_setup_id: policy.setupId,
        email: `${n}@example.com`,
        job_title: 'Engineer',
        ...extra,
      });
    return { company, policy, runId, input, users, managed };
  }

  it('applies every action per the PlannedChange rules, with one audit row per change that is not unchanged', async () => {
    const { company, policy, runId, input, managed } = await context();
    const adoptee = await insertUser(scratch.db, company, { email: 'adopt@example.com', job_title: 'Old' });
    const updatee = await managed('update', { job_title: 'Old' });
    const reactivatee = await managed('react', {
      active: false,
      deactivated_at: new Date('2026-01-01T00:00:00Z'),
      deactivated_by_setup_id: policy.setupId,
    });
    const deactivatee = await managed('deact');
    const deletee = await managed('delete');
    const unchanged = await managed('same');
    const conflicting = await insertUser(scratch.db, company, { email: 'conflict@example.com' });
    const unchangedBefore = await userById(scratch.db, unchanged);

    const changes: PlannedChange[] = [
      change('create', 'e-new', null, { after: fields('new') }),
      change('adopt', 'e-adopt', adoptee, { before: { jobTitle: 'Old' }, after: { jobTitle: 'New' } }),
      change('update', 'e-update', updatee, {
        before: { jobTitle: 'Old', department: null },
        after: { jobTitle: 'New', department: 'Sales' },
      }),
      change('update', 'e-react', reactivatee, { before: { active: false }, after: { active: true } }),
      change('deactivate', 'e-deact', deactivatee, {
        before: fields('deact'),
        after: { active: false, jobTitle: 'Gone' },
      }),
      change('delete', 'e-delete', deletee, { before: fields('delete') }),
      change('unchanged', 'e-same', unchanged),
      change('skip', 'e-skip', null),
      change('conflict', 'e-conflict', conflicting),
    ];
    const result = await applyBatch(scratch.db, input('members:1', changes, { cursor: 'e-update' }));
    const expected = counts({
      created: 1,
      adopted: 1,
      updated: 2,
      deactivated: 1,
      deleted: 1,
      unchanged: 1,
      skipped: 1,
      conflicts: 1,
    });
    expect(result).toEqual({ counts: expected, alreadyApplied: false, cursor: 'e-update' });

    const created = await scratch.db
      .selectFrom('users')
      .selectAll()
      .where('external_id', '=', 'e-new')
      .executeTakeFirstOrThrow();
    expect(created).toMatchObject({
      company_id: company.companyId,
      customer_type_id: company.customerTypeId,
      managing_setup_id: policy.setupId,
      email: 'new@example.com',
      initials: 'NEW',
      first_name: 'First',
      last_name: 'new',
      display_name: 'First new',
      department: 'R&D',
      job_title: 'Engineer',
      active: true,
      deactivated_at: null,
    });
    expect(await userById(scratch.db, adoptee)).toMatchObject({
      external_id: 'e-adopt',
      managing_setup_id: policy.setupId,
      job_title: 'New',
      email: 'adopt@example.com',
    });
    expect(await userById(scratch.db, updatee)).toMatchObject({
      job_title: 'New',
      department: 'Sales',
      email: 'update@example.com',
    });
    expect(await userById(scratch.db, reactivatee)).toMatchObject({
      active: true,
      deactivated_at: null,
      deactivated_by_setup_id: null,
    });
    expect(await userById(scratch.db, deactivatee)).toMatchObject({
      active: false,
      deactivated_at: NOW,
      deactivated_by_setup_id: policy.setupId,
      job_title: 'Gone',
    });
    expect(await userById(scratch.db, deletee)).toBeUndefined();
    expect(await userById(scratch.db, unchanged)).toEqual(unchangedBefore);
    expect(await userById(scratch.db, conflicting)).toMatchObject({ external_id: null, managing_setup_id: null });

    const audit = await auditRows(scratch.db, runId);
    expect(audit.map((row) => row.action).sort()).toEqual([
      'adopt',
      'conflict',
      'create',
      'deactivate',
      'delete',
      'skip',
      'update',
      'update',
    ]);
    const bySubject = new Map(audit.map((row) => [row.subject_key, row]));
    expect(bySubject.has('e-same')).toBe(false);
    for (const planned of changes.filter((c) => c.action !== 'unchanged')) {
      expect(bySubject.get(planned.externalId!)).toMatchObject({
        run_id: runId,
        setup_id: policy.setupId,
        company_id: company.companyId,
        external_id: planned.externalId,
        user_id: planned.action === 'create' ? created.id : planned.userId,
        action: planned.action,
        before: planned.before,
        after: planned.after,
        reason: planned.reason,
      });
    }

    const batch = await scratch.db
      .selectFrom('sync_run_batches')
      .selectAll()
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow();
    expect(batch).toMatchObject({ batch_key: 'members:1', counts: expected, cursor: 'e-update' });
    expect((await getRun(scratch.db, runId))?.counts).toEqual(expected);
  });

  it('a batch applied again (a retried activity) writes nothing and returns the stored counts and cursor', async () => {
    const { runId, input, users, managed } = await context();
    const updatee = await managed('u1', { job_title: 'Old' });
    const first = input(
      'members:1',
      [
        change('create', 'e-c1', null, { after: fields('c1') }),
        change('update', 'e-u1', updatee, { after: { jobTitle: 'New' } }),
      ],
      { cursor: 'e-u1' },
    );
    const applied = await applyBatch(scratch.db, first);
    const usersAfter = await users();
    const auditAfter = await auditRows(scratch.db, runId);

    const again = await applyBatch(scratch.db, first);
    expect(again).toEqual({ counts: applied.counts, alreadyApplied: true, cursor: 'e-u1' });

    // the retry's re-read sees the first attempt's writes and plans differently: still the same batch, still nothing
    const replanned = input(
      'members:1',
      [
        change('unchanged', 'e-c1', usersAfter[0]!.id),
        change('update', 'e-u1', updatee, { after: { jobTitle: 'Newer' } }),
      ],
      { cursor: 'e-zzz' },
    );
    expect(await applyBatch(scratch.db, replanned)).toEqual({
      counts: applied.counts,
      alreadyApplied: true,
      cursor: 'e-u1',
    });

    expect(await users()).toEqual(usersAfter);
    expect(await auditRows(scratch.db, runId)).toEqual(auditAfter);
    expect((await getRun(scratch.db, runId))?.counts).toEqual(counts({ created: 1, updated: 1 }));
  });

  it('two attempts of one batch racing each other apply it exactly once', async () => {
    const { runId, input, users } = await context();
    const batch = input(
      'members:race',
      Array.from({ length: 50 }, (_, i) => change('create', `e-r${i}`, null, { after: fields(`r${i}`) })),
    );
    const results = await Promise.all([applyBatch(scratch.db, batch), applyBatch(scratch.db, batch)]);
    expect(results.map((r) => r.alreadyApplied).sort()).toEqual([false, true]);
    expect(results[0]!.counts).toEqual(results[1]!.counts);
    expect(await users()).toHaveLength(50);
    expect(await auditRows(scratch.db, runId)).toHaveLength(50);
    expect((await getRun(scratch.db, runId))?.counts).toEqual(counts({ created: 50 }));
  });

  it('records a per-user failure as failed and applies the rest of the batch', async () => {
    const { company, policy, runId, input, managed } = await context();
    const otherSetup = await seedSetup(scratch.db, company);
    await insertUser(scratch.db, company, { email: 'taken@example.com', initials: 'TKN' });
    const takenElsewhere = await insertUser(scratch.db, company, {
      email: 'mine@example.com',
      managing_setup_id: otherSetup.setupId,
      external_id: 'e-theirs',
    });
    const updatee = await managed('u1');
    const initialsClash = await managed('u2');
    const creates = Array.from({ length: 40 }, (_, i) => change('create', `e-c${i}`, null, { after: fields(`c${i}`) }));
    // two creates whose email another user already has (one differs only in case)
    creates[3] = change('create', 'e-c3', null, { after: fields('c3', { email: 'taken@example.com' }) });
    creates[29] = change('create', 'e-c29', null, { after: fields('c29', { email: 'TAKEN@example.com' }) });
    const vanished = randomUUID();
    const changes: PlannedChange[] = [
      ...creates,
      change('update', 'e-u1', updatee, { after: { jobTitle: 'Lead' } }),
      change('update', 'e-u2', initialsClash, { after: { initials: 'tkn' } }),
      change('update', 'e-gone', vanished, { after: { jobTitle: 'Lead' } }),
      change('adopt', 'e-mine', takenElsewhere, { after: {} }),
    ];
    const result = await applyBatch(scratch.db, input('members:1', changes));
    // every change lands in exactly one counter: a failed one in `failed`, not in its action's
    expect(result.counts).toEqual(counts({ created: 38, updated: 1, failed: 5 }));

    expect(
      await scratch.db.selectFrom('users').select('id').where('managing_setup_id', '=', policy.setupId).execute(),
    ).toHaveLength(38 + 2);
    expect(await userById(scratch.db, updatee)).toMatchObject({ job_title: 'Lead' });
    expect(await userById(scratch.db, initialsClash)).toMatchObject({ initials: null });
    expect(await userById(scratch.db, takenElsewhere)).toMatchObject({
      managing_setup_id: otherSetup.setupId,
      external_id: 'e-theirs',
    });

    const audit = await auditRows(scratch.db, runId);
    expect(audit).toHaveLength(changes.length);
    const failed = new Map(audit.filter((row) => row.action === 'failed').map((row) => [row.subject_key, row]));
    expect([...failed.keys()].sort()).toEqual(['e-c29', 'e-c3', 'e-gone', 'e-mine', 'e-u2']);
    // e-u2 hit the initials index, e-c3/e-c29 the email index; the attempted action and its after are kept
    expect(failed.get('e-c3')).toMatchObject({ user_id: null, after: fields('c3', { email: 'taken@example.com' }) });
    expect(failed.get('e-c3')?.reason).toMatch(
      /^create failed: .*users_one_email_per_company.*\(planned: planned create of e-c3\)$/,
    );
    expect(failed.get('e-u2')?.reason).toMatch(/^update failed: .*users_one_initials_per_company/);
    expect(failed.get('e-gone')).toMatchObject({ user_id: vanished });
    expect(failed.get('e-gone')?.reason).toMatch(/^update failed: the user no longer exists/);
    expect(failed.get('e-mine')?.reason).toMatch(/^adopt failed: .*another setup/);
  });

  it('isolates failures however many rows fail, down to every one of them', async () => {
    const { company, runId, input, users } = await context();
    await insertUser(scratch.db, company, { email: 'taken@example.com' });
    const changes = Array.from({ length: 33 }, (_, i) =>
      change('create', `e-c${i}`, null, { after: fields(`c${i}`, i % 3 === 0 ? {} : { email: 'taken@example.com' }) }),
    );
    expect((await applyBatch(scratch.db, input('members:1', changes))).counts).toEqual(
      counts({ created: 11, failed: 22 }),
    );
    expect(await users()).toHaveLength(12);
    const allFail = changes.map((c, i) => ({
      ...c,
      externalId: `e-f${i}`,
      after: fields(`f${i}`, { email: 'taken@example.com' }),
    }));
    expect((await applyBatch(scratch.db, input('members:2', allFail))).counts).toEqual(counts({ failed: 33 }));
    expect(await users()).toHaveLength(12);
    expect(await auditRows(scratch.db, runId)).toHaveLength(66);
  });

  it('two creates of one batch sharing an email or initials: the first is created, the second fails naming the value', async () => {
    const { runId, input, users } = await context();
    const changes = [
      change('create', 'e-a', null, { after: fields('a', { email: 'Same@example.com' }) }),
      change('create', 'e-b', null, { after: fields('b', { email: 'same@EXAMPLE.com' }) }),
      change('create', 'e-c', null, { after: fields('c', { initials: 'XY' }) }),
      change('create', 'e-d', null, { after: fields('d', { initials: 'xy' }) }),
      change('create', 'e-e', null, { after: fields('e', { active: false }) }),
    ];
    expect((await applyBatch(scratch.db, input('members:1', changes))).counts).toEqual(
      counts({ created: 3, failed: 2 }),
    );
    expect((await users()).map((u) => [u.external_id, u.active]).sort()).toEqual([
      ['e-a', true],
      ['e-c', true],
      ['e-e', false],
    ]);
    const failed = new Map(
      (await auditRows(scratch.db, runId))
        .filter((row) => row.action === 'failed')
        .map((row) => [row.subject_key, row.reason]),
    );
    expect(failed.get('e-b')).toMatch(
      /^create failed: another user of the company already has the email same@EXAMPLE\.com \(users_one_email_per_company\)/,
    );
    expect(failed.get('e-d')).toMatch(
      /^create failed: another user of the company already has the initials xy \(users_one_initials_per_company\)/,
    );
  });

  it('a dry run writes the audit rows and the batch but no user', async () => {
    const { runId, input, users, managed } = await context();
    const updatee = await managed('u1');
    const deletee = await managed('d1');
    const before = await users();
    const changes = [
      change('create', 'e-c1', null, { after: fields('c1') }),
      change('update', 'e-u1', updatee, { after: { jobTitle: 'Lead' } }),
      change('delete', 'e-d1', deletee, { before: fields('d1') }),
    ];
    const result = await applyBatch(scratch.db, input('members:1', changes, { dryRun: true }));
    expect(result.counts).toEqual(counts({ created: 1, updated: 1, deleted: 1 }));
    expect(await users()).toEqual(before);
    const audit = await auditRows(scratch.db, runId);
    expect(audit.map((row) => [row.action, row.user_id])).toEqual([
      ['create', null],
      ['update', updatee],
      ['delete', deletee],
    ]);
    expect((await getRun(scratch.db, runId))?.counts).toEqual(result.counts);
  });

  it('a dry-run run never writes users, whatever the batch says', async () => {
    const { input, users, managed } = await context({ dryRunRun: true });
    const updatee = await managed('u1');
    const before = await users();
    await applyBatch(
      scratch.db,
      input('members:1', [
        change('update', 'e-u1', updatee, { after: { jobTitle: 'Lead' } }),
        change('create', 'e-c1', null, { after: fields('c1') }),
      ]),
    );
    expect(await users()).toEqual(before);
  });

  it('keeps the run counts equal to the sum of its batches under retries', async () => {
    const { runId, input, managed } = await context();
    const sum = emptyCounts();
    const batches = await Promise.all(
      [0, 1, 2].map(async (b) => {
        const user = await managed(`u${b}`);
        return input(`members:${b}`, [
          change('create', `e-c${b}`, null, { after: fields(`c${b}`) }),
          change('update', `e-u${b}`, user, { after: { jobTitle: `T${b}` } }),
          change('unchanged', `e-n${b}`, randomUUID()),
          change('skip', `e-s${b}`, null),
        ]);
      }),
    );
    for (const batch of [batches[0]!, batches[1]!, batches[0]!, batches[2]!, batches[1]!]) {
      const result = await applyBatch(scratch.db, batch);
      if (!result.alreadyApplied)
        for (const key of Object.keys(sum) as (keyof RunCounts)[]) sum[key] += result.counts[key];
    }
    expect(sum).toEqual(counts({ created: 3, updated: 3, unchanged: 3, skipped: 3 }));
    expect(await runCounts(scratch.db, runId)).toEqual(sum);
    expect((await getRun(scratch.db, runId))?.counts).toEqual(sum);
    expect(await auditRows(scratch.db, runId)).toHaveLength(9);
  });

  it('a finished run takes no new batch, but a replay of an applied one still returns its result', async () => {
    const { runId, input, users } = await context();
    const applied = await applyBatch(
      scratch.db,
      input('members:1', [change('create', 'e-c1', null, { after: fields('c1') })]),
    );
    await markRun(scratch.db, runId, { status: 'succeeded', finishedAt: NOW });
    await expect(
      applyBatch(scratch.db, input('members:2', [change('create', 'e-c2', null, { after: fields('c2') })])),
    ).rejects.toBeInstanceOf(RunNotActiveError);
    expect(await applyBatch(scratch.db, input('members:1', []))).toEqual({
      counts: applied.counts,
      alreadyApplied: true,
      cursor: null,
    });
    expect(await users()).toHaveLength(1);
    expect(
      await scratch.db.selectFrom('sync_run_batches').select('batch_key').where('run_id', '=', runId).execute(),
    ).toEqual([{ batch_key: 'members:1' }]);
  });

  it('refuses a batch that plans one subject twice, before writing anything', async () => {
    const { runId, input, users } = await context();
    const twice = input('members:1', [
      change('create', 'e-c1', null, { after: fields('c1') }),
      change('skip', 'e-c1', null),
    ]);
    await expect(applyBatch(scratch.db, twice)).rejects.toThrow(/e-c1 twice/);
    expect(await users()).toHaveLength(0);
    expect(await auditRows(scratch.db, runId)).toHaveLength(0);
  });

  it("runs inside a caller's transaction and goes with it when the caller rolls back", async () => {
    const { runId, input, users } = await context();
    await expect(
      scratch.db.transaction().execute(async (trx) => {
        await applyBatch(trx, input('members:1', [change('create', 'e-c1', null, { after: fields('c1') })]));
        throw new Error('caller gives up');
      }),
    ).rejects.toThrow('caller gives up');
    expect(await users()).toHaveLength(0);
    expect(await auditRows(scratch.db, runId)).toHaveLength(0);
    expect(
      (await applyBatch(scratch.db, input('members:1', [change('create', 'e-c1', null, { after: fields('c1') })])))
        .alreadyApplied,
    ).toBe(false);
  });

  it('only ever appends to the audit: rows written by earlier batches stay exactly as they were', async () => {
    const { runId, input, managed } = await context();
    const user = await managed('u1');
    await applyBatch(scratch.db, input('members:1', [change('update', 'e-u1', user, { after: { jobTitle: 'A' } })]));
    const first = await auditRows(scratch.db, runId);
    await applyBatch(scratch.db, input('members:2', [change('create', 'e-c1', null, { after: fields('c1') })]));
    await applyBatch(scratch.db, input('members:1', [change('update', 'e-u1', user, { after: { jobTitle: 'B' } })]));
    const later = await auditRows(scratch.db, runId);
    expect(later.slice(0, first.length)).toEqual(first);
    expect(later).toHaveLength(2);
    // and the database refuses anything else (the append-only trigger of the initial schema)
    await expect(scratch.db.deleteFrom('sync_changes').where('run_id', '=', runId).execute()).rejects.toThrow(
      /append-only/,
    );
  });
});
