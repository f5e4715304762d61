import { sql } from 'kysely';
import type { Db } from '../../../db/database.js';
import { readDeltaRemovedChunk } from '../../../db/repositories/sync-delta.js';
import { readRemovedChunk } from '../../../db/repositories/sync-removals.js';
import type { SyncRun, SyncSetup } from '../../../db/schema.js';
import { policyFromSetup } from '../../../engine/setup-policy.js';
import { planRemovals } from '../../../sync/index.js';

export interface PendingRemoval {
  name: string;
  email: string | null;
  action: 'deactivate' | 'delete';
}

/** How many of the held removals the approval prompt lists by name. */
export const listedRemovals = 50;

/**
 * Who a run held by the deletion guard would remove, read the way the guard counted them (see
 * engine/assess-removals.ts): members disabled in Entra, who would be deactivated, and the managed users no
 * longer in the group (a full run: missing from the staged members; a delta run: reported gone by the delta), as
 * the removal planner would treat them. Only while the run waits: its staging is dropped when it finishes.
 */
export async function pendingRemovals(db: Db, setup: SyncSetup, run: Pick<SyncRun, 'id' | 'mode'>): Promise<PendingRemoval[]> {
  const runId = run.id;
  const disabled = await sql<{ display_name: string | null; email: string | null; external_id: string | null }>`
    select u.display_name, u.email, u.external_id
    from sync_run_members m
    join users u on u.company_id = ${setup.company_id}::uuid and u.external_id = m.external_id and u.managing_setup_id = ${setup.id}::uuid
    where m.run_id = ${runId}::uuid and u.active and (m.data->>'accountEnabled') = 'false'
    order by u.display_name
    limit ${listedRemovals}`.execute(db);
  const listed: PendingRemoval[] = disabled.rows.map((u) => ({ name: u.display_name ?? u.external_id ?? '?', email: u.email, action: 'deactivate' }));
  if (!setup.delete_removed || listed.length >= listedRemovals) return listed;

  const readRemoved = run.mode === 'delta' ? readDeltaRemovedChunk : readRemovedChunk;
  const removed = await readRemoved(db, { setupId: setup.id, runId, afterUserId: null, limit: listedRemovals - listed.length });
  const users = new Map(removed.map((u) => [u.id, u]));
  for (const change of planRemovals(removed, policyFromSetup(setup), new Date())) {
    if (change.action !== 'deactivate' && change.action !== 'delete') continue;
    const user = users.get(change.userId ?? '');
    listed.push({ name: user?.displayName ?? user?.externalId ?? '?', email: user?.email ?? null, action: change.action });
  }
  return listed;
}
