import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { RunTrigger } from '../activities/index.js';
import type { RunCounts } from '../sync/types.js';
import type { Reason } from '../sync/reasons.js';

export const approveRemovalsSignal = defineSignal<[{ by?: string }]>('approveRemovals');
export const rejectRemovalsSignal = defineSignal<[{ by?: string }]>('rejectRemovals');

export type RunPhase =
  | 'starting'
  | 'reading'
  | 'planning'
  | 'awaiting_approval'
  | 'applying'
  | 'removing'
  | 'finishing'
  | 'done'
  | 'skipped';

export interface RunProgress {
  runId?: string;
  mode?: 'full' | 'delta';
  phase: RunPhase;
  membersRead: number;
  removals?: number;
  counts?: RunCounts;
}
export const runProgressQuery = defineQuery<RunProgress>('progress');

/** Where a run stands, carried across continue-as-new (ids, cursors and counts only: never members). */
export interface RunState {
  runId: string;
  phase: 'members' | 'removals';
  cursor: string | null;
  membersRead: number;
  holdReason?: string | Reason;
  total: number;
  /** The assessment found no removal candidate: the run ends after its member phase. */
  noRemovals?: boolean;
}

export interface SyncRunInput {
  setupId: string;
  trigger: RunTrigger;
  /** Set when the API created the run row (manual runs); schedule-started runs create their own. */
  runId?: string;
  dryRun?: boolean;
  /** Read the whole group even when delta links would allow an incremental run. */
  fullSync?: boolean;
  /** Present after continue-as-new. */
  state?: RunState;
  /** How soon a silent (dead) worker's activity is retried elsewhere; SYNC_HEARTBEAT_TIMEOUT. */
  heartbeatTimeoutMs?: number;
  /**
   * APPROVAL_TIMEOUT: how long a run held by the deletion guard waits for a decision (then its removals are
   * skipped), and how old the read an approval applies to may be (older: read again first). Default 24 h.
   */
  approvalTimeoutMs?: number;
}

export function manualRunWorkflowId(setupId: string, runId: string): string {
  return `sync-${setupId}-run-${runId}`;
}
