import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * This process's Prometheus metrics. Counters count what this process did (a worker counts the runs, changes
 * and Graph requests it handled); Prometheus sums them over processes — `sum(rate(...))` — as usual. The gauges
 * of shared state (connections, failing setups) are computed from Postgres at scrape time (db-gauges.ts), so any
 * process reports the same, correct value however many workers there are.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const runsTotal = new Counter({
  name: 'directory_sync_runs_total',
  help: 'Sync runs finished, by final status, trigger and mode (previews included, with their own trigger)',
  labelNames: ['status', 'trigger', 'mode'] as const,
  registers: [metricsRegistry],
});

export const runDuration = new Histogram({
  name: 'directory_sync_run_duration_seconds',
  help: 'Wall time of a finished sync run, from start to outcome',
  labelNames: ['status', 'mode'] as const,
  buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
  registers: [metricsRegistry],
});

export const userChangesTotal = new Counter({
  name: 'directory_sync_user_changes_total',
  help: 'Product users changed by real (non-preview) runs, by action',
  labelNames: ['action'] as const,
  registers: [metricsRegistry],
});

export const membersReadTotal = new Counter({
  name: 'directory_sync_members_read_total',
  help: 'Directory members read (staged) by finished runs',
  registers: [metricsRegistry],
});

export const directoryRequestsTotal = new Counter({
  name: 'directory_sync_directory_requests_total',
  help: 'HTTP requests to the directory (Microsoft Graph), every attempt, by provider and HTTP status (or "error")',
  labelNames: ['provider', 'status'] as const,
  registers: [metricsRegistry],
});

export const throttledTotal = new Counter({
  name: 'directory_sync_throttled_total',
  help: 'Directory answers that asked us to slow down (HTTP 429)',
  registers: [metricsRegistry],
});

export const retryAfterSecondsTotal = new Counter({
  name: 'directory_sync_retry_after_seconds_total',
  help: 'Seconds the directory asked us to wait (Retry-After), summed',
  registers: [metricsRegistry],
});

export const guardHoldsTotal = new Counter({
  name: 'directory_sync_guard_holds_total',
  help: 'Runs the deletion guard held for approval',
  registers: [metricsRegistry],
});

export const notificationDeliveriesTotal = new Counter({
  name: 'directory_sync_notification_attempts_total',
  help: 'Notification delivery attempts, by target kind and result',
  labelNames: ['kind', 'result'] as const,
  registers: [metricsRegistry],
});

/** The counters of one finished run (called once per status change, see finishRun). */
export function countFinishedRun(run: {
  status: string;
  trigger: string;
  mode: string;
  dry_run: boolean;
  started_at: Date | null;
  finished_at: Date | null;
  members_read: number;
  counts: Record<string, number>;
}): void {
  runsTotal.inc({ status: run.status, trigger: run.dry_run ? 'preview' : run.trigger, mode: run.mode });
  if (run.started_at && run.finished_at) {
    runDuration.observe(
      { status: run.status, mode: run.mode },
      Math.max(0, (run.finished_at.getTime() - run.started_at.getTime()) / 1000),
    );
  }
  membersReadTotal.inc(run.members_read ?? 0);
  if (run.dry_run) return;
  for (const action of ['created', 'updated', 'adopted', 'deactivated', 'deleted', 'conflicts', 'failed'] as const) {
    const n = Number(run.counts?.[action] ?? 0);
    if (n > 0) userChangesTotal.inc({ action }, n);
  }
}

/** One HTTP answer (or network failure) from the directory. */
export function countDirectoryResponse(provider: string, status: number | 'error', retryAfter: string | null): void {
  directoryRequestsTotal.inc({ provider, status: String(status) });
  if (status === 429) {
    throttledTotal.inc();
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds > 0) retryAfterSecondsTotal.inc(seconds);
  }
}
