import { ApplicationFailure, Context } from '@temporalio/activity';
import { findConnection } from '../db/repositories/connections.js';
import { markSetupError, findSetup } from '../db/repositories/setups.js';
import {
  clearDeltaRun,
  countDeltaUnchanged,
  findDeltaState,
  setPendingDelta,
  stageDeltaMembers,
} from '../db/repositories/sync-delta.js';
import {
  analyzeStaging,
  analyzeFromRows,
  analyzeUsers,
  clearStaging,
  UnreadableStagedMemberError,
} from '../db/repositories/sync-staging.js';
import { closeRun } from '../db/repositories/sync-run-outcome.js';
import {
  createRun,
  getRun,
  markRun,
  RunAlreadyActiveError,
  resetRunReadCounts,
  runCounts,
  setRunMode,
  updateProgress,
  updateProcessedProgress,
  lastFullRunMembers,
} from '../db/repositories/sync-runs.js';
import type { DirectoryConnection, RunMode, RunStatus, RunTrigger, SyncSetup } from '../db/schema.js';
import {
  applyMemberChunks,
  applyMemberPartitions,
  applyRemovalChunks,
  type ChunkLoopInput,
  type ChunkLoopResult,
} from '../engine/apply-chunks.js';
import { assessRemovals, type RemovalAssessment } from '../engine/assess-removals.js';
import { runDeltaSink } from '../engine/incremental-sink.js';
import { memberPolicyFromSetup, policyFromSetup, scopeFromSetup } from '../engine/setup-policy.js';
import { providerRuleGroups } from '../engine/rule-groups.js';
import { settleScopeOf } from '../engine/settle-key.js';
import { stageGroupMembers, type PagingCursor } from '../engine/stage-members.js';
import { directoryProviderFor, UnknownDirectoryProviderError } from '../directory/factory.js';
import type { DirectoryProvider } from '../directory/provider.js';
import { observeDirectoryRetries } from '../directory/retry-observer.js';
import { reconcileCompanySchedules, reconcileSchedule } from '../setups/schedules.js';
import type { RunCounts, SetupPolicy } from '../sync/types.js';
import type { ActivityDeps } from './deps.js';
import { recordAccessLost } from './onboarding.js';
import { holdRunForApproval } from '../db/repositories/events.js';
import { countFinishedRun, guardHoldsTotal } from '../metrics/registry.js';
import { reasonText, type Reason } from '../sync/reasons.js';
import { statusBecause } from '../sync/status-reasons.js';

/**
 * A member staged as its directory sent it that cannot be mapped back fails the run for good (a retry reads the
 * same row): before its removal phase, so nobody is removed on a read the run could not use.
 */
function unreadableMemberFails<A extends unknown[], R>(apply: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await apply(...args);
    } catch (err) {
      if (!(err instanceof UnreadableStagedMemberError)) throw err;
      throw ApplicationFailure.nonRetryable(
        `${err.message}. The run stopped before removing anyone; the next run reads the group again.`,
        'StagedMemberUnreadable',
      );
    }
  };
}

/** A final failure whose English message is the reason's text and whose details carry the reason's code. */
function codedFailure(reason: Reason, type: string): ApplicationFailure {
  return ApplicationFailure.create({ message: reasonText(reason), type, nonRetryable: true, details: [reason] });
}

export type BeginRunResult =
  | {
      runId: string;
      mode: RunMode;
      fullReason?: string;
      dryRun: boolean;
      /** The setup's last full run's member count (absent before the first): what the read's priority is set by. */
      expectedMembers?: number;
    }
  | { skipped: string };

/** Graph delta tokens for directory objects live 7 days; a state older than this (with a margin) is not tried. */
const deltaLinkLifetimeMs = 7 * 24 * 3600 * 1000 - 3600 * 1000;

