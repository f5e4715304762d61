import type { DirectoryUser } from '../../sync/directory-user.js';
import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { IncrementalState } from '../../directory/provider.js';
import type { ProductUser } from '../../sync/types.js';
import { emptyCounts } from '../../sync/counts.js';
import { claimBatch, completeBatch } from './sync-batches.js';
import { toProductUser } from './sync-user-rows.js';
import { unpeeked } from './unpeeked.js';

/** Delta state per setup and the per-run delta tables (see the delta_sync migration). */

export async function findDeltaState(db: Db, setupId: string) {
  return db.selectFrom('sync_delta_state').selectAll().where('setup_id', '=', setupId).executeTakeFirst();
}

export async function setPendingDelta(db: Db, runId: string, state: IncrementalState | null) {
  await db
    .updateTable('sync_runs')
    .set({ pending_delta: state ? JSON.stringify(state) : null })
    .where('id', '=', runId)
    .execute();
}

/**
 * Stores the run's pending incremental state (Entra: delta links) as the setup's; called only once the run's changes are committed,
 * so a crash before this point makes the next run re-read (and re-apply as no-ops) the same changes. A full run's
 * state also says the setup's non-member markers are complete (`non_members_marked`, see membership-markers.ts).
 */
export async function commitPendingDelta(db: Db, runId: string, mode: 'full' | 'delta'): Promise<boolean> {
  const result = await sql`
    insert into sync_delta_state (setup_id, state, established_at, last_full_at, non_members_marked)
    select r.setup_id, r.pending_delta, now(), now(), ${mode} = 'full'
    from sync_runs r where r.id = ${runId}::uuid and r.pending_delta is not null and r.setup_id is not null
      and not exists (
        select 1 from sync_setups s
        where s.id = r.setup_id and s.delta_reset_at is not null and s.delta_reset_at >= coalesce(r.started_at, r.created_at))
    on conflict (setup_id) do update set
      state = excluded.state,
      established_at = case when ${mode} = 'full' then now() else sync_delta_state.established_at end,
      last_full_at = case when ${mode} = 'full' then now() else sync_delta_state.last_full_at end,
      -- a full run's removal phase marked every managed user it did not read (membership-markers.ts)
      non_members_marked = ${mode} = 'full' or sync_delta_state.non_members_marked,
      updated_at = now()`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

export async function dropDeltaState(db: Db, setupId: string) {
  await db.deleteFrom('sync_delta_state').where('setup_id', '=', setupId).execute();
}

/**
 * A setup change the delta links cannot follow (another group, match key, initials attributes, scoping): the
 * links go, the reason stays for the next run's fullReason, and a run already under way (started before now)
 * will not store its links when it finishes (see commitPendingDelta).
 */
export async function resetDeltaState(db: Db, setupId: string, reason: string) {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sync_delta_state').where('setup_id', '=', setupId).execute();
    await trx
      .updateTable('sync_setups')
      .set({ delta_reset_reason: reason, delta_reset_at: sql<Date>`clock_timestamp()` })
      .where('id', '=', setupId)
      .execute();
  });
}

/** Membership changes of one page of group delta, net per user (last report wins). */
export async function recordMemberChanges(
  db: Db,
  runId: string,
  changes: readonly { externalId: string; change: 'added' | 'removed' }[],
) {
  if (changes.length === 0) return;
  const net = new Map(changes.map((c) => [c.externalId, c.change]));
  await db
    .insertInto('sync_run_delta_members')
    .values([...net].map(([external_id, change]) => ({ run_id: runId, external_id, change })))
    .onConflict((oc) =>
      oc.columns(['run_id', 'external_id']).doUpdateSet((eb) => ({ change: eb.ref('excluded.change') })),
    )
    .execute();
}

