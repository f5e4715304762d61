import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, ChunkLoopResult } from '../activities/index.js';
import { checkDeletionGuard } from '../sync/deletion-guard.js';
import { priorityKeyForMembers } from '../sync/run-priority.js';
import { because, isReason, type Reason } from '../sync/reasons.js';
import {
  approveRemovalsSignal,
  rejectRemovalsSignal,
  runProgressQuery,
  type RunProgress,
  type SyncRunInput,
} from './sync-run-messages.js';

const nonRetryableErrorTypes = [
  'GroupNotFound',
  'DirectoryAccessLost',
  'DirectoryConfiguration',
  'SetupGone',
  'RunNotActiveError',
  'DirectoryRequestFailed',
];

/**
 * The run's activities at a priority (src/sync/run-priority.ts): the workflow starts at the priority its starter
 * estimated; once the run knows more (the setup's last size from beginRun, then the members actually read), its
 * later activities carry that, so a big run's batches wait behind small runs' when the task queue backs up. The
 * fairness key (the company) is inherited from the workflow. Without a key (undefined) activities inherit the
 * workflow's priority.
 */
function activitiesAt(priorityKey: number | undefined, heartbeatTimeoutMs: number) {
  const priority = priorityKey === undefined ? {} : { priority: { priorityKey } };
  const short = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes },
    ...priority,
  });
  // Long activities heartbeat their cursor: a worker that dies is noticed within the heartbeat timeout and the
  // retry resumes from the last cursor instead of starting over.
  const long = proxyActivities<Activities>({
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: heartbeatTimeoutMs,
    retry: { initialInterval: '2s', maximumInterval: '2 minutes', maximumAttempts: 20, nonRetryableErrorTypes },
    ...priority,
  });
  // named one by one: the proxies answer any property but list none, so they can't be spread
  return {
    beginRun: short.beginRun,
    readDeltaChanges: short.readDeltaChanges,
    assessRemovals: short.assessRemovals,
    setRunStatus: short.setRunStatus,
    prepareRereadIfStale: short.prepareRereadIfStale,
    finishRun: short.finishRun,
    stageDirectoryMembers: long.stageDirectoryMembers,
    applyChunks: long.applyChunks,
  };
}

/** The change id under which a run with no removal candidate skips the removal phase. */
const skipEmptyRemovalPhase = 'skip-empty-removal-phase';

/** How long a guarded run waits for someone to approve or reject its removals, unless APPROVAL_TIMEOUT says. */
const defaultApprovalTimeoutMs = 24 * 3600 * 1000;

/** '24h', '90m', '8s' — for the reason a run records. */
function describeDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * One sync run of one setup: read the group's members into staging, assess removals against the deletion
 * guard, apply member changes then removals in idempotent batches, record the outcome. Thin by design: the
 * decisions live in the pure planner, the I/O in activities, and only ids, cursors and counts pass through
 * this history.
 */
