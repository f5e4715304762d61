import type { Db } from '../db/database.js';
import { loadCandidates } from '../db/repositories/sync-candidates.js';
import { readDeltaRemovedChunk } from '../db/repositories/sync-delta.js';
import { readRemovedChunk } from '../db/repositories/sync-removals.js';
import { readStagedChunk } from '../db/repositories/sync-staging.js';
import { applyBatch } from '../db/repositories/sync-apply.js';
import { addCounts, emptyCounts, holdRemovals, indexCandidates, matchKeysFor, planMembers, planRemovals } from '../sync/index.js';
import type { PlannedChange, RunCounts, SetupPolicy } from '../sync/types.js';

/**
 * The apply loops: read a chunk, plan it with the pure planner, apply it as one idempotent batch, move the
 * cursor. Batch keys derive from the cursor *before* the chunk, so a retried attempt that re-reads from the
 * same place hits the stored batch (a no-op) and continues from the cursor stored with it.
 */
export interface ChunkLoopInput {
  db: Db;
  policy: SetupPolicy;
  runId: string;
  dryRun: boolean;
  batchSize: number;
  /** Stop after this many batches and hand back the cursor (keeps one activity call bounded). */
  maxBatches: number;
  /** When removals are not allowed (guard rejected or forbidden): deactivations/deletions become skips with this reason. */
  holdReason?: string;
  now: Date;
  /** Full runs remove managed users missing from the staged group; delta runs those the delta reported gone. */
  mode: 'full' | 'delta';
  /** Called after each committed batch (heartbeat, progress). */
  onBatch?: (progress: { cursor: string | null; counts: RunCounts; batchCounts: RunCounts }) => void | Promise<void>;
}

export interface ChunkLoopResult {
  cursor: string | null;
  done: boolean;
  counts: RunCounts;
}

type ChunkSource = (cursor: string | null) => Promise<{ changes: PlannedChange[]; lastKey: string } | null>;

async function runChunks(input: ChunkLoopInput, phase: 'members' | 'removals', start: string | null, next: ChunkSource): Promise<ChunkLoopResult> {
  let cursor = start;
  let counts = emptyCounts();
  for (let batch = 0; batch < input.maxBatches; batch++) {
    const chunk = await next(cursor);
    if (!chunk) return { cursor, done: true, counts };
    const changes = input.holdReason ? holdRemovals(chunk.changes, input.holdReason) : chunk.changes;
    const result = await applyBatch(input.db, {
      runId: input.runId,
      setupId: input.policy.setupId,
      companyId: input.policy.companyId,
      customerTypeId: input.policy.customerTypeId,
      batchKey: `${phase}:after:${cursor ?? ''}`,
      changes,
      dryRun: input.dryRun,
      now: input.now,
      cursor: chunk.lastKey,
    });
    cursor = result.cursor ?? chunk.lastKey;
    counts = addCounts(counts, result.counts);
    await input.onBatch?.({ cursor, counts, batchCounts: result.counts });
  }
  return { cursor, done: false, counts };
}

/** Members of the group, from staging, in external-id order. */
export function applyMemberChunks(input: ChunkLoopInput, start: string | null): Promise<ChunkLoopResult> {
  return runChunks(input, 'members', start, async (cursor) => {
    const members = await readStagedChunk(input.db, input.runId, { afterExternalId: cursor, limit: input.batchSize });
    if (members.length === 0) return null;
    const candidates = indexCandidates(await loadCandidates(input.db, input.policy.companyId, matchKeysFor(members, input.policy)));
    return { changes: planMembers(members, candidates, input.policy), lastKey: members.at(-1)!.id };
  });
}

/** Users this setup manages that are no longer members, in user-id order. */
export function applyRemovalChunks(input: ChunkLoopInput, start: string | null): Promise<ChunkLoopResult> {
  return runChunks(input, 'removals', start, async (cursor) => {
    const readRemoved = input.mode === 'delta' ? readDeltaRemovedChunk : readRemovedChunk;
    const removed = await readRemoved(input.db, { setupId: input.policy.setupId, runId: input.runId, afterUserId: cursor, limit: input.batchSize });
    if (removed.length === 0) return null;
    return { changes: planRemovals(removed, input.policy, input.now), lastKey: removed.at(-1)!.id };
  });
}
