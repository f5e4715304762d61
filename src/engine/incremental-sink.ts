import type { Db } from '../db/database.js';
import {
  addedWithoutData,
  changedUsersOutsideGroupDelta,
  forgetMemberChanges,
  forgetUserChanges,
  joinedMembers,
  managedExternalIdPages,
  memberChanges,
  recordMemberChanges,
  recordUserChanges,
  recordUsersGone,
} from '../db/repositories/sync-delta.js';
import type { IncrementalSink } from '../directory/provider.js';

/**
 * Where a provider's incremental round writes: the run's delta tables. Once the round is read the engine turns
 * them into the same staging a full read produces (stageDeltaMembers), so planning and applying are shared.
 */
export function runDeltaSink(db: Db, input: { runId: string; setupId: string }): IncrementalSink {
  const { runId, setupId } = input;
  return {
    memberChanges: (changes) => recordMemberChanges(db, runId, changes),
    userChanges: (users) => recordUserChanges(db, runId, users),
    changedOutsideMemberChanges: () => changedUsersOutsideGroupDelta(db, { runId, setupId }),
    forgetUserChanges: (externalIds) => forgetUserChanges(db, runId, externalIds),
    forgetMemberChanges: (externalIds) => forgetMemberChanges(db, runId, externalIds),
    usersGone: (externalIds) => recordUsersGone(db, runId, externalIds),
    removedMembers: () => memberChanges(db, runId, 'removed'),
    addedMembers: () => joinedMembers(db, runId),
    addedWithoutData: () => addedWithoutData(db, runId),
    managedExternalIds: () => managedExternalIdPages(db, setupId),
  };
}
