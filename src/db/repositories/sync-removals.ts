import type { Db } from '../database.js';
import type { ProductUser } from '../../sync/types.js';
import { toProductUser } from './sync-user-rows.js';

/**
 * The users a setup manages that are not among the run's staged members: the removal candidates planRemovals
 * decides about. Set-based (NOT EXISTS against the staging primary key), read in keyset chunks by user id over
 * users_managed_by_setup, so neither side is ever loaded whole. Read only after every member chunk is applied,
 * so a user adopted or relinked by this run is not mistaken for a removed one.
 */
function removedUsers(db: Db, setupId: string, runId: string) {
  return db
    .selectFrom('users as u')
    .where('u.managing_setup_id', '=', setupId)
    .where(({ not, exists, selectFrom, lit }) =>
      not(
        exists(
          selectFrom('sync_run_members as m')
            .select(lit(1).as('one'))
            .where('m.run_id', '=', runId)
            .whereRef('m.external_id', '=', 'u.external_id'),
        ),
      ),
    );
}

export interface RemovedPage {
  setupId: string;
  runId: string;
  /** null: from the start. */
  afterUserId: string | null;
  limit: number;
}

export function removedChunkQuery(db: Db, page: RemovedPage) {
  return removedUsers(db, page.setupId, page.runId)
    .selectAll('u')
    .$if(page.afterUserId !== null, (qb) => qb.where('u.id', '>', page.afterUserId as string))
    .orderBy('u.id')
    .limit(page.limit);
}

export async function readRemovedChunk(db: Db, page: RemovedPage): Promise<ProductUser[]> {
  return (await removedChunkQuery(db, page).execute()).map(toProductUser);
}

export async function countRemoved(db: Db, setupId: string, runId: string): Promise<number> {
  const row = await removedUsers(db, setupId, runId)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