/** Full when there is no usable delta state, when asked, for previews, or when the periodic reconcile is due. */
async function chooseMode(
  db: ActivityDeps['db'],
  setup: SyncSetup,
  options: { dryRun: boolean; fullSync?: boolean },
  now: Date,
): Promise<{ mode: RunMode; fullReason?: string }> {
  if (options.fullSync) return { mode: 'full', fullReason: 'a full sync was requested' };
  if (options.dryRun) return { mode: 'full', fullReason: 'a preview plans against the whole group' };
  const state = await findDeltaState(db, setup.id);
  if (!state) {
    if (setup.delta_reset_reason)
      return {
        mode: 'full',
        fullReason: `the setup changed (${setup.delta_reset_reason}): its delta links were dropped`,
      };
    return { mode: 'full', fullReason: 'first sync: no delta links yet' };
  }
  if (now.getTime() - state.updated_at.getTime() > deltaLinkLifetimeMs)
    return { mode: 'full', fullReason: 'the delta links are older than 7 days' };
  if (now.getTime() - state.last_full_at.getTime() > setup.full_reconcile_hours * 3600 * 1000) {
    return { mode: 'full', fullReason: `periodic full reconcile (every ${setup.full_reconcile_hours} h)` };
  }
  return { mode: 'delta' };
}