export async function syncRunWorkflow(input: SyncRunInput): Promise<RunProgress> {
  let decision: 'approved' | 'rejected' | undefined;
  const approvalTimeoutMs = input.approvalTimeoutMs ?? defaultApprovalTimeoutMs;
  setHandler(approveRemovalsSignal, () => void (decision ??= 'approved'));
  setHandler(rejectRemovalsSignal, () => void (decision ??= 'rejected'));
  const progress: RunProgress = {
    runId: input.state?.runId ?? input.runId,
    phase: 'starting',
    membersRead: input.state?.membersRead ?? 0,
  };
  setHandler(runProgressQuery, () => progress);

  let state = input.state;
  const dryRun = input.dryRun ?? false;
  const heartbeatTimeoutMs = input.heartbeatTimeoutMs ?? 60_000;
  const { beginRun } = activitiesAt(undefined, heartbeatTimeoutMs);
  // after continue-as-new: sized by what the run read before
  let act = activitiesAt(state ? priorityKeyForMembers(state.membersRead) : undefined, heartbeatTimeoutMs);
  try {
    if (!state) {
      const begun = await beginRun({
        setupId: input.setupId,
        runId: input.runId,
        trigger: input.trigger,
        dryRun,
        fullSync: input.fullSync,
        workflowId: workflowInfo().workflowId,
      });
      if ('skipped' in begun) {
        progress.phase = 'skipped';
        return progress;
      }
      progress.runId = begun.runId;
      progress.phase = 'reading';
      progress.mode = begun.mode;
      act = activitiesAt(priorityKeyForMembers(begun.expectedMembers), heartbeatTimeoutMs);
      let read =
        begun.mode === 'delta' ? await act.readDeltaChanges({ runId: begun.runId, setupId: input.setupId }) : undefined;
      if (!read || read.fallback !== undefined) {
        progress.mode = 'full';
        read = await act.stageDirectoryMembers({ runId: begun.runId, setupId: input.setupId });
      }
      progress.membersRead = read.members;
      act = activitiesAt(priorityKeyForMembers(read.members), heartbeatTimeoutMs);

      let holdReason: Reason | undefined;
      let assessment: Awaited<ReturnType<Activities['assessRemovals']>>;
      // Assess; when the guard asks for approval, wait at most APPROVAL_TIMEOUT. An approval of a read older than
      // that reads the group again and assesses anew (asking again if the new read still needs approval).
      for (;;) {
        progress.phase = 'planning';
        assessment = await act.assessRemovals({ runId: begun.runId, setupId: input.setupId });
        progress.removals = assessment.removals;
        const guard = checkDeletionGuard(
          {
            removals: assessment.removals,
            managedCount: assessment.managedCount,
            memberReadSucceeded: true,
            memberCount: assessment.memberCount,
          },
          assessment.threshold,
        );
        holdReason = guard.verdict === 'forbid_removals' ? guard.reasonDetail : undefined;
        // A preview shows every removal it would apply once approved.
        if (guard.verdict !== 'needs_approval' || dryRun) break;
        progress.phase = 'awaiting_approval';
        decision = undefined;
        await act.setRunStatus({ runId: begun.runId, status: 'awaiting_approval' });
        const answered = await condition(() => decision !== undefined, approvalTimeoutMs);
        await act.setRunStatus({ runId: begun.runId, status: 'running' });
        if (!answered) {
          holdReason = because.approvalTimedOut(describeDuration(approvalTimeoutMs), guard.reasonDetail);
          break;
        }
        if (decision === 'rejected') {
          holdReason = because.removalsRejected(guard.reasonDetail);
          break;
        }
        const { reread } = await act.prepareRereadIfStale({ runId: begun.runId, approvalTimeoutMs });
        if (!reread) break;
        progress.phase = 'reading';
        progress.mode = 'full';
        read = await act.stageDirectoryMembers({ runId: begun.runId, setupId: input.setupId });
        progress.membersRead = read.members;
      }
      state = {
        runId: begun.runId,
        phase: 'members',
        cursor: null,
        membersRead: read.members,
        holdReason,
        total: read.members + assessment.removals,
        // No removal candidate now means none after the member phase, which only writes members of this read.
        // (patched: a run started by the code before this keeps its removal phase when it is replayed)
        ...(assessment.removalCandidates === 0 && patched(skipEmptyRemovalPhase) ? { noRemovals: true } : {}),
      };
    }

    // Members, then removals, a bounded number of batches per activity call; continue-as-new keeps history small.
    for (;;) {
      progress.phase = state.phase === 'members' ? 'applying' : 'removing';
      const result: ChunkLoopResult = await act.applyChunks({
        runId: state.runId,
        setupId: input.setupId,
        phase: state.phase,
        cursor: state.cursor,
        dryRun,
        holdReason: state.holdReason,
        total: state.total,
      });
      state = { ...state, cursor: result.cursor };
      if (result.done) {
        if (state.phase === 'removals' || state.noRemovals) break;
        state = { ...state, phase: 'removals', cursor: null };
      }
      if (workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof syncRunWorkflow>({ ...input, state });
      }
    }

    progress.phase = 'finishing';
    progress.counts = await act.finishRun({ runId: state.runId, status: 'succeeded' });
    progress.phase = 'done';
    return progress;
  } catch (err) {
    const runId = state?.runId ?? progress.runId;
    if (runId && err instanceof ActivityFailure) {
      const message = err.cause instanceof ApplicationFailure ? err.cause.message : err.message;
      // a failure that carries its reason as a code (activities' codedFailure) keeps it for the run page
      const coded = err.cause instanceof ApplicationFailure ? err.cause.details?.[0] : undefined;
      progress.counts = await act.finishRun({ runId, status: 'failed', error: isReason(coded) ? coded : message });
      progress.phase = 'done';
      return progress;
    }
    throw err;
  }
}
