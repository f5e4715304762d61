import { activeRunStatuses } from '../../../db/repositories/sync-runs.js';
import type { RunStatus, SyncRun } from '../../../db/schema.js';
import type { Messages } from '../i18n/en.js';

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
}

interface StoredProgress {
  phase?: string;
  membersRead?: number;
  membersExpected?: number | null;
  processed?: number;
  total?: number;
}

export function isActiveRun(status: RunStatus): boolean {
  return activeRunStatuses.includes(status);
}

export function progressView(t: Messages, run: SyncRun): ProgressView {
  const p = run.progress as StoredProgress;
  const phaseKey = p.phase ?? run.status;
  const membersRead = p.membersRead ?? run.members_read;
  const applying = (phaseKey === 'applying' || phaseKey === 'removing') && typeof p.total === 'number' && p.total > 0;
  const expected = typeof p.membersExpected === 'number' ? p.membersExpected : null;
  return {
    status: run.status,
    statusLabel: t.runs.status[run.status],
    active: isActiveRun(run.status),
    phase: t.runs.phases[phaseKey] ?? t.runs.status[run.status],
    detail: applying ? t.runs.processed(p.processed ?? 0, p.total!) : t.runs.membersRead(membersRead, expected),
    value: applying ? (p.processed ?? 0) : expected !== null ? membersRead : null,
    max: applying ? p.total! : expected,
  };
}