export async function recordUserChanges(
  db: Db,
  runId: string,
  users: readonly { externalId: string; data: DirectoryUser | null; removedReason: string | null }[],
) {
  if (users.length === 0) return;
  const net = new Map(users.map((u) => [u.externalId, u]));
  await db
    .insertInto('sync_run_delta_users')
    .values(
      [...net.values()].map((u) => ({
        run_id: runId,
        external_id: u.externalId,
        data: u.data ? JSON.stringify(u.data) : null,
        removed_reason: u.removedReason,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['run_id', 'external_id'])
        .doUpdateSet((eb) => ({ data: eb.ref('excluded.data'), removed_reason: eb.ref('excluded.removed_reason') })),
    )
    .execute();
}

/**
 * Users whose object Graph no longer has (404 on checkMemberGroups or GET /users/{id}): deleted in Entra. What
 * /users/delta said in the same round ('changed' = soft-deleted, 'deleted' = hard-deleted) is kept; otherwise
 * the reason is 'gone' (deleted, soft or hard unknown).
 */
export async function recordUsersGone(db: Db, runId: string, externalIds: readonly string[]) {
  if (externalIds.length === 0) return;
  await db
    .insertInto('sync_run_delta_users')
    .values(externalIds.map((external_id) => ({ run_id: runId, external_id, data: null, removed_reason: 'gone' })))
    .onConflict((oc) =>
      oc.columns(['run_id', 'external_id']).doUpdateSet((eb) => ({
        data: null,
        removed_reason: eb.fn.coalesce('sync_run_delta_users.removed_reason', eb.val('gone')),
      })),
    )
    .execute();
}

/** How Entra removed each of these users, as this delta run learnt it ('changed', 'deleted', 'gone'); absent: left the group. */
export async function deltaRemovalCauses(db: Db, runId: string, externalIds: string[]): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('sync_run_delta_users')
    .select(['external_id', 'removed_reason'])
    .where('run_id', '=', runId)
    .where('external_id', 'in', externalIds)
    .where('removed_reason', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.external_id, r.removed_reason as string]));
}

export async function memberChanges(db: Db, runId: string, change: 'added' | 'removed'): Promise<string[]> {
  const rows = await db
    .selectFrom('sync_run_delta_members')
    .select('external_id')
    .where('run_id', '=', runId)
    .where('change', '=', change)
    .execute();
  return rows.map((r) => r.external_id);
}

/**
 * Members the round recorded as added whose user it did not also report removed or gone (stageDeltaMembers turns
 * those into removals): the members that really joined, as the run's progress counts them.
 */
export async function joinedMembers(db: Db, runId: string): Promise<string[]> {
  const rows = await sql<{ external_id: string }>`
    select m.external_id from sync_run_delta_members m
    where m.run_id = ${runId}::uuid and m.change = 'added' and not exists (
      select 1 from sync_run_delta_users u
      where u.run_id = m.run_id and u.external_id = m.external_id and u.removed_reason is not null)`.execute(db);
  return rows.rows.map((r) => r.external_id);
}

/**
 * Users /users/delta reported changed that the group delta did not mention and whose membership is not known:
 * the caller asks the directory. Group delta reports every change of membership, so such a user is a member
 * exactly when it was one as the setup's last successful run ended; for a user the setup manages that is known
 * once the setup's non-member markers are complete (membership-markers.ts): unmarked, it was (and is) a member,
 * and is left out. Asked about are the users the setup does not manage (one may have been skipped while
 * disabled; disabled ones are left out, nothing would be done for them anyway) and the managed ones that are
 * marked (left while deleteRemoved was off, a held removal, in their grace period…) or whose markers are not
 * complete yet.
 */
export async function changedUsersOutsideGroupDelta(
  db: Db,
  input: { runId: string; setupId: string },
): Promise<{ externalId: string; managed: boolean }[]> {
  const rows = await sql<{ external_id: string; managed: boolean }>`
    select c.external_id, c.managed from (
      select u.external_id, (u.data->>'enabled') is distinct from 'false' as enabled,
        p.external_id is not null as managed, p.not_member_since is not null as marked_outside
      from sync_run_delta_users u
      left join users p on p.managing_setup_id = ${unpeeked(input.setupId)} and p.external_id = u.external_id
      where u.run_id = ${input.runId}::uuid and u.data is not null and u.removed_reason is null
        and not exists (select 1 from sync_run_delta_members m where m.run_id = u.run_id and m.external_id = u.external_id)
    ) c
    where case when c.managed then c.marked_outside or not exists (
        select 1 from sync_delta_state s where s.setup_id = ${input.setupId}::uuid and s.non_members_marked)
      else c.enabled end
    order by c.external_id`.execute(db);
  return rows.rows.map((r) => ({ externalId: r.external_id, managed: r.managed }));
}

/**
 * The external ids this setup manages, in pages of `pageSize` (keyset on external_id): for a provider that finds
 * removals by comparing the directory's set with ours.
 */
export async function* managedExternalIdPages(db: Db, setupId: string, pageSize = 1000): AsyncGenerator<string[]> {
  let after: string | null = null;
  for (;;) {
    const rows = await db
      .selectFrom('users')
      .select('external_id')
      .where('managing_setup_id', '=', setupId)
      .where('external_id', 'is not', null)
      .$if(after !== null, (qb) => qb.where('external_id', '>', after as string))
      .orderBy('external_id')
      .limit(pageSize)
      .execute();
    const page = rows.map((r) => r.external_id as string);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!;
  }
}

/** Changed users that turned out not to be members: their changes are none of this setup's business. */
export async function forgetUserChanges(db: Db, runId: string, externalIds: readonly string[]) {
  if (externalIds.length === 0) return;
  await db
    .deleteFrom('sync_run_delta_users')
    .where('run_id', '=', runId)
    .where('external_id', 'in', externalIds)
    .execute();
}

