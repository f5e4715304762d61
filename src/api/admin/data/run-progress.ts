import { activeRunStatuses } from '../../../db/repositories/sync-runs.js';
import type { RunStatus, SyncRun } from '../../../db/schema.js';
import type { Messages } from '../i18n/en.js';
import { formatDateTime } from '../format.js';

/** A run's progress in words and numbers: rendered into the run page, and polled as JSON while it runs. */
export interface ProgressView {
  status: RunStatus;
  statusLabel: string;
  active: boolean;
  phase: string;
  detail: string;
  /** For a <progress> bar; null while the total is not known. */
  value: number | null;
  max: number | null;
  /** While a transient Graph failure is retried: which attempt comes when, and what failed; else null. */
  retrying: string | null;
}

interface StoredProgress {
  phase?: string;
  removals?: number;
  /** A delta run's read: members that joined or left the group, users whose attributes changed. */
  delta?: { added?: number; removed?: number; changedUsers?: number };
  membersRead?: number;
  membersExpected?: number | null;
  processed?: number;
  total?: number;
  retrying?: { attempt: number; reason: string; nextAttemptAt: string } | null;
}

export function isActiveRun(status: RunStatus): boolean {
  return activeRunStatuses.includes(status);
}

/** The line under the phase: what is being counted right now. */
function detailOf(
  t: Messages,
  run: SyncRun,
  p: StoredProgress,
  phaseKey: string,
): { detail: string; value: number | null; max: number | null } {
  if (phaseKey === 'awaiting_approval')
    return { detail: t.runs.awaitingDecision(p.removals ?? 0), value: null, max: null };
  if ((phaseKey === 'applying' || phaseKey === 'removing') && typeof p.total === 'number' && p.total > 0) {
    return { detail: t.runs.processed(p.processed ?? 0, p.total), value: p.processed ?? 0, max: p.total };
  }
  if (run.mode === 'delta' && p.delta)
    return {
      detail: t.runs.deltaRead(p.delta.added ?? 0, p.delta.removed ?? 0, p.delta.changedUsers ?? 0),
      value: null,
      max: null,
    };
  const read = p.membersRead ?? run.members_read;
  const expected = typeof p.membersExpected === 'number' ? p.membersExpected : null;
  return { detail: t.runs.membersRead(read, expected), value: expected !== null ? read : null, max: expected };
}

export function progressView(t: Messages, run: SyncRun): ProgressView {
  const p = run.progress as StoredProgress;
  const phaseKey = p.phase ?? run.status;
  return {
    status: run.status,
    statusLabel: t.runs.status[run.status],
    active: isActiveRun(run.status),
    phase: t.runs.phases[phaseKey] ?? t.runs.status[run.status],
    ...detailOf(t, run, p, phaseKey),
    retrying:
      p.retrying && isActiveRun(run.status)
        ? t.runs.retrying(p.retrying.attempt, formatDateTime(t, new Date(p.retrying.nextAttemptAt)), p.retrying.reason)
        : null,
  };
}
