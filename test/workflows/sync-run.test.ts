import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import { emptyCounts } from '../../src/sync/counts.js';
import { reasons, reasonText } from '../../src/sync/reasons.js';
import {
  approveRemovalsSignal,
  rejectRemovalsSignal,
  runProgressQuery,
  type SyncRunInput,
} from '../../src/workflows/sync-run-messages.js';
import { syncRunWorkflow } from '../../src/workflows/sync-run.js';
import { eventually, startStubWorker, type StubWorker } from './stub-worker.js';

/**
 * The sync-run workflow alone: the real bundle on the dev server, activities replaced by stubs that answer what
 * each case needs and record what the workflow asked. The approval timeout comes from the input (seconds, not
 * the default 7 days); continue-as-new happens at the dev server's small history limit
 * (limit.historyCount.suggestContinueAsNew=200, test/global-setup.ts).
 */
interface Script {
  /** What assessRemovals answers: decides the deletion guard's verdict. */
  assessment: {
    removals: number;
    managedCount: number;
    memberCount: number;
    threshold: { count: number; percent: number };
    removalCandidates?: number;
  };
  /** How many applyChunks calls each phase takes before it is done. */
  chunks: { members: number; removals: number };
}

interface ChunkCall {
  workflowRunId: string;
  phase: 'members' | 'removals';
  cursor: string | null;
  holdReason?: string;
  total: number;
}

interface Recorded {
  begun: number;
  staged: number;
  assessed: number;
  statuses: string[];
  chunks: ChunkCall[];
  finished: { status: string; error?: string }[];
}

const scripts = new Map<string, Script>();
const recorded = new Map<string, Recorded>();
const runIdOf = (setupId: string) => `run-${setupId}`;
const setupOf = (runId: string) => runId.replace(/^run-/, '');
const record = (setupId: string) => recorded.get(setupId)!;
const membersStaged = 40;

const stubs: Partial<Activities> = {
  async beginRun(input) {
    record(input.setupId).begun += 1;
    return { runId: runIdOf(input.setupId), mode: 'full', dryRun: input.dryRun };
  },
  async stageDirectoryMembers(input) {
    record(input.setupId).staged += 1;
    return { members: membersStaged, pages: 1 };
  },
  async readDeltaChanges() {
    throw new Error('full runs only in these tests');
  },
  async assessRemovals(input) {
    record(input.setupId).assessed += 1;
    return scripts.get(input.setupId)!.assessment;
  },
  async setRunStatus(input) {
    record(setupOf(input.runId)).statuses.push(input.status);
  },
  async prepareRereadIfStale() {
    return { reread: false, readAgeMs: 0 };
  },
  async applyChunks(input) {
    const calls: ChunkCall[] = record(input.setupId).chunks;
    const workflowRunId = Context.current().info.workflowExecution?.runId ?? '?';
    calls.push({
      workflowRunId,
      phase: input.phase,
      cursor: input.cursor,
      // What the held removals' audit text will say (the workflow hands the apply a coded reason).
      holdReason: typeof input.holdReason === 'object' ? reasonText(input.holdReason) : input.holdReason,
      total: input.total,
    });
    const n = calls.filter((c) => c.phase === input.phase).length;
    const done = n >= scripts.get(input.setupId)!.chunks[input.phase];
    return { cursor: done ? null : `${input.phase}-${n}`, done, counts: emptyCounts() };
  },
  async finishRun(input) {
    const error = typeof input.error === 'object' ? reasonText(input.error) : input.error;
    record(setupOf(input.runId)).finished.push({ status: input.status, error });
    return { ...emptyCounts(), unchanged: membersStaged };
  },
};

let stub: StubWorker;
let seq = 0;

beforeAll(async () => {
  stub = await startStubWorker(stubs);
});

afterAll(async () => {
  await stub?.close();
});

/** More removals than the count threshold: the guard asks for approval. */
const heldForApproval: Script['assessment'] = {
  removals: 12,
  managedCount: 40,
  memberCount: 40,
  threshold: { count: 10, percent: 100 },
};
const guardReason = reasons.overCount(12, 10);

function start(script: Script, input: Partial<SyncRunInput> = {}) {
  const setupId = `setup-${Date.now()}-${seq++}`;
  scripts.set(setupId, script);
  recorded.set(setupId, { begun: 0, staged: 0, assessed: 0, statuses: [], chunks: [], finished: [] });
  const handle = stub.env.client.workflow.start(syncRunWorkflow, {
    workflowId: `wf-test-${setupId}`,
    taskQueue: stub.taskQueue,
    args: [{ setupId, trigger: 'manual', ...input }],
  });
  return { setupId, handle, record: () => record(setupId) };
}

async function awaitingApproval(handle: Awaited<ReturnType<typeof start>['handle']>) {
  await eventually(
    () => handle.query(runProgressQuery),
    (p) => p.phase === 'awaiting_approval',
  );
}

