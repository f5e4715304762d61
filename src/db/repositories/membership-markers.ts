import { sql } from 'kysely';
import type { Db } from '../database.js';

/**
 * Non-member markers (migration 2026_12_01_240000_non_member_markers): `users.not_member_since` on the users a
 * setup manages that its last successful run saw outside the group and kept. Written when a run succeeds, in
 * the transaction that stores its delta links (closeRun) and while its staging still exists, so the markers
 * always describe membership as of the links the next delta run starts from; a failed or dry run writes none.
 *
 * What a run saw: a full run read every member (the staged members; every other managed user is outside the
 * group), a delta run the members it staged (added, or changed and still members) and the departures it
 * confirmed (sync_run_delta_members 'removed', which stageDeltaMembers also gives the users deleted in the
 * directory). Whatever the removal phase then did (nothing while deleteRemoved is off, a deactivation, a hold, a
 * rejection) does not matter: a deleted user has no row left to mark, every other one stays outside the group.
 */
export async function recordMembershipSeen(
  trx: Db,
  run: { runId: string; setupId: string; mode: 'full' | 'delta' },
): Promise<void> {
  const { runId, setupId } = run;
  const staged = sql`exists (select 1 from sync_run_members m where m.run_id = ${runId}::uuid and m.external_id = u.external_id)`;
  // seen as members again: only the few marked users are probed (users_not_member_by_setup)
  await sql`
    update users u set not_member_since = null
    where u.managing_setup_id = ${setupId}::uuid and u.not_member_since is not null and ${staged}`.execute(trx);
  if (run.mode === 'full') {
    await sql`
      update users u set not_member_since = now()
      where u.managing_setup_id = ${setupId}::uuid and u.not_member_since is null and not ${staged}`.execute(trx);
    return;
  }
  // driven from the run's few confirmed departures, not from the setup's users
  await sql`
    update users u set not_member_since = now()
    from sync_run_delta_members d
    where d.run_id = ${runId}::uuid and d.change = 'removed'
      and u.managing_setup_id = ${setupId}::uuid and u.external_id = d.external_id and u.not_member_since is null`.execute(
    trx,
  );
}
