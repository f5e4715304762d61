import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markRun } from '../../src/db/repositories/sync-runs.js';
import {
  clearStaging,
  countSettledStaged,
  readStagedChunk,
  stageMembers,
} from '../../src/db/repositories/sync-staging.js';
import type { DigestedMember } from '../../src/sync/directory-user.js';
import { settleScopeOf } from '../../src/engine/settle-key.js';
import { applyMemberChunks, type ChunkLoopInput } from '../../src/engine/apply-chunks.js';
import type { DirectoryUser, SetupPolicy } from '../../src/sync/index.js';
import {
  auditRows,
  insertUser,
  member,
  openScratchDb,
  seedCompany,
  seedSetup,
  startRun,
  type ScratchDb,
} from './fixtures.js';

/**
 * Settled members (migration 2026_12_01_210000_settled_members): a member whose user carries the hash of its
 * staged data under the setup's policy is counted unchanged without being planned; anything that could change its
 * plan — its data, the policy, the user edited in the product, another user linked to the same Entra id — sends it
 * through the planner again.
 */
describe('settled members', () => {
  let scratch: ScratchDb;
  let company: { companyId: string; customerTypeId: string };
  let policy: SetupPolicy;
  const directory = Array.from({ length: 30 }, (_, n) => member(n));

  beforeAll(async () => {
    scratch = await openScratchDb();
    company = await seedCompany(scratch.db);
    policy = await seedSetup(scratch.db, company);
  });
  afterAll(() => scratch?.close());

  /** One run's member phase through the engine's own loop: stage, apply every chunk (batches of 7). */
  async function memberPhase(
    members: readonly DirectoryUser[] | readonly DigestedMember[],
    runPolicy = policy,
    dryRun = false,
  ) {
    const runId = await startRun(scratch.db, runPolicy, { dryRun });
    // staged as the activity stages: telling settled members apart under the run's policy
    await stageMembers(scratch.db, runId, members, 0, { page: 1, settle: settleScopeOf(runPolicy) });
    const input: ChunkLoopInput = {
      db: scratch.db,
      policy: runPolicy,
      runId,
      dryRun,
      batchSize: 7,
      maxBatches: 100,
      now: new Date(),
      mode: 'full',
    };
    const result = await applyMemberChunks(input, null);
    expect(result.done).toBe(true);
    const changes = await auditRows(scratch.db, runId);
    await finish(runId);
    return { counts: result.counts, changes };
  }

  async function finish(runId: string) {
    await clearStaging(scratch.db, runId);
    await markRun(scratch.db, runId, { status: 'succeeded', finishedAt: new Date() });
  }

  const settledUsers = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from users where settled_hash is not null`.execute(scratch.db))
      .rows[0]!.n;

  it('a first sync settles what it creates; the next run with the same data plans nothing', async () => {
    const first = await memberPhase(directory);
    expect(first.counts.created).toBe(30);
    expect(await settledUsers()).toBe(30);
    const second = await memberPhase(directory);
    expect(second.counts).toMatchObject({ unchanged: 30, created: 0, updated: 0 });
    expect(second.changes).toEqual([]);
  });

  it('a member whose data changed is planned (and settled again with its new data)', async () => {
    const changed = directory.map((m, n) => (n === 4 ? { ...m, jobTitle: 'Manager' } : m));
    expect((await memberPhase(changed)).counts).toMatchObject({ updated: 1, unchanged: 29 });
    const again = await memberPhase(changed);
    expect(again.counts).toMatchObject({ updated: 0, unchanged: 30 });
    directory[4] = changed[4]!;
  });

  it('a user edited in the product loses its mark, and the next full sync writes Entra’s values back', async () => {
    await sql`update users set job_title = 'Edited in the product' where external_id = ${directory[7]!.id}`.execute(
      scratch.db,
    );
    // an update of a column the planner does not read keeps the mark
    await sql`update users set updated_at = now() where external_id = ${directory[8]!.id}`.execute(scratch.db);
    expect(await settledUsers()).toBe(29);
    const run = await memberPhase(directory);
    expect(run.counts).toMatchObject({ updated: 1, unchanged: 29 });
    expect(run.changes.map((c) => [c.external_id, c.action])).toEqual([[directory[7]!.id, 'update']]);
  });

  it('another policy plans every member again', async () => {
    const other = { ...policy, updateExisting: false };
    const run = await memberPhase(directory, other);
    expect(run.counts.unchanged).toBe(30);
    // planned, not skipped: under the new policy every user is settled anew
    const runId = await startRun(scratch.db, policy);
    await stageMembers(scratch.db, runId, directory, 0, {
      page: 1,
      settle: { policyKey: 'a policy never applied', ...ids() },
    });
    const chunk = await readStagedChunk(scratch.db, runId, { afterExternalId: null, limit: 100 });
    expect(await countSettledStaged(scratch.db, runId)).toBe(0);
    expect(chunk.members).toHaveLength(30);
    await finish(runId);
  });

  it('another user of the company linked to the same Entra id makes the member plan again (a conflict to weigh)', async () => {
    await memberPhase(directory); // settled under `policy` again
    await insertUser(scratch.db, company, { external_id: directory[11]!.id, email: 'twin@example.com' });
    const runId = await startRun(scratch.db, policy);
    await stageMembers(scratch.db, runId, directory, 0, { page: 1, settle: settleScopeOf(policy) });
    const chunk = await readStagedChunk(scratch.db, runId, { afterExternalId: null, limit: 100 });
    expect(await countSettledStaged(scratch.db, runId)).toBe(29);
    // only the member to plan is read; the cursor after it is its own id
    expect(chunk.members.map((m) => m.id)).toEqual([directory[11]!.id]);
    expect(chunk.lastKey).toBe(directory[11]!.id);
    await finish(runId);
    await sql`delete from users where email = 'twin@example.com'`.execute(scratch.db);
  });

  it('a settled member is staged without its data; the removals still see it staged', async () => {
    await memberPhase(directory);
    const runId = await startRun(scratch.db, policy);
    await stageMembers(scratch.db, runId, directory, 0, { page: 1, settle: settleScopeOf(policy) });
    const rows = await sql<{ settled: boolean; has_data: boolean; data_hash: string | null }>`
      select settled, data is not null as has_data, data_hash from sync_run_members where run_id = ${runId}::uuid`.execute(
      scratch.db,
    );
    expect(rows.rows).toHaveLength(30);
    expect(rows.rows.every((r) => r.settled && !r.has_data && r.data_hash !== null)).toBe(true);
    // a member replayed later in the same read with other data is staged with it, and planned
    const replayed = { ...directory[3]!, department: 'Replayed' };
    expect(await stageMembers(scratch.db, runId, [replayed], 30, { page: 2, settle: settleScopeOf(policy) })).toEqual({
      staged: 1,
      added: 0,
    });
    const chunk = await readStagedChunk(scratch.db, runId, { afterExternalId: null, limit: 100 });
    expect(chunk.members).toEqual([replayed]);
    expect(await countSettledStaged(scratch.db, runId)).toBe(29);
    await finish(runId);
  });

  it('a user edited in the product after its member was staged settled is counted unchanged by this run and planned by the next', async () => {
    await memberPhase(directory);
    const runId = await startRun(scratch.db, policy);
    await stageMembers(scratch.db, runId, directory, 0, { page: 1, settle: settleScopeOf(policy) });
    await sql`update users set department = 'Edited mid-run' where external_id = ${directory[5]!.id}`.execute(
      scratch.db,
    );
    const input = loopInput(runId);
    expect((await applyMemberChunks(input, null)).counts).toMatchObject({ unchanged: 30, updated: 0 });
    await finish(runId);
    const next = await memberPhase(directory);
    expect(next.counts).toMatchObject({ updated: 1, unchanged: 29 });
    expect(next.changes.map((c) => c.external_id)).toEqual([directory[5]!.id]);
  });

  it('a dry run counts settled members unchanged and marks nothing', async () => {
    const newcomer = member(99);
    const run = await memberPhase([...directory, newcomer], policy, true);
    expect(run.counts.created).toBe(1);
    const marked = await sql<{
      n: number;
    }>`select count(*)::int as n from users where external_id = ${newcomer.id}`.execute(scratch.db);
    expect(marked.rows[0]!.n).toBe(0);
  });

  it('members a provider digested are mapped only when they are staged with their data', async () => {
    await memberPhase(directory);
    // a provider's own digests (MemberPage.digested): the first run stages and settles on them
    let mapped: string[] = [];
    const digested = (members: readonly DirectoryUser[], digestOf = (m: DirectoryUser) => `test:${m.id}`) =>
      members.map((m) => ({ id: m.id, digest: digestOf(m), user: () => (mapped.push(m.id), m) }));
    const first = await memberPhase(digested(directory));
    expect(first.counts).toMatchObject({ unchanged: 30 });
    expect(mapped).toHaveLength(30);
    mapped = [];
    // the same digests: nothing is mapped, everything is counted unchanged
    const second = await memberPhase(digested(directory));
    expect(second.counts).toMatchObject({ unchanged: 30, updated: 0 });
    expect(mapped).toEqual([]);
    // one member's digest moved: that member alone is mapped, and planned
    const changed = directory.map((m, n) => (n === 2 ? { ...m, jobTitle: 'Digested change' } : m));
    const third = await memberPhase(
      digested(changed, (m) => `test:${m.id}:${m.jobTitle}`).map((entry, n) =>
        n === 2 ? entry : { ...entry, digest: `test:${entry.id}` },
      ),
    );
    expect(third.counts).toMatchObject({ updated: 1, unchanged: 29 });
    expect(mapped).toEqual([directory[2]!.id]);
    directory[2] = changed[2]!;
    await memberPhase(directory); // settled on the stager's own digests again, for the tests after this one
  });

  it('settled members are counted once by the run, however often the member phase is retried', async () => {
    await memberPhase(directory);
    const runId = await startRun(scratch.db, policy);
    await stageMembers(scratch.db, runId, directory, 0, { page: 1, settle: settleScopeOf(policy) });
    const input = loopInput(runId);
    await applyMemberChunks(input, null);
    await applyMemberChunks(input, null); // a retried activity that starts the phase over
    const stored = await sql<{ counts: { unchanged: number } }>`
      select counts from sync_runs where id = ${runId}::uuid`.execute(scratch.db);
    expect(stored.rows[0]!.counts.unchanged).toBe(30);
    await finish(runId);
  });

  /** The member phase's input as the activity builds it, for a run staged by the test itself. */
  function loopInput(runId: string): ChunkLoopInput {
    return {
      db: scratch.db,
      policy,
      runId,
      dryRun: false,
      batchSize: 7,
      maxBatches: 100,
      now: new Date(),
      mode: 'full',
    };
  }

  function ids() {
    return { companyId: policy.companyId, setupId: policy.setupId };
  }
});
