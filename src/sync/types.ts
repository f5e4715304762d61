import type { Reason } from './reasons.js';
/**
 * The data the pure sync planner works on. Nothing here does I/O: the orchestration reads Graph and
 * Postgres, hands the planner one chunk at a time, and applies the PlannedChanges it gets back.
 */

/** A directory member as the planner sees it, whatever the provider (src/sync/directory-user.ts). */
export type { DirectoryUser } from './directory-user.js';

/** The product's user row (the fields the sync owns plus identity/ownership). */
export interface ProductUser {
  id: string;
  companyId: string;
  customerTypeId: string;
  email: string | null;
  initials: string | null;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  phone: string | null;
  mobile: string | null;
  department: string | null;
  jobTitle: string | null;
  officeLocation: string | null;
  externalId: string | null; // the directory's immutable id once linked
  managingSetupId: string | null; // the setup that created or adopted it; null = not managed
  active: boolean;
  deactivatedAt: Date | null; // when the sync (or anyone) deactivated it
  /**
   * The setup whose sync deactivated the user; null when it is active or someone else deactivated it.
   * Needed because only a deactivation the sync made itself may be undone by the sync: a user an
   * administrator switched off in the product stays off even while Entra says enabled.
   */
  deactivatedBySetupId: string | null;
}

/**
 * The name of a directory attribute initials are read from (`attributeOf`): Entra's onPremisesSamAccountName,
 * mailNickname or employeeId; AD's sAMAccountName… Which names a setup may choose is the API's (per provider).
 */
export type InitialsAttribute = string;

export interface SetupPolicy {
  setupId: string;
  companyId: string;
  customerTypeId: string;
  updateExisting: boolean;
  deleteRemoved: boolean;
  matchOn: 'email' | 'initials';
  initialsAttributes: InitialsAttribute[]; // tried in order; default ['onPremisesSamAccountName','mailNickname']
  removalGraceDays: number; // 0 = delete in the same run
  deletionThreshold: { count: number; percent: number }; // defaults 500 and 20
  /** The tenant's verified domains, as stored on the connection when it was verified: adoption needs one. */
  verifiedDomains: readonly string[];
}

export type ChangeAction = 'create' | 'update' | 'adopt' | 'deactivate' | 'delete' | 'skip' | 'conflict' | 'unchanged';

/** The fields the sync writes on a product user. */
export type SyncedFields = Pick<
  ProductUser,
  | 'email'
  | 'initials'
  | 'firstName'
  | 'lastName'
  | 'displayName'
  | 'phone'
  | 'mobile'
  | 'department'
  | 'jobTitle'
  | 'officeLocation'
  | 'active'
>;

/**
 * One decision about one directory member or one removed user.
 *
 * How to apply it (write `after`, whatever the action):
 * - create: insert `after` with externalId, managingSetupId = setupId, the policy's companyId and customerTypeId.
 * - adopt: set externalId and managingSetupId = setupId (the link is implied by the action), then as update.
 * - update: write `after`; when it sets active=true also clear deactivatedAt and deactivatedBySetupId.
 * - deactivate: write `after` (always holds active=false) and set deactivatedAt = now, deactivatedBySetupId = setupId.
 * - delete: delete the user.
 * - skip, conflict, unchanged: write nothing.
 */
export interface PlannedChange {
  action: ChangeAction;
  externalId: string | null; // the Entra id (null only for a removal of a user that never had one — shouldn't happen)
  userId: string | null; // product user id; null for create/skip-before-create
  before: Partial<SyncedFields> | null; // update/adopt: only the changed fields; deactivate/delete: snapshot
  after: Partial<SyncedFields> | null; // create: all fields; update/adopt/deactivate: only the changed fields
  reason: string; // a human sentence explaining why (English, rendered from reasonDetail when the planner gave one)
  /** The reason as a code with parameters, rendered in the reader's language by the admin pages. */
  reasonDetail?: Reason;
}

export interface RunCounts {
  created: number;
  updated: number;
  adopted: number;
  deactivated: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  conflicts: number;
  failed: number;
}
