import { toRunCounts } from '../../db/repositories/sync-runs.js';
import type { SyncRun } from '../../db/schema.js';
import type { RunCounts } from '../../sync/types.js';
import type { Messages } from './i18n/en.js';

export function formatDateTime(t: Messages, date: Date | null | undefined): string {
  if (!date) return t.common.none;
  return new Intl.DateTimeFormat(t.locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}

/** "850 ms", "12.4 s", "3 min 05 s" in the page's number format. */
export function formatDuration(t: Messages, ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${new Intl.NumberFormat(t.locale, { maximumFractionDigits: 1 }).format(ms / 1000)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** How long the run took, or has taken so far. */
export function runDuration(t: Messages, run: SyncRun): string {
  if (!run.started_at) return t.common.none;
  return formatDuration(t, (run.finished_at ?? new Date()).getTime() - run.started_at.getTime());
}

export function runCountsOf(run: SyncRun): RunCounts {
  return toRunCounts(run.counts);
}

/** The counts that are not zero, "Created 6 · Unchanged 2"; a dash when nothing was counted. */
export function countsSummary(t: Messages, counts: RunCounts): string {
  const parts = (Object.keys(t.run.counts) as (keyof RunCounts)[])
    .filter((key) => counts[key] > 0)
    .map((key) => `${t.run.counts[key]} ${counts[key]}`);
  return parts.length > 0 ? parts.join(' · ') : t.common.none;
}
