import type { Db } from '../db/database.js';
import { loadCandidates } from '../db/repositories/sync-candidates.js';
import { readRemovalCandidates } from '../db/repositories/pending-removals.js';
import { deltaRemovalCauses } from '../db/repositories/sync-delta.js';
import { countSettledStaged, readStagedChunk, stagedPartitionEnds } from '../db/repositories/sync-staging.js';
import { applyBatch } from '../db/repositories/sync-apply.js';
import {
  addCounts,
  emptyCounts,
  holdRemovals,
  indexCandidates,
  matchKeysFor,
  planMembers,
  planRemovals,
} from '../sync/index.js';
import type { EntraDeletion, Reason } from '../sync/index.js';
import { ruleGroupIds } from '../sync/customer-type-rules.js';
import type { RuleGroupMembership } from '../sync/plan-members.js';
import type { RuleGroupReader } from './rule-groups.js';
import { settleKeyOf } from './settle-key.js';
import type { DirectoryUser, PlannedChange, ProductUser, RunCounts, SetupPolicy } from '../sync/types.js';

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
  holdReason?: string | Reason;
  now: Date;
  /** Full runs remove managed users missing from the staged group; delta runs those the delta reported gone. */
  mode: 'full' | 'delta';
  /** Reads which customer-type rule groups a chunk's members are in; needed when the rules name groups. */
  ruleGroups?: RuleGroupReader;
  /** Called after each committed batch (heartbeat, progress). */
  onBatch?: (progress: { cursor: string | null; counts: RunCounts; batchCounts: RunCounts }) => void | Promise<void>;
}

export interface ChunkLoopResult {
  cursor: string | null;
  done: boolean;
  counts: RunCounts;
}

type ChunkSource = (
  cursor: string | null,
) => Promise<{ changes: PlannedChange[]; lastKey: string; outsideGroup?: string[] } | null>;

async function runChunks(
  input: ChunkLoopInput,
  phase: 'members' | 'removals',
  start: string | null,
  next: ChunkSource,
): Promise<ChunkLoopResult> {
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
      ...(phase === 'members' ? { policyKey: settleKeyOf(input.policy) } : {}),
      outsideGroup: chunk.outsideGroup,
    });
    cursor = result.cursor ?? chunk.lastKey;
    counts = addCounts(counts, result.counts);
    await input.onBatch?.({ cursor, counts, batchCounts: result.counts });
  }
  return { cursor, done: false, counts };
}

/** Members of the group, from staging, in external-id order; settled ones counted first (countSettled). */
export async function applyMemberChunks(input: ChunkLoopInput, start: string | null): Promise<ChunkLoopResult> {
  const settled = start === null ? await countSettled(input) : emptyCounts();
  const result = await applyMemberRange(input, start);
  return { ...result, counts: addCounts(settled, result.counts) };
}

/**
 * The members staged settled, counted unchanged by one batch of their own (key `members:settled`, so a retry
 * counts them once) before the first chunk: the chunks then read and plan only the members staged with data.
 */
async function countSettled(input: ChunkLoopInput): Promise<RunCounts> {
  const settled = await countSettledStaged(input.db, input.runId);
  if (settled === 0) return emptyCounts();
  const result = await applyBatch(input.db, {
    runId: input.runId,
    setupId: input.policy.setupId,
    companyId: input.policy.companyId,
    customerTypeId: input.policy.customerTypeId,
    batchKey: 'members:settled',
    changes: [],
    dryRun: input.dryRun,
    now: input.now,
    cursor: null,
    settled,
  });
  await input.onBatch?.({ cursor: null, counts: result.counts, batchCounts: result.counts });
  return result.counts;
}

/** The members of one range of staging (up to `upTo` when given: one partition), chunk by chunk. */
function applyMemberRange(
  input: ChunkLoopInput,
  start: string | null,
  upTo: string | null = null,
): Promise<ChunkLoopResult> {
  return runChunks(input, 'members', start, async (cursor) => {
    const { members, lastKey } = await readStagedChunk(input.db, input.runId, {
      afterExternalId: cursor,
      limit: input.batchSize,
      upToExternalId: upTo,
    });
    if (lastKey === null) return null;
    const candidates = indexCandidates(await chunkCandidates(input, members));
    const groups = await chunkRuleGroups(input, members);
    return { changes: planMembers(members, candidates, input.policy, groups), lastKey };
  });
}

/**
 * The product users a chunk can touch, in two steps: those linked to its members by Entra id, then those
 * matching the email or initials of the members not linked yet. Once a group is synced nearly every member is
 * linked, so the second step mostly asks nothing.
 */
