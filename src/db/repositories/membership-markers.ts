import { sql } from 'kysely';
import type { Db } from '../database.js';

/**
 * Non-member markers (migration 2026_12_01_240000_non_member_markers): `users.not_member_since` on the users a
 * setup manages that a run saw outside the group and kept. A delta run asks the directory about a changed user
 * the group delta did not mention only when the setup does not manage it or it carries the marker, so a managed
 * user that is not a member must never be without one; a marker on a member only costs a question.
 *
 * Set by the removal phase on every removal candidate it reads (full run: managed and not staged; delta run:
 * reported gone and confirmed), in the candidate's batch, whatever the batch then does with it (nothing while
 * deleteRemoved is off, a deactivation, a hold, a rejection; a deleted user has no row left to mark). Cleared
 * when a run succeeds, for the managed users it staged: members it read (full run, settled or not) or that the
 * delta reported added or still members. A dry run writes neither.
 */

/** Marks the batch's removal candidates (user ids) as outside the setup's group. */
export async function markOutsideGroup(trx: Db, setupId: string, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await sql`
    update users set not_member_since = now()
    where id = any(${userIds}::uuid[]) and managing_setup_id = ${setupId}::uuid and not_member_since is null`.execute(
    trx,
  );
}

/** Clears the marker of the setup's users the run staged as members; only the few marked users are probed. */
export async function clearMarkersOfStaged(trx: Db, run: { runId: string; setupId: string }): Promise<void> {
  await sql`
    update users u set not_member_since = null
    where u.managing_setup_id = ${run.setupId}::uuid and u.not_member_since is not null
      and exists (select 1 from sync_run_members m where m.run_id = ${run.runId}::uuid and m.external_id = u.external_id)`.execute(
    trx,
  );
}