/** Added members whose attributes the users round did not bring (they need a GET /users/{id}). */
export async function addedWithoutData(db: Db, runId: string): Promise<string[]> {
  const rows = await sql<{ external_id: string }>`
    select m.external_id from sync_run_delta_members m
    left join sync_run_delta_users u on u.run_id = m.run_id and u.external_id = m.external_id
    where m.run_id = ${runId}::uuid and m.change = 'added' and (u.data is null) and (u.removed_reason is null)`.execute(
    db,
  );
  return rows.rows.map((r) => r.external_id);
}

export async function forgetMemberChanges(db: Db, runId: string, externalIds: readonly string[]) {
  if (externalIds.length === 0) return;
  await db
    .deleteFrom('sync_run_delta_members')
    .where('run_id', '=', runId)
    .where('external_id', 'in', externalIds)
    .execute();
}

/**
 * Builds the run's staging from the delta: members added to the group, and changed users this setup manages
 * that are still members. Users deleted in Entra become removals like members that left.
 */
export async function stageDeltaMembers(db: Db, input: { runId: string; setupId: string }): Promise<number> {
  await sql`
    insert into sync_run_delta_members (run_id, external_id, change)
    select u.run_id, u.external_id, 'removed' from sync_run_delta_users u
    where u.run_id = ${input.runId}::uuid and u.removed_reason is not null
    on conflict (run_id, external_id) do update set change = 'removed'`.execute(db);
  const result = await sql`
    insert into sync_run_members (run_id, external_id, ordinal, data)
    select u.run_id, u.external_id, row_number() over (order by u.external_id)::int, u.data
    from sync_run_delta_users u
    left join sync_run_delta_members m on m.run_id = u.run_id and m.external_id = u.external_id
    where u.run_id = ${input.runId}::uuid and u.data is not null and u.removed_reason is null
      and (m.change = 'added' or (m.change is null and exists (
        select 1 from users p where p.managing_setup_id = ${unpeeked(input.setupId)} and p.external_id = u.external_id)))
    on conflict (run_id, external_id) do update set data = excluded.data`.execute(db);
  await sql`update sync_runs set members_read = (select count(*) from sync_run_members where run_id = ${input.runId}::uuid) where id = ${input.runId}::uuid`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}

/** Users this setup manages that the delta reported as gone from the group or deleted, in user-id order. */
export async function readDeltaRemovedChunk(
  db: Db,
  page: { setupId: string; runId: string; afterUserId: string | null; limit: number },
): Promise<ProductUser[]> {
  const rows = await db
    .selectFrom('users as u')
    .selectAll('u')
    .where('u.managing_setup_id', '=', page.setupId)
    .where(({ exists, selectFrom, lit }) =>
      exists(
        selectFrom('sync_run_delta_members as m')
          .select(lit(1).as('one'))
          .where('m.run_id', '=', page.runId)
          .where('m.change', '=', 'removed')
          .whereRef('m.external_id', '=', 'u.external_id'),
      ),
    )
    .$if(page.afterUserId !== null, (qb) => qb.where('u.id', '>', page.afterUserId as string))
    .orderBy('u.id')
    .limit(page.limit)
    .execute();
  return rows.map(toProductUser);
}

export async function clearDeltaRun(db: Db, runId: string) {
  await db.deleteFrom('sync_run_delta_members').where('run_id', '=', runId).execute();
  await db.deleteFrom('sync_run_delta_users').where('run_id', '=', runId).execute();
}

/**
 * A delta run reads only what changed, so the members it did not touch are counted here, as `unchanged`: the
 * users this setup manages that the run neither staged nor removed. Recorded like a batch (same idempotency
 * key, same exact addition to the run's counts), so a retried finish cannot count them twice. Members the
 * setup never linked (skipped or in conflict) are only counted by full runs.
 */
export async function countDeltaUnchanged(db: Db, input: { runId: string; setupId: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await claimBatch(trx, input.runId, 'delta:unchanged', null))) return;
    const row = await sql<{ n: number }>`
      select count(*)::int as n from users u
      where u.managing_setup_id = ${input.setupId}::uuid
        and not exists (select 1 from sync_run_members m where m.run_id = ${input.runId}::uuid and m.external_id = u.external_id)
        and not exists (select 1 from sync_run_delta_members d where d.run_id = ${input.runId}::uuid and d.external_id = u.external_id and d.change = 'removed')`.execute(
      trx,
    );
    await completeBatch(trx, input.runId, 'delta:unchanged', { ...emptyCounts(), unchanged: row.rows[0]?.n ?? 0 });
  });
}