export function createSyncRunActivities(deps: ActivityDeps) {
  const { db, config, logger } = deps;

  async function loadSetup(setupId: string): Promise<SyncSetup> {
    const setup = await findSetup(db, setupId);
    if (!setup) throw ApplicationFailure.nonRetryable(`setup ${setupId} no longer exists`, 'SetupGone');
    return setup;
  }

  /** The directory behind the setup's connection, through the port; a setup without one cannot run. */
  async function directoryOf(
    setup: SyncSetup,
  ): Promise<{ connection: DirectoryConnection; provider: DirectoryProvider }> {
    const connection = await findConnection(db, setup.connection_id);
    if (!connection) throw ApplicationFailure.nonRetryable('the setup’s connection no longer exists', 'SetupGone');
    try {
      return { connection, provider: directoryProviderFor(deps, connection) };
    } catch (err) {
      // A kind this service has no provider for will not get one by retrying.
      if (err instanceof UnknownDirectoryProviderError)
        throw ApplicationFailure.nonRetryable(err.message, 'DirectoryConfiguration');
      throw err;
    }
  }

  /**
   * Turns a directory failure (as the provider classifies it) into a retry, or into a final failure that records
   * why on the setup or connection. Only "not found" about the group itself means the group is gone; any answer
   * the directory will give again fails the run at once with what it answered. What can pass (throttling, an
   * unavailable or unreachable directory) is retried with backoff, and the run says so meanwhile (progress.retrying).
   */
  async function failFromDirectory(
    err: unknown,
    provider: DirectoryProvider,
    setup: SyncSetup,
    runId: string,
  ): Promise<never> {
    const failure = provider.classify(err);
    switch (failure.kind) {
      case 'not_found': {
        if (failure.about !== 'group') throw ApplicationFailure.nonRetryable(failure.message, 'DirectoryRequestFailed');
        const reason = statusBecause.groupGone(setup.group_id);
        await markSetupError(db, setup.id, reason);
        await reconcileSchedule(deps, setup.id);
        throw codedFailure(reason, 'GroupNotFound');
      }
      case 'access_lost': {
        const reason = statusBecause.directoryAccessLost(failure.message);
        await recordAccessLost(deps, setup.connection_id, reason);
        await reconcileCompanySchedules(deps, { connectionId: setup.connection_id });
        throw codedFailure(reason, 'DirectoryAccessLost');
      }
      case 'configuration': {
        const reason = statusBecause.directoryConfiguration(failure.message);
        await markSetupError(db, setup.id, reason);
        await reconcileSchedule(deps, setup.id);
        throw codedFailure(reason, 'DirectoryConfiguration');
      }
      case 'throttled':
      case 'transient': {
        // The directory said when to come back (Retry-After), or our own backoff: 2 s, 4 s, 8 s… up to 2 minutes.
        const attempt = Context.current().info.attempt;
        const delayMs = failure.retryAfterMs ?? Math.min(120_000, 2000 * 2 ** (attempt - 1));
        const reason = failure.message;
        await updateProgress(db, runId, {
          retrying: { attempt: attempt + 1, reason, nextAttemptAt: new Date(Date.now() + delayMs).toISOString() },
        });
        logger.warn({ runId, attempt, delayMs, reason }, 'directory read failed; retrying');
        throw ApplicationFailure.create({
          message: reason,
          type: failure.kind === 'throttled' ? 'Throttled' : 'DirectoryUnavailable',
          nextRetryDelay: delayMs,
        });
      }
      default:
        // request_failed: an answer that will not change on a retry fails the run at once, with the answer.
        throw ApplicationFailure.nonRetryable(failure.message, 'DirectoryRequestFailed');
    }
  }

  /** Directory work of one run: each retry the provider's client makes on its own shows on the run as it waits. */
  function reportingRetries<T>(runId: string, work: () => Promise<T>): Promise<T> {
    return observeDirectoryRetries((retry) => {
      const retrying = {
        attempt: retry.attempt,
        reason: retry.reason,
        nextAttemptAt: retry.nextAttemptAt.toISOString(),
      };
      updateProgress(db, runId, { retrying }).catch((err: unknown) =>
        logger.warn({ runId, err }, 'could not record a retry on the run'),
      );
    }, work);
  }

  return {
    /** Creates (schedule) or starts (API-created) the run row; a setup with another active run is skipped. */
    async beginRun(input: {
      setupId: string;
      runId?: string;
      trigger: RunTrigger;
      dryRun: boolean;
      fullSync?: boolean;
      workflowId: string;
    }): Promise<BeginRunResult> {
      const setup = await loadSetup(input.setupId);
      const { mode, fullReason } = await chooseMode(db, setup, input, new Date());
      let runId = input.runId;
      if (!runId) {
        try {
          runId = (
            await createRun(db, {
              setupId: setup.id,
              companyId: setup.company_id,
              trigger: input.trigger,
              mode,
              dryRun: input.dryRun,
              workflowId: input.workflowId,
            })
          ).id;
        } catch (err) {
          if (err instanceof RunAlreadyActiveError) return { skipped: err.activeRunId };
          throw err;
        }
      }
      await markRun(db, runId, { status: 'running', startedAt: new Date() });
      await setRunMode(db, runId, mode);
      await updateProgress(db, runId, { phase: 'reading', ...(fullReason ? { fullReason } : {}) });
      logger.info(
        { runId, setupId: setup.id, trigger: input.trigger, dryRun: input.dryRun, mode, fullReason },
        'sync run started',
      );
      const expectedMembers = await lastFullRunMembers(db, setup.id);
      return { runId, mode, fullReason, dryRun: input.dryRun, expectedMembers };
    },

    /** Pages the group's members into staging; resumes from the heartbeated cursor after a retry. */
    async stageDirectoryMembers(input: {
      runId: string;
      setupId: string;
    }): Promise<{ members: number; pages: number }> {
      const setup = await loadSetup(input.setupId);
      const { provider, connection } = await directoryOf(setup);
      const scope = scopeFromSetup(setup);
      const context = Context.current();
      const resume = context.info.heartbeatDetails as PagingCursor | undefined;
      try {
        // "From now on" state taken before the read: a change made while we page is seen by the next incremental run.
        const run = await getRun(db, input.runId);
        const incremental =
          !resume && run && !run.dry_run
            ? await reportingRetries(input.runId, () => provider.startIncremental(scope))
            : null;
        if (incremental) await setPendingDelta(db, input.runId, incremental);
        // settled members are staged without their data (sync-settled.ts), under the policy the apply plans with
        const settle = settleScopeOf(memberPolicyFromSetup(setup, connection));
        const cursor = await reportingRetries(input.runId, () =>
          stageGroupMembers({
            db,
            provider,
            scope,
            settle,
            runId: input.runId,
            pageSize: config.sync.pageSize,
            resume,
            progressOf: (c) => ({
              phase: 'reading',
              pagesRead: c.pages,
              membersRead: c.ordinal,
              membersExpected: c.expected ?? null,
              retrying: null,
            }),
            onPage: (c) => context.heartbeat(c),
          }),
        );
        await analyzeStaging(db, cursor.ordinal);
        // When the read ended: an approval given after APPROVAL_TIMEOUT of it re-reads first (readIfApprovalStale).
        await updateProgress(db, input.runId, { readAt: new Date().toISOString() });
        logger.info({ runId: input.runId, pages: cursor.pages, members: cursor.ordinal }, 'members staged');
        return { members: cursor.ordinal, pages: cursor.pages };
      } catch (err) {
        return failFromDirectory(err, provider, setup, input.runId);
      }
    },

    /** A delta run's read: what changed since the stored links, staged like a full read; or why it must be full. */
    async readDeltaChanges(input: { runId: string; setupId: string }): Promise<{ fallback?: string; members: number }> {
      const setup = await loadSetup(input.setupId);
      const state = await findDeltaState(db, setup.id);
      if (!state) return { fallback: 'no delta links', members: 0 };
      const { provider } = await directoryOf(setup);
      await clearDeltaRun(db, input.runId);
      try {
        const sink = runDeltaSink(db, { runId: input.runId, setupId: setup.id });
        const result = await reportingRetries(input.runId, () =>
          provider.readIncremental(scopeFromSetup(setup), state.state, sink),
        );
        if (result.fallback !== undefined) {
          await clearDeltaRun(db, input.runId);
          await clearStaging(db, input.runId);
          await resetRunReadCounts(db, input.runId); // the full read counts its own members (members_read)
          await setRunMode(db, input.runId, 'full');
          await updateProgress(db, input.runId, {
            fullReason: `delta not possible: ${result.fallback}`,
            retrying: null,
          });
          logger.info({ runId: input.runId, reason: result.fallback }, 'delta run falls back to a full sync');
          return { fallback: result.fallback, members: 0 };
        }
        // What changed becomes the same staging a full read produces.
        const staged = await stageDeltaMembers(db, { runId: input.runId, setupId: setup.id });
        await analyzeStaging(db, staged);
        await setPendingDelta(db, input.runId, result.state);
        await updateProgress(db, input.runId, {
          delta: { added: result.added, removed: result.removed, changedUsers: result.changedUsers },
          membersRead: staged,
          readAt: new Date().toISOString(),
          retrying: null,
        });
        return { members: staged };
      } catch (err) {
        return failFromDirectory(err, provider, setup, input.runId);
      }
    },

    /** What the deletion guard decides on, with the setup's thresholds (the workflow applies the pure guard). */
    async assessRemovals(input: {
      runId: string;
      setupId: string;
    }): Promise<RemovalAssessment & { threshold: SetupPolicy['deletionThreshold'] }> {
      const setup = await loadSetup(input.setupId);
      const policy = policyFromSetup(setup);
      await updateProgress(db, input.runId, { phase: 'planning' });
      const mode = (await getRun(db, input.runId))?.mode ?? 'full';
      const assessment = await assessRemovals(db, {
        policy,
        runId: input.runId,
        batchSize: config.sync.batchSize,
        now: new Date(),
        mode,
      });
      await updateProgress(db, input.runId, { removals: assessment.removals, managedBefore: assessment.managedCount });
      return { ...assessment, threshold: policy.deletionThreshold };
    },

    /** Applies up to SYNC_BATCHES_PER_ACTIVITY batches of members (or removed users) from the cursor on. */
    async applyChunks(input: {
      runId: string;
      setupId: string;
      phase: 'members' | 'removals';
      cursor: string | null;
      dryRun: boolean;
      holdReason?: string | Reason;
      total: number;
    }): Promise<ChunkLoopResult> {
      const setup = await loadSetup(input.setupId);
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as { cursor: string | null } | undefined;
      const members = input.phase === 'members';
      const { applyConcurrency, batchSize } = config.sync;
      // Large member phases are applied in parallel ranges; small ones (and removals) in one ordered loop.
      const run = await getRun(db, input.runId);
      // members_read equals the staged count under retries (stageMembers): no count over the whole staging here
      const staged = run?.members_read ?? 0;
      const parallel = members && applyConcurrency > 1 && staged > batchSize * applyConcurrency * 2;
      const loop: (loopInput: ChunkLoopInput, cursor: string | null) => Promise<ChunkLoopResult> = !members
        ? applyRemovalChunks
        : parallel
          ? (loopInput, cursor) => applyMemberPartitions(loopInput, cursor, applyConcurrency, staged)
          : applyMemberChunks;
      await updateProgress(db, input.runId, { phase: members ? 'applying' : 'removing' });
      const mode = run?.mode ?? 'full';
      // Adoption by match needs the address's domain among the tenant's verified domains (src/sync/adoption.ts).
      const connection = await findConnection(db, setup.connection_id);
      return unreadableMemberFails(loop)(
        {
          db,
          mode,
          policy: memberPolicyFromSetup(setup, connection),
          // customer-type rules by group membership ask the directory, per chunk (issue 16)
          ruleGroups: connection ? providerRuleGroups((await directoryOf(setup)).provider) : undefined,
          runId: input.runId,
          dryRun: input.dryRun,
          batchSize,
          maxBatches: config.sync.batchesPerActivity,
          holdReason: input.holdReason,
          now: new Date(),
          onBatch: async ({ cursor }) => {
            context.heartbeat({ cursor });
            // sync_runs.counts is kept exact by every batch: the row's own counts, not a sum over all batches so far
            await updateProcessedProgress(db, input.runId, input.total);
          },
        },
        resumed ? resumed.cursor : input.cursor,
      );
    },

    /**
     * On an approval: when the read it approves ended more than APPROVAL_TIMEOUT ago (or when is unknown), drops
     * what was staged so the workflow reads the whole group again and assesses the removals anew; the directory
     * may have changed since the admin looked. Safe to retry: clearing twice clears nothing more.
     */
    async prepareRereadIfStale(input: {
      runId: string;
      approvalTimeoutMs: number;
    }): Promise<{ reread: boolean; readAgeMs: number | null }> {
      const run = await getRun(db, input.runId);
      const readAt = typeof run?.progress.readAt === 'string' ? Date.parse(run.progress.readAt) : Number.NaN;
      const readAgeMs = Number.isNaN(readAt) ? null : Date.now() - readAt;
      if (readAgeMs !== null && readAgeMs <= input.approvalTimeoutMs) return { reread: false, readAgeMs };
      await clearStaging(db, input.runId);
      await clearDeltaRun(db, input.runId);
      await resetRunReadCounts(db, input.runId);
      await setRunMode(db, input.runId, 'full');
      await updateProgress(db, input.runId, {
        phase: 'reading',
        fullReason:
          'the removals were approved after the read was older than APPROVAL_TIMEOUT; the group is read again first',
      });
      logger.info({ runId: input.runId, readAgeMs }, 'approval of a stale read: reading the group again');
      return { reread: true, readAgeMs };
    },

    async setRunStatus(input: { runId: string; status: RunStatus }): Promise<void> {
      // held: status and the run.held event (notifications' outbox) in one transaction, counted once
      if (input.status === 'awaiting_approval')
        return void ((await holdRunForApproval(db, input.runId)) && guardHoldsTotal.inc());
      await markRun(db, input.runId, { status: input.status, phase: input.status });
    },

    /** Final status and counts; staging is dropped (the audit rows are the record). */
    async finishRun(input: {
      runId: string;
      status: 'succeeded' | 'failed' | 'cancelled';
      /** Why it failed: a coded reason (carried in the activity failure's details) or the failure's text. */
      error?: Reason | string;
    }): Promise<RunCounts> {
      const before = await getRun(db, input.runId);
      if (input.status === 'succeeded' && before?.mode === 'delta' && before.setup_id)
        await countDeltaUnchanged(db, { runId: input.runId, setupId: before.setup_id });
      const counts = await runCounts(db, input.runId);
      await updateProgress(db, input.runId, { retrying: null });
      // The delta links advance only now, after every change of the run is committed, together with the status.
      const closed = await closeRun(db, input.runId, { status: input.status, error: input.error ?? null });
      if (before && !['succeeded', 'failed', 'cancelled'].includes(before.status)) countFinishedRun(closed); // once per run
      // Housekeeping after the outcome is recorded (the run reads as finished half a second sooner at 100,000
      // users): many users written at once leave the planner's statistics behind autovacuum, and the next run's
      // candidate and removal queries depend on them.
      // (Not for small runs: ANALYZE of a table waits for any other, and many small runs finish together.)
      if (counts.created + counts.deleted + counts.adopted >= analyzeFromRows) await analyzeUsers(db);
      await clearStaging(db, input.runId);
      await clearDeltaRun(db, input.runId);
      logger.info({ runId: input.runId, status: input.status, counts, error: input.error }, 'sync run finished');
      return counts;
    },
  };
}
