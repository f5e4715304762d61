import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { ProductUser } from '../../sync/types.js';
import { readDeltaRemovedChunk } from './sync-delta.js';
import { readRemovedChunk } from './sync-removals.js';

/**
 * The SQL behind "who would this run remove" (see engine/pending-removals.ts, the one module that answers it for
 * the deletion guard's assessment and the admin page's approval prompt): managed users whose staged member is
 * disabled in the directory (they would be deactivated), and the removal candidates of a full or delta run.
 */
export interface RemovalScope {
  companyId: string;
  setupId: string;
  runId: string;
}

/** A staged member the directory says is disabled: `enabled`, or for rows staged before that column, their data's. */
const stagedDisabled = sql`coalesce(m.enabled, (m.data->>'enabled')::boolean) = false`;

export async function countDisabledManagedMembers(db: Db, scope: RemovalScope): Promise<number> {
  const result = await disabledManagedMembersCountQuery(scope).execute(db);
  return result.rows[0]?.n ?? 0;
}

/** The statement behind countDisabledManagedMembers (tests look at its plan). */
export function disabledManagedMembersCountQuery(scope: RemovalScope) {
  return sql<{ n: number }>`
    select count(*)::int as n
    from sync_run_members m
    join users u on u.company_id = ${scope.companyId}::uuid and u.external_id = m.external_id and u.managing_setup_id = ${scope.setupId}::uuid
    where m.run_id = ${scope.runId}::uuid and not m.settled and ${stagedDisabled} and u.active`;
}

export interface DisabledManagedMember {
  display_name: string | null;
  email: string | null;
  external_id: string | null;
}

/** The same users as countDisabledManagedMembers, by display name, at most `limit`. */
export async function listDisabledManagedMembers(
  db: Db,
  scope: RemovalScope,
  limit: number,
): Promise<DisabledManagedMember[]> {
  const result = await sql<DisabledManagedMember>`
    select u.display_name, u.email, u.external_id
    from sync_run_members m
    join users u on u.company_id = ${scope.companyId}::uuid and u.external_id = m.external_id and u.managing_setup_id = ${scope.setupId}::uuid
    where m.run_id = ${scope.runId}::uuid and not m.settled and ${stagedDisabled} and u.active
    order by u.display_name
    limit ${limit}`.execute(db);
  return result.rows;
}

/** Removal candidates in user-id order: missing from the staged members (full run) or reported gone (delta run). */
export async function readRemovalCandidates(
  db: Db,
  mode: 'full' | 'delta',
  page: { setupId: string; runId: string; afterUserId: string | null; limit: number },
): Promise<ProductUser[]> {
  return mode === 'delta' ? readDeltaRemovedChunk(db, page) : readRemovedChunk(db, page);
}
