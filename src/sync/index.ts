/** The pure sync planner: no I/O, no database, no Temporal. */
export type * from './types.js';
export {
  DEFAULT_DELETION_THRESHOLD,
  DEFAULT_INITIALS_ATTRIBUTES,
  DEFAULT_REMOVAL_GRACE_DAYS,
  withPolicyDefaults,
  type SetupPolicyInput,
} from './defaults.js';
export {
  directoryEmail,
  directoryInitials,
  isEnabledInDirectory,
  mapDirectoryUser,
  syncedFieldsOf,
} from './mapping.js';
export { diffFields, type FieldDiff } from './diff.js';
export { indexCandidates, matchKeyOf, matchKeysFor, type MatchKeys, type MemberCandidates } from './match-keys.js';
export { desiredActive } from './activation.js';
export { planMembers } from './plan-members.js';
export { planRemovals } from './plan-removals.js';
export {
  checkDeletionGuard,
  countRemovals,
  holdRemovals,
  type DeletionGuardInput,
  type GuardVerdict,
} from './deletion-guard.js';
export { addCounts, countChanges, emptyCounts, totalCount, type CountableChange } from './counts.js';
export {
  because,
  entraDeletion,
  englishReasons,
  isReason,
  reasonCodes,
  reasons,
  reasonText,
  renderReason,
  type EntraDeletion,
  type Reason,
  type ReasonCode,
  type ReasonTemplates,
} from './reasons.js';