async function chunkCandidates(input: ChunkLoopInput, members: DirectoryUser[]): Promise<ProductUser[]> {
  const { companyId } = input.policy;
  const linked = await loadCandidates(input.db, companyId, {
    externalIds: members.map((m) => m.id),
    emails: [],
    initials: [],
  });
  const linkedIds = new Set(linked.map((u) => u.externalId));
  const keys = matchKeysFor(
    members.filter((m) => !linkedIds.has(m.id)),
    input.policy,
  );
  if (keys.emails.length + keys.initials.length === 0) return linked;
  const matched = await loadCandidates(input.db, companyId, {
    externalIds: [],
    emails: keys.emails,
    initials: keys.initials,
  });
  const byId = new Map([...linked, ...matched].map((u) => [u.id, u]));
  return [...byId.values()];
}

/** The rule groups each member of the chunk is in; none asked when the rules name no group. */
async function chunkRuleGroups(input: ChunkLoopInput, members: DirectoryUser[]): Promise<RuleGroupMembership> {
  const groupIds = ruleGroupIds(input.policy.customerTypeRules ?? []);
  if (groupIds.length === 0) return new Map();
  // Never plan as "in no group" for want of a reader: that would move users out of their rule's customer type.
  if (!input.ruleGroups) throw new Error('the setup routes by group membership, but no membership reader was given');
  return input.ruleGroups(
    members.map((m) => m.id),
    groupIds,
  );
}

/** Users this setup manages that are no longer members, in user-id order. */
export function applyRemovalChunks(input: ChunkLoopInput, start: string | null): Promise<ChunkLoopResult> {
  return runChunks(input, 'removals', start, async (cursor) => {
    // the same candidates the deletion guard counted and the approval prompt lists (engine/pending-removals.ts)
    const removed = await readRemovalCandidates(input.db, input.mode, {
      setupId: input.policy.setupId,
      runId: input.runId,
      afterUserId: cursor,
      limit: input.batchSize,
    });
    if (removed.length === 0) return null;
    const deleted =
      input.mode === 'delta' ? await deletedInEntra(input.db, input.runId, removed) : new Map<string, EntraDeletion>();
    return {
      changes: planRemovals(removed, input.policy, input.now, deleted),
      lastKey: removed.at(-1)!.id,
      // kept or not, none of them is a member: a delta run will ask before it treats one as a member again
      outsideGroup: removed.map((u) => u.id),
    };
  });
}

/** Which removed users a delta run learnt were deleted in Entra: /users/delta's reason, or a 404 on the user. */
async function deletedInEntra(db: Db, runId: string, removed: ProductUser[]): Promise<Map<string, EntraDeletion>> {
  const causes = await deltaRemovalCauses(
    db,
    runId,
    removed.flatMap((u) => (u.externalId ? [u.externalId] : [])),
  );
  const how = (reason: string): EntraDeletion =>
    reason === 'changed' ? 'soft' : reason === 'deleted' ? 'hard' : 'unknown';
  return new Map([...causes].map(([id, reason]) => [id, how(reason)]));
}

/** Where each partition of a parallel member apply stands; serialised as the phase's cursor. */
interface Partitioned {
  parts: { after: string | null; upTo: string | null; done: boolean }[];
}

/**
 * The member phase split into `concurrency` contiguous external-id ranges applied side by side, so Postgres
 * works on several batches at once. Each range keeps its own cursor and batch keys (the cursor before each
 * chunk), so a retry resumes every range where it stopped. Members sharing an email across ranges can race:
 * the database's unique index then records the second as failed instead of a conflict.
 */
export async function applyMemberPartitions(
  input: ChunkLoopInput,
  cursor: string | null,
  concurrency: number,
  /** How many members the run staged (sync_runs.members_read): where the ranges are cut. */
  staged: number,
): Promise<ChunkLoopResult> {
  let state: Partitioned;
  let settled = emptyCounts();
  if (cursor?.startsWith('{')) {
    state = JSON.parse(cursor) as Partitioned;
  } else {
    settled = await countSettled(input);
    const ends = await stagedPartitionEnds(input.db, input.runId, concurrency, staged);
    const starts = [null, ...ends];
    state = { parts: starts.map((after, i) => ({ after, upTo: ends[i] ?? null, done: false })) };
  }
  const encode = () => JSON.stringify(state);
  const results = await Promise.all(
    state.parts.map(async (part) => {
      if (part.done) return emptyCounts();
      const result = await applyMemberRange(
        {
          ...input,
          onBatch: async (progress) => {
            part.after = progress.cursor;
            await input.onBatch?.({ ...progress, cursor: encode() });
          },
        },
        part.after,
        part.upTo,
      );
      part.after = result.cursor;
      part.done = result.done;
      return result.counts;
    }),
  );
  return { cursor: encode(), done: state.parts.every((p) => p.done), counts: results.reduce(addCounts, settled) };
}
