import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { findScheduleFacts, listSetupIds } from '../db/repositories/setup-schedules.js';
import { lastFullRunMembers } from '../db/repositories/sync-runs.js';
import { runPriority } from '../sync/run-priority.js';
import { CompanyIdAttribute, SetupIdAttribute, TenantIdAttribute } from '../temporal/search-attributes.js';

/**
 * Each setup has one Temporal Schedule (id derived from the setup id) that starts its sync runs. The database is
 * the source of truth; `reconcileSchedule` makes Temporal match it: the schedule exists while the setup exists,
 * runs every `interval_minutes`, and is paused unless the setup is enabled and active, its connection is
 * connected and the company has the module.
 */
export function scheduleIdFor(setupId: string): string {
  return `setup-sync-${setupId}`;
}

export const syncRunWorkflowType = 'syncRunWorkflow';

interface ScheduleDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

export type ScheduleState = 'absent' | 'active' | 'paused';

export async function reconcileSchedule(deps: ScheduleDeps, setupId: string): Promise<ScheduleState> {
  const facts = await findScheduleFacts(deps.db, setupId);
  const handle = deps.temporal.schedule.getHandle(scheduleIdFor(setupId));
  if (!facts) {
    await handle.delete().catch((err) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
    return 'absent';
  }
  const shouldRun =
    facts.enabled &&
    facts.status === 'active' &&
    facts.connection_status === 'connected' &&
    facts.directory_sync_enabled;
  const why = !facts.directory_sync_enabled
    ? 'directory sync module disabled for the company'
    : !facts.enabled
      ? 'setup disabled'
      : facts.status !== 'active'
        ? `setup ${facts.status}`
        : facts.connection_status !== 'connected'
          ? `connection ${facts.connection_status}`
          : 'running';
  const spec: ScheduleSpec = { intervals: [{ every: `${facts.interval_minutes} minutes` }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: syncRunWorkflowType,
    taskQueue: deps.config.temporal.taskQueue,
    workflowId: `sync-${setupId}`,
    args: [
      {
        setupId,
        trigger: 'schedule' as const,
        heartbeatTimeoutMs: deps.config.sync.heartbeatTimeoutMs,
        approvalTimeoutMs: deps.config.approvalTimeoutMs,
      },
    ],
    typedSearchAttributes: [
      { key: SetupIdAttribute, value: setupId },
      { key: CompanyIdAttribute, value: facts.company_id },
      { key: TenantIdAttribute, value: facts.tenant_id },
    ],
    // Fixed when the schedule is reconciled, so its size estimate may be stale: the workflow sets each activity's
    // priority from the run's own figures (beginRun's estimate, then the members read).
    priority: runPriority(await lastFullRunMembers(deps.db, setupId), facts.company_id),
  };
  try {
    await deps.temporal.schedule.create({
      scheduleId: scheduleIdFor(setupId),
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      state: { paused: !shouldRun, note: why },
      typedSearchAttributes: action.typedSearchAttributes,
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await handle.update((previous) => ({
      ...previous,
      spec,
      action,
      state: { ...previous.state, paused: !shouldRun, note: why },
    }));
  }
  return shouldRun ? 'active' : 'paused';
}

/** Every setup of a company (after the module was switched on or off, or a connection changed state). */
export async function reconcileCompanySchedules(
  deps: ScheduleDeps,
  where: { companyId?: string; connectionId?: string },
): Promise<void> {
  for (const id of await listSetupIds(deps.db, where)) await reconcileSchedule(deps, id);
}

/** When the schedule will next start a run (for the API and admin pages); null when paused or absent. */
export async function nextScheduledRun(temporal: Client, setupId: string): Promise<Date | null> {
  try {
    const description = await temporal.schedule.getHandle(scheduleIdFor(setupId)).describe();
    if (description.state.paused) return null;
    return description.info.nextActionTimes[0] ?? null;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
}