describe('sync-run workflow with stub activities', () => {
  it('a held run that nobody approves in time applies its members with every removal held back, saying why', async () => {
    const run = start(
      { assessment: heldForApproval, chunks: { members: 2, removals: 2 } },
      { approvalTimeoutMs: 1500 },
    );
    const handle = await run.handle;
    await awaitingApproval(handle);
    const result = await handle.result();

    expect(result).toMatchObject({
      phase: 'done',
      runId: runIdOf(run.setupId),
      membersRead: membersStaged,
      removals: 12,
    });
    const rec = run.record();
    expect(rec.statuses).toEqual(['awaiting_approval', 'running']);
    expect(rec.chunks.map((c) => c.phase)).toEqual(['members', 'members', 'removals', 'removals']);
    for (const call of rec.chunks) expect(call.holdReason).toBe(`removals not approved within 1500ms: ${guardReason}`);
    expect(rec.finished).toEqual([{ status: 'succeeded', error: undefined }]);
  });

  it('a rejected run keeps everyone: its removals are held back with the rejection as the reason', async () => {
    const run = start(
      { assessment: heldForApproval, chunks: { members: 1, removals: 1 } },
      { approvalTimeoutMs: 60_000 },
    );
    const handle = await run.handle;
    await awaitingApproval(handle);
    await handle.signal(rejectRemovalsSignal, { by: 'test' });
    await handle.result();

    const rec = run.record();
    expect(rec.statuses).toEqual(['awaiting_approval', 'running']);
    expect(rec.chunks.map((c) => [c.phase, c.holdReason])).toEqual([
      ['members', `removals rejected: ${guardReason}`],
      ['removals', `removals rejected: ${guardReason}`],
    ]);
    expect(rec.finished).toEqual([{ status: 'succeeded', error: undefined }]);
  });

  it('an approved run applies its removals (no hold reason)', async () => {
    const run = start(
      { assessment: heldForApproval, chunks: { members: 1, removals: 1 } },
      { approvalTimeoutMs: 60_000 },
    );
    const handle = await run.handle;
    await awaitingApproval(handle);
    await handle.signal(approveRemovalsSignal, { by: 'test' });
    await handle.result();

    const rec = run.record();
    expect(rec.statuses).toEqual(['awaiting_approval', 'running']);
    expect(rec.chunks).toHaveLength(2);
    for (const call of rec.chunks) expect(call.holdReason).toBeUndefined();
  });

  it('a run whose assessment found no removal candidate ends after its member phase; an uncounted one does not', async () => {
    const none = { removals: 0, managedCount: 40, memberCount: 40, threshold: { count: 10, percent: 100 } };
    const skipped = start({ assessment: { ...none, removalCandidates: 0 }, chunks: { members: 2, removals: 1 } });
    const kept = start({ assessment: none, chunks: { members: 2, removals: 1 } });
    const staying = start({ assessment: { ...none, removalCandidates: 3 }, chunks: { members: 2, removals: 1 } });
    for (const run of [skipped, kept, staying]) await (await run.handle).result();
    expect(skipped.record().chunks.map((c) => c.phase)).toEqual(['members', 'members']);
    // not counted (a setup that keeps users who left), or candidates the planner keeps: the phase still runs
    expect(kept.record().chunks.map((c) => c.phase)).toEqual(['members', 'members', 'removals']);
    expect(staying.record().chunks.map((c) => c.phase)).toEqual(['members', 'members', 'removals']);
    for (const run of [skipped, kept, staying])
      expect(run.record().finished).toEqual([{ status: 'succeeded', error: undefined }]);
  });

  it('continue-as-new carries the run: its id, phase, cursor, hold reason and totals; nothing is read or assessed twice', async () => {
    // An empty member read of a setup that manages users forbids removals: the hold reason must survive the new run.
    const forbidden: Script['assessment'] = {
      removals: 5,
      managedCount: 5,
      memberCount: 0,
      threshold: { count: 10, percent: 100 },
    };
    const run = start({ assessment: forbidden, chunks: { members: 60, removals: 3 } });
    const handle = await run.handle;
    const result = await handle.result();

    const rec = run.record();
    const runs = [...new Set(rec.chunks.map((c) => c.workflowRunId))];
    expect(runs.length).toBeGreaterThan(1); // the history limit was reached: the workflow continued as new
    expect(handle.firstExecutionRunId).toBe(runs[0]);
    expect([rec.begun, rec.staged, rec.assessed]).toEqual([1, 1, 1]);
    // Every call resumes exactly where the previous one stopped, across the run boundaries.
    const members = rec.chunks.filter((c) => c.phase === 'members');
    const removals = rec.chunks.filter((c) => c.phase === 'removals');
    expect(members.map((c) => c.cursor)).toEqual([null, ...Array.from({ length: 59 }, (_, i) => `members-${i + 1}`)]);
    expect(removals.map((c) => c.cursor)).toEqual([null, 'removals-1', 'removals-2']);
    expect(rec.chunks.map((c) => c.phase)).toEqual([
      ...members.map(() => 'members'),
      ...removals.map(() => 'removals'),
    ]);
    for (const call of rec.chunks) {
      expect(call.holdReason).toBe(reasons.noMembersReturned(5));
      expect(call.total).toBe(membersStaged + 5);
    }
    // The last run reports the state it was handed: the run id and members read by the first.
    expect(result).toMatchObject({ phase: 'done', runId: runIdOf(run.setupId), membersRead: membersStaged });
    expect(rec.finished).toEqual([{ status: 'succeeded', error: undefined }]);
  });
});
